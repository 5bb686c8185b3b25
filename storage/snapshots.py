"""Repository functions of snapshots: what is to archive, and the index of what was.

The work is data, like the collector's due sources: a public story (approved
or published, primary copy) without a ``snapshots`` row, or with a pending
one whose ``next_attempt_at`` has come, is due. ``claim_snapshots`` takes a
few at once under a short lease (``claimed_until``), so a second process
running the same job skips them. A failure is recorded with the reason and
retried later (``retry_delay``); after ``MAX_ATTEMPTS`` the row is ``failed``
and stays visible on the desk and in ``clippings archive list``.

Save Page Now requests (``archive_org_*``) ride on the same row, with their
own state and retries, so a failing snapshot never holds them up, nor the
other way round.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError

from storage.archive_tables import SnapshotRow
from storage.publishing import PUBLIC_STATUSES
from storage.records import item_json
from storage.store import Store
from storage.tables import ItemRow

MAX_ATTEMPTS = 8  # then the snapshot is marked failed (about two days of retries)
CLAIM = timedelta(minutes=10)  # a claimed snapshot is left alone this long by others


def retry_delay(attempts: int) -> timedelta:
    """Wait before attempt ``attempts + 1``: 5 min, 20 min, 80 min, ... at most a day."""
    minutes = 5 * 4 ** max(0, attempts - 1)
    return min(timedelta(minutes=minutes), timedelta(days=1))


@dataclass(frozen=True, slots=True)
class SnapshotTask:
    """A public story to snapshot, with the values its archived copy shows."""

    item_id: int
    url: str
    headline: str | None
    outlet: str | None
    published: str | None  # ISO 8601
    text: str
    attempts: int


@dataclass(frozen=True, slots=True)
class Captured:
    """Where a snapshot was written: what ``record_snapshot`` stores."""

    target_url: str
    captured_at: datetime
    http_status: int
    content_type: str
    origin: str  # collection | revalidated | fetched
    warc_file: str
    warc_offset: int
    warc_length: int
    payload_digest: str


@dataclass(frozen=True, slots=True)
class SnapshotInfo:
    """One row of the index, for the desk, the CLI and export/verify."""

    item_id: int
    state: str
    url: str
    target_url: str | None
    captured_at: datetime | None
    http_status: int | None
    content_type: str | None
    origin: str | None
    warc_file: str | None
    warc_offset: int | None
    warc_length: int | None
    payload_digest: str | None
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None
    archive_org_state: str
    archive_org_url: str | None
    archive_org_error: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "item": self.item_id,
            "state": self.state,
            "url": self.url,
            "target_url": self.target_url,
            "captured_at": self.captured_at.isoformat() if self.captured_at else None,
            "http_status": self.http_status,
            "origin": self.origin,
            "warc_file": self.warc_file,
            "warc_offset": self.warc_offset,
            "warc_length": self.warc_length,
            "payload_digest": self.payload_digest,
            "attempts": self.attempts,
            "last_error": self.last_error,
            "archive_org": self.archive_org_state,
            "archive_org_url": self.archive_org_url,
        }


def _info(row: SnapshotRow) -> SnapshotInfo:
    return SnapshotInfo(
        item_id=row.item_id,
        state=row.state,
        url=row.url,
        target_url=row.target_url,
        captured_at=row.captured_at,
        http_status=row.http_status,
        content_type=row.content_type,
        origin=row.origin,
        warc_file=row.warc_file,
        warc_offset=row.warc_offset,
        warc_length=row.warc_length,
        payload_digest=row.payload_digest,
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        last_error=row.last_error,
        archive_org_state=row.archive_org_state,
        archive_org_url=row.archive_org_url,
        archive_org_error=row.archive_org_error,
    )


def _public_items() -> Any:
    return select(ItemRow).where(ItemRow.status.in_(PUBLIC_STATUSES), ItemRow.is_primary.is_(True))


def claim_snapshots(
    store: Store,
    *,
    now: datetime,
    limit: int,
    archive_org: bool = False,
    item_ids: Sequence[int] | None = None,
) -> list[SnapshotTask]:
    """Claim up to ``limit`` due snapshots (optionally only of ``item_ids``).

    New rows are made for public stories that have none; ``archive_org`` marks
    their Save Page Now request as pending too.
    """
    due = (
        _public_items()
        .outerjoin(SnapshotRow, SnapshotRow.item_id == ItemRow.id)
        .where(
            or_(
                SnapshotRow.item_id.is_(None),
                (SnapshotRow.state == "pending")
                & or_(SnapshotRow.next_attempt_at.is_(None), SnapshotRow.next_attempt_at <= now)
                & or_(SnapshotRow.claimed_until.is_(None), SnapshotRow.claimed_until <= now),
            )
        )
        .order_by(ItemRow.reviewed_at.desc(), ItemRow.id.desc())
        .limit(limit)
    )
    if item_ids is not None:
        due = due.where(ItemRow.id.in_(list(item_ids)))
    with store.session() as session:
        rows = list(session.scalars(due))
    tasks = []
    for row in rows:
        attempts = _claim(store, row, now=now, archive_org=archive_org)
        if attempts is None:
            continue
        item = item_json(row, [])
        tasks.append(
            SnapshotTask(
                item_id=row.id,
                url=row.url,
                headline=item["headline"],
                outlet=item["outlet"],
                published=item["published"],
                text=item["text"],
                attempts=attempts,
            )
        )
    return tasks


def _claim(store: Store, item: ItemRow, *, now: datetime, archive_org: bool) -> int | None:
    """Take the item's snapshot for ``CLAIM``; its attempts so far, or None if another has it."""
    until = now + CLAIM
    try:
        with store.session() as session, session.begin():
            row = session.get(SnapshotRow, item.id)
            if row is None:
                session.add(
                    SnapshotRow(
                        item_id=item.id,
                        state="pending",
                        url=item.url,
                        attempts=0,
                        claimed_until=until,
                        archive_org_state="pending" if archive_org else "off",
                        archive_org_attempts=0,
                        archive_org_next_at=now if archive_org else None,
                        created_at=now,
                        updated_at=now,
                    )
                )
                return 0
            result = session.execute(
                update(SnapshotRow)
                .where(
                    SnapshotRow.item_id == item.id,
                    SnapshotRow.state == "pending",
                    or_(SnapshotRow.claimed_until.is_(None), SnapshotRow.claimed_until <= now),
                )
                .values(claimed_until=until)
                .execution_options(synchronize_session=False)
            )
            return row.attempts if result.rowcount == 1 else None  # type: ignore[attr-defined]
    except IntegrityError:  # another process made the row first: it is theirs
        return None


