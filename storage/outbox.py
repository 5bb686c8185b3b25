"""Claiming and settling outgoing messages: digest e-mails and alert deliveries.

Both tables work as an outbox with the same states::

    pending ──claim──► sending ──ok──► sent
       ▲                 │
       └──── failed ◄────┘ (retried at next_attempt_at) ──too many──► gave_up

A claim is one conditional UPDATE (``WHERE id = ? AND status = <seen>``), so
of two processes only one sends a message. ``sending`` carries a lease in
``next_attempt_at``: a row still ``sending`` after its lease is a process that
died between sending and recording, and is claimed again. That resend is the
one duplicate a crash can cause; a message is never lost.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from storage.store import Store

CLAIM_LEASE = timedelta(minutes=10)  # a send taking longer is taken for a crash
RETRYABLE = ("pending", "failed", "sending")


def insert_new(store: Store, session: Session, table: Any, values: dict[str, Any]) -> int:
    """INSERT ... ON CONFLICT DO NOTHING on ``session``; returns rows inserted (0 or 1)."""
    module = postgresql if store.dialect == "postgresql" else sqlite
    statement = module.insert(table).values(**values).on_conflict_do_nothing()
    return int(session.execute(statement.returning(table.id)).first() is not None)


def due_ids(store: Store, table: Any, *, now: datetime, limit: int = 100) -> list[int]:
    """Rows to send now: pending, failed and due again, or stuck ``sending`` past the lease."""
    with store.session() as session:
        return list(
            session.scalars(
                select(table.id)
                .where(
                    table.status.in_(RETRYABLE),
                    or_(table.next_attempt_at.is_(None), table.next_attempt_at <= now),
                )
                .order_by(table.id)
                .limit(limit)
            )
        )


def claim(store: Store, table: Any, row_id: int, *, now: datetime) -> Any | None:
    """Take row ``row_id`` for sending; the row (detached) or None when someone else has it."""
    with store.session() as session, session.begin():
        row = session.get(table, row_id)
        if row is None or row.status not in RETRYABLE:
            return None
        if row.next_attempt_at is not None and row.next_attempt_at > now:
            return None
        done = session.execute(
            update(table)
            .where(
                and_(
                    table.id == row_id,
                    table.status == row.status,
                    table.attempts == row.attempts,
                )
            )
            .values(status="sending", attempts=row.attempts + 1, next_attempt_at=now + CLAIM_LEASE)
        )
        if not done.rowcount:  # type: ignore[attr-defined]
            return None
        session.refresh(row)
        session.expunge(row)
        return row


def settle(
    store: Store,
    table: Any,
    row_id: int,
    *,
    ok: bool,
    now: datetime,
    error: str | None = None,
    retry_at: datetime | None = None,
    extra: dict[str, Any] | None = None,
) -> None:
    """Record how a send went: ``sent``, ``failed`` (again at ``retry_at``) or ``gave_up``."""
    values: dict[str, Any] = dict(extra or {})
    if ok:
        values.update(status="sent", last_error=None, next_attempt_at=None)
        values["sent_at" if hasattr(table, "sent_at") else "delivered_at"] = now
    else:
        values.update(
            status="failed" if retry_at else "gave_up",
            last_error=(error or "failed")[:2000],
            next_attempt_at=retry_at,
        )
    with store.session() as session, session.begin():
        session.execute(update(table).where(table.id == row_id).values(**values))


def retry_now(store: Store, table: Any, row_ids: Sequence[int], *, now: datetime) -> int:
    """Send failed or abandoned rows again at the next tick (the desk's "Retry")."""
    with store.session() as session, session.begin():
        done = session.execute(
            update(table)
            .where(table.id.in_(list(row_ids)), table.status.in_(("failed", "gave_up")))
            .values(status="pending", next_attempt_at=None, attempts=0)
        )
        return int(done.rowcount)  # type: ignore[attr-defined]
