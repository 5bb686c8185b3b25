"""The desk's sessions as people see them: where and when each began, when it was
last used, and ending one (one's own, or anyone's for an admin).

A session is named on pages by a *handle*: the first 16 hex digits of
SHA-256("handle|" + session id). The session id itself (the key that a cookie
maps to) never appears in a page, and a handle cannot be turned back into it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from storage.review_tables import SessionRow, UserRow
from storage.store import Store


@dataclass(frozen=True, slots=True)
class SessionInfo:
    handle: str
    user: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    address: str | None
    browser: str | None
    current: bool = False


def handle_of(session_id: str) -> str:
    return hashlib.sha256(f"handle|{session_id}".encode()).hexdigest()[:16]


class DeskSessions:
    """Open, list and end desk sessions, over the store's engine."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def create(
        self,
        session_id: str,
        user_id: int,
        *,
        now: datetime,
        lifetime: timedelta,
        address: str | None,
        user_agent: str | None,
    ) -> None:
        with self.store.session() as session, session.begin():
            session.add(
                SessionRow(
                    id=session_id,
                    user_id=user_id,
                    created_at=now,
                    last_seen_at=now,
                    expires_at=now + lifetime,
                    address=(address or None) and address[:64],
                    user_agent=(user_agent or None) and user_agent[:200],
                )
            )

    def live(
        self, *, now: datetime, idle: timedelta, user: str | None = None, current: str | None = None
    ) -> list[SessionInfo]:
        """Sessions not expired nor idle, newest first; of ``user`` only when given."""
        with self.store.session() as session:
            query = (
                select(SessionRow, UserRow.name)
                .join(UserRow, UserRow.id == SessionRow.user_id)
                .where(SessionRow.expires_at > now, SessionRow.last_seen_at > now - idle)
                .order_by(SessionRow.last_seen_at.desc(), SessionRow.created_at.desc())
            )
            if user is not None:
                query = query.where(UserRow.name == user)
            return [
                SessionInfo(
                    handle=handle_of(row.id),
                    user=name,
                    created_at=row.created_at,
                    last_seen_at=row.last_seen_at,
                    expires_at=row.expires_at,
                    address=row.address,
                    browser=row.user_agent,
                    current=row.id == current,
                )
                for row, name in session.execute(query)
            ]

    def end(self, handle: str, *, user: str | None) -> SessionInfo | None:
        """End the session named ``handle`` (only among ``user``'s when given); what it was."""
        with self.store.session() as session, session.begin():
            query = select(SessionRow, UserRow.name).join(UserRow, UserRow.id == SessionRow.user_id)
            if user is not None:
                query = query.where(UserRow.name == user)
            for row, name in session.execute(query):
                if handle_of(row.id) == handle:
                    info = SessionInfo(
                        handle=handle,
                        user=name,
                        created_at=row.created_at,
                        last_seen_at=row.last_seen_at,
                        expires_at=row.expires_at,
                        address=row.address,
                        browser=row.user_agent,
                    )
                    session.execute(delete(SessionRow).where(SessionRow.id == row.id))
                    return info
        return None