def record_snapshot(store: Store, item_id: int, captured: Captured, *, now: datetime) -> None:
    """The snapshot is written: index it (state ``ok``, lease released)."""
    with store.session() as session, session.begin():
        session.execute(
            update(SnapshotRow)
            .where(SnapshotRow.item_id == item_id)
            .values(
                state="ok",
                target_url=captured.target_url,
                captured_at=captured.captured_at,
                http_status=captured.http_status,
                content_type=captured.content_type[:200],
                origin=captured.origin,
                warc_file=captured.warc_file,
                warc_offset=captured.warc_offset,
                warc_length=captured.warc_length,
                payload_digest=captured.payload_digest,
                attempts=SnapshotRow.attempts + 1,
                claimed_until=None,
                next_attempt_at=None,
                last_error=None,
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )


def record_snapshot_failure(store: Store, item_id: int, *, error: str, now: datetime) -> str:
    """A failed attempt: keep the reason, retry later or give up; returns the new state."""
    with store.session() as session, session.begin():
        row = session.get(SnapshotRow, item_id)
        if row is None:
            return "missing"
        attempts = row.attempts + 1
        state = "failed" if attempts >= MAX_ATTEMPTS else "pending"
        row.attempts = attempts
        row.state = state
        row.last_error = error[:2000]
        row.claimed_until = None
        row.next_attempt_at = now + retry_delay(attempts) if state == "pending" else None
        row.updated_at = now
        return state


def retry_failed(store: Store, *, now: datetime, item_ids: Sequence[int] | None = None) -> int:
    """Failed snapshots back to pending, due now (``clippings archive run --retry-failed``)."""
    query = update(SnapshotRow).where(SnapshotRow.state == "failed")
    if item_ids is not None:
        query = query.where(SnapshotRow.item_id.in_(list(item_ids)))
    with store.session() as session, session.begin():
        result = session.execute(
            query.values(state="pending", attempts=0, next_attempt_at=now, updated_at=now)
        )
        return max(0, result.rowcount or 0)  # type: ignore[attr-defined]


def snapshot_of(store: Store, item_id: int) -> SnapshotInfo | None:
    with store.session() as session:
        row = session.get(SnapshotRow, item_id)
        return _info(row) if row is not None else None


def snapshots_of(store: Store, item_ids: Sequence[int]) -> dict[int, SnapshotInfo]:
    with store.session() as session:
        rows = session.scalars(select(SnapshotRow).where(SnapshotRow.item_id.in_(list(item_ids))))
        return {row.item_id: _info(row) for row in rows}


def list_snapshots(
    store: Store,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    states: Sequence[str] = ("ok",),
) -> list[SnapshotInfo]:
    """Index rows in ``states``, captured in ``[since, until)``, oldest capture first."""
    query = select(SnapshotRow).where(SnapshotRow.state.in_(list(states)))
    if since is not None:
        query = query.where(SnapshotRow.captured_at >= since)
    if until is not None:
        query = query.where(SnapshotRow.captured_at < until)
    query = query.order_by(SnapshotRow.captured_at, SnapshotRow.item_id)
    with store.session() as session:
        return [_info(row) for row in session.scalars(query)]


def due_archive_org(store: Store, *, now: datetime, limit: int) -> list[tuple[int, str, int]]:
    """Pending Save Page Now requests: ``(item_id, url, attempts so far)``."""
    query = (
        select(SnapshotRow.item_id, SnapshotRow.url, SnapshotRow.archive_org_attempts)
        .where(
            SnapshotRow.archive_org_state == "pending",
            or_(SnapshotRow.archive_org_next_at.is_(None), SnapshotRow.archive_org_next_at <= now),
        )
        .order_by(SnapshotRow.archive_org_next_at)
        .limit(limit)
    )
    with store.session() as session:
        return [(int(i), str(u), int(a)) for i, u, a in session.execute(query)]


def record_archive_org(
    store: Store,
    item_id: int,
    *,
    now: datetime,
    archive_url: str | None = None,
    error: str | None = None,
) -> str:
    """The outcome of a Save Page Now request; returns the new state (ok, pending, failed)."""
    with store.session() as session, session.begin():
        row = session.get(SnapshotRow, item_id)
        if row is None:
            return "missing"
        row.archive_org_attempts += 1
        if archive_url:
            row.archive_org_state, row.archive_org_url, row.archive_org_error = (
                "ok",
                archive_url,
                None,
            )
            row.archive_org_next_at = None
        else:
            give_up = row.archive_org_attempts >= MAX_ATTEMPTS
            row.archive_org_state = "failed" if give_up else "pending"
            row.archive_org_error = (error or "unknown error")[:2000]
            row.archive_org_next_at = (
                None if give_up else now + retry_delay(row.archive_org_attempts)
            )
        row.updated_at = now
        return row.archive_org_state


def counts(store: Store) -> dict[str, int]:
    """Snapshots by state, and public stories with no snapshot row yet (``to_do``)."""
    with store.session() as session:
        by_state = dict(
            session.execute(select(SnapshotRow.state, func.count()).group_by(SnapshotRow.state))
            .tuples()
            .all()
        )
        to_do = session.scalar(
            select(func.count())
            .select_from(ItemRow)
            .outerjoin(SnapshotRow, SnapshotRow.item_id == ItemRow.id)
            .where(
                ItemRow.status.in_(PUBLIC_STATUSES),
                ItemRow.is_primary.is_(True),
                SnapshotRow.item_id.is_(None),
            )
        )
    return {"ok": 0, "pending": 0, "failed": 0, **by_state, "to_do": int(to_do or 0)}
