"""Who gets digests, and the record of every digest e-mail (planned, sent, failed).

``plan`` writes one ``digest_sends`` row per recipient of an occurrence
(insert-or-ignore on ``(digest, occurrence, recipient)``), so planning the same
occurrence again after a restart adds nothing: an e-mail that was sent stays
sent. Sending goes through ``storage.outbox``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from scraper.models.stored import ItemRecord
from storage.notify_tables import DigestSendRow, UserNotifyRow
from storage.outbox import insert_new
from storage.publishing import PUBLIC_STATUSES
from storage.records import item_json
from storage.review_tables import AuditRow, UserRow
from storage.store import Store
from storage.tables import ItemRow

MAX_ITEMS = 200  # stories in one digest; more are counted, not listed


@dataclass(frozen=True, slots=True)
class UserNotify:
    user: str
    email: str | None
    digest: bool


@dataclass(frozen=True, slots=True)
class DigestSend:
    id: int
    digest: str
    occurrence: datetime
    window_start: datetime
    recipient: str
    status: str
    attempts: int
    items: int
    last_error: str | None
    next_attempt_at: datetime | None
    sent_at: datetime | None


def send_record(row: DigestSendRow) -> DigestSend:
    return DigestSend(
        id=row.id,
        digest=row.digest,
        occurrence=row.occurrence,
        window_start=row.window_start,
        recipient=row.recipient,
        status=row.status,
        attempts=row.attempts,
        items=row.items,
        last_error=row.last_error,
        next_attempt_at=row.next_attempt_at,
        sent_at=row.sent_at,
    )


class DigestStore:
    def __init__(self, store: Store) -> None:
        self.store = store

    # --- per-user settings --------------------------------------------------

    def user_settings(self, user: str) -> UserNotify:
        with self.store.session() as session:
            row = session.get(UserNotifyRow, user)
            if row is None:
                return UserNotify(user=user, email=None, digest=False)
            return UserNotify(user=user, email=row.email, digest=row.digest)

    def set_user_settings(
        self, user: str, *, email: str | None, digest: bool, now: datetime
    ) -> UserNotify:
        with self.store.session() as session, session.begin():
            row = session.get(UserNotifyRow, user)
            if row is None:
                row = UserNotifyRow(user_name=user, updated_at=now)
                session.add(row)
            row.email = email
            row.digest = digest
            row.updated_at = now
        return UserNotify(user=user, email=email, digest=digest)

    def reviewer_addresses(self) -> list[str]:
        """E-mail addresses of desk users who turned their digest on (existing accounts only)."""
        with self.store.session() as session:
            rows = session.scalars(
                select(UserNotifyRow.email)
                .join(UserRow, UserRow.name == UserNotifyRow.user_name)
                .where(UserNotifyRow.digest.is_(True), UserNotifyRow.email.is_not(None))
                .order_by(UserNotifyRow.user_name)
            )
            return list(dict.fromkeys(e for e in rows if e))

    # --- what goes in a digest ---------------------------------------------

    def new_candidates(self, since: datetime, until: datetime) -> list[ItemRecord]:
        """Stories first seen in ``(since, until]`` that are in the queue now."""
        return self._items(
            ItemRow.status == "candidate",
            ItemRow.first_seen_at > since,
            ItemRow.first_seen_at <= until,
            order=ItemRow.first_seen_at,
        )

    def approved(self, since: datetime, until: datetime) -> list[ItemRecord]:
        """Stories approved in ``(since, until]`` (audit log) that are still public."""
        approvals = select(AuditRow.item_id).where(
            AuditRow.action == "approve",
            AuditRow.undone.is_(False),
            AuditRow.at > since,
            AuditRow.at <= until,
        )
        return self._items(
            ItemRow.status.in_(PUBLIC_STATUSES),
            ItemRow.id.in_(approvals),
            order=ItemRow.reviewed_at,
        )

    def _items(self, *conditions: Any, order: Any) -> list[ItemRecord]:
        with self.store.session() as session:
            rows = session.scalars(
                select(ItemRow)
                .where(ItemRow.is_primary.is_(True), *conditions)
                .order_by(order.desc(), ItemRow.id.desc())
                .limit(MAX_ITEMS)
            )
            return [item_json(r, []) for r in rows]

    # --- the record -----------------------------------------------------------

    def plan(
        self,
        digest: str,
        *,
        occurrence: datetime,
        window_start: datetime,
        recipients: Sequence[str],
        now: datetime,
    ) -> int:
        """Rows for every recipient of one occurrence; returns how many were new."""
        added = 0
        with self.store.session() as session, session.begin():
            for recipient in dict.fromkeys(recipients):
                added += insert_new(
                    self.store,
                    session,
                    DigestSendRow,
                    {
                        "digest": digest,
                        "occurrence": occurrence,
                        "window_start": window_start,
                        "recipient": recipient,
                        "status": "pending",
                        "attempts": 0,
                        "items": 0,
                        "created_at": now,
                    },
                )
        return added

    def planned(self, digest: str, occurrence: datetime) -> bool:
        with self.store.session() as session:
            count = session.scalar(
                select(func.count())
                .select_from(DigestSendRow)
                .where(DigestSendRow.digest == digest, DigestSendRow.occurrence == occurrence)
            )
            return bool(count)

    def sends(self, *, limit: int = 100, status: str | None = None) -> list[DigestSend]:
        with self.store.session() as session:
            query = select(DigestSendRow).order_by(DigestSendRow.id.desc()).limit(limit)
            if status:
                query = query.where(DigestSendRow.status == status)
            return [send_record(r) for r in session.scalars(query)]

    def sends_to(self, recipient: str, *, limit: int = 5) -> list[DigestSend]:
        """The latest e-mails to one address (a user's own page shows them)."""
        with self.store.session() as session:
            rows = session.scalars(
                select(DigestSendRow)
                .where(DigestSendRow.recipient == recipient)
                .order_by(DigestSendRow.id.desc())
                .limit(limit)
            )
            return [send_record(r) for r in rows]

    def failing(self) -> int:
        """Digest e-mails that failed and are waiting or abandoned (for the desk's notice)."""
        with self.store.session() as session:
            return int(
                session.scalar(
                    select(func.count())
                    .select_from(DigestSendRow)
                    .where(DigestSendRow.status.in_(("failed", "gave_up")))
                )
                or 0
            )


def utc(value: datetime) -> datetime:
    return value.astimezone(UTC)
