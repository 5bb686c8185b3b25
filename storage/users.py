"""Staff accounts, their sessions, and login throttling.

Passwords are stored as Argon2 hashes made by the web layer; this module only
keeps them. A session is a random id in a signed cookie, deleted when it
expires or idles out; failed logins are counted per key (account, address) and
lock the key for a while after too many.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update

from scraper.models.errors import NotFound, ReviewError
from storage.desk_base import DeskBase
from storage.review_tables import LoginFailureRow, SessionRow, UserRow


@dataclass(frozen=True, slots=True)
class User:
    id: int
    name: str
    is_admin: bool
    created_at: datetime


def _user(row: UserRow) -> User:
    return User(id=row.id, name=row.name, is_admin=row.is_admin, created_at=row.created_at)


class UserAccounts(DeskBase):
    """Accounts, sessions and login throttling (part of ``storage.review.ReviewStore``)."""

    def add_user(self, name: str, password_hash: str, *, admin: bool, now: datetime) -> User:
        with self._session() as session, session.begin():
            if session.scalar(select(UserRow.id).where(UserRow.name == name)) is not None:
                raise ReviewError(f"a user named {name!r} already exists")
            row = UserRow(
                name=name,
                password_hash=password_hash,
                is_admin=admin,
                created_at=now,
                password_changed_at=now,
            )
            session.add(row)
            session.flush()
            return _user(row)

    def users(self) -> list[User]:
        with self._session() as session:
            return [_user(r) for r in session.scalars(select(UserRow).order_by(UserRow.name))]

    def user_credentials(self, name: str) -> tuple[User, str] | None:
        """The user and their password hash, for checking a login."""
        with self._session() as session:
            row = session.scalar(select(UserRow).where(UserRow.name == name))
            return (_user(row), row.password_hash) if row else None

    def set_password(
        self, name: str, password_hash: str, *, now: datetime, end_sessions: bool = True
    ) -> None:
        """New password hash; by default every session of the user ends."""
        with self._session() as session, session.begin():
            row = session.scalar(select(UserRow).where(UserRow.name == name))
            if row is None:
                raise NotFound(f"no user named {name!r}")
            row.password_hash = password_hash
            row.password_changed_at = now
            if end_sessions:
                session.execute(delete(SessionRow).where(SessionRow.user_id == row.id))

    def remove_user(self, name: str) -> None:
        with self._session() as session, session.begin():
            row = session.scalar(select(UserRow).where(UserRow.name == name))
            if row is None:
                raise NotFound(f"no user named {name!r}")
            session.execute(delete(SessionRow).where(SessionRow.user_id == row.id))
            session.delete(row)

    def create_session(
        self, session_id: str, user_id: int, *, now: datetime, lifetime: timedelta
    ) -> None:
        with self._session() as session, session.begin():
            session.add(
                SessionRow(
                    id=session_id,
                    user_id=user_id,
                    created_at=now,
                    last_seen_at=now,
                    expires_at=now + lifetime,
                )
            )

    def session_user(
        self, session_id: str, *, now: datetime, idle: timedelta, touch_every: timedelta
    ) -> User | None:
        """The user of a live session, or None (expired or idle sessions are deleted)."""
        with self._session() as session:
            found = session.execute(
                select(SessionRow, UserRow)
                .join(UserRow, UserRow.id == SessionRow.user_id)
                .where(SessionRow.id == session_id)
            ).first()
            if found is None:
                return None
            row, user = found
            # The SELECT began the session's transaction: write in it, then commit.
            if row.expires_at <= now or row.last_seen_at + idle <= now:
                session.execute(delete(SessionRow).where(SessionRow.id == session_id))
                session.commit()
                return None
            if now - row.last_seen_at >= touch_every:  # at most one write per interval
                session.execute(
                    update(SessionRow).where(SessionRow.id == session_id).values(last_seen_at=now)
                )
                session.commit()
            return _user(user)

    def end_session(self, session_id: str) -> None:
        with self._session() as session, session.begin():
            session.execute(delete(SessionRow).where(SessionRow.id == session_id))

    def count_sessions(self, name: str) -> int:
        with self._session() as session:
            return int(
                session.scalar(
                    select(func.count(SessionRow.id))
                    .join(UserRow, UserRow.id == SessionRow.user_id)
                    .where(UserRow.name == name)
                )
                or 0
            )

    def clear_login_failures(self, keys: Sequence[str]) -> None:
        with self._session() as session, session.begin():
            session.execute(delete(LoginFailureRow).where(LoginFailureRow.key.in_(keys)))
