"""Sources and their fetch state: configuration sync, due-ness, the fetch log."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    Boolean,
    Float,
    Integer,
    Table,
    Text,
    bindparam,
    case,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import DBAPIError

from scraper.models.stored import (
    FetchLogRecord,
    FetchRecord,
    SourceSpec,
    SourceState,
)
from storage.base import SAVE_ATTEMPTS, StoreBase, _write_conflict
from storage.tables import FetchRow, SourceRow
from storage.types import UTCDateTime


def _state(row: SourceRow) -> SourceState:
    return SourceState(
        id=row.id,
        kind=row.kind,
        url=row.url,
        outlet=row.outlet,
        city=row.city,
        enabled=row.enabled,
        removed=row.removed,
        interval_seconds=row.interval_seconds,
        etag=row.etag,
        last_modified=row.last_modified,
        next_check_at=row.next_check_at,
        last_checked_at=row.last_checked_at,
        last_success_at=row.last_success_at,
        last_status=row.last_status,
        error_count=row.error_count,
        last_error=row.last_error,
        items_found=row.items_found,
        check_interval_seconds=row.check_interval_seconds,
        entries_per_week=row.entries_per_week,
        unhealthy_since=row.unhealthy_since,
    )


_SOURCES = cast("Table", SourceRow.__table__)


def _at(name: str) -> Any:
    """A datetime parameter of an executemany statement (converted like the columns)."""
    return bindparam(name, type_=UTCDateTime())


def _flag(name: str) -> Any:
    return bindparam(name, type_=Boolean())


# One statement shape for every outcome, so a batch of fetch records is one executemany.
# Counters and the unhealthy date are computed from the stored row, not read first.
_FETCH_STATE_UPDATE = (
    update(_SOURCES)
    .where(_SOURCES.c.id == bindparam("p_id"))
    .values(
        last_checked_at=_at("p_checked"),
        last_status=bindparam("p_status", type_=Integer()),
        next_check_at=_at("p_next"),
        updated_at=_at("p_updated"),
        lease_owner=None,  # recording the fetch ends the lease
        lease_until=None,
        error_count=case((_flag("p_failed"), _SOURCES.c.error_count + 1), else_=0),
        last_error=bindparam("p_error", type_=Text()),
        last_success_at=func.coalesce(_at("p_success"), _SOURCES.c.last_success_at),
        items_found=_SOURCES.c.items_found + bindparam("p_new", type_=Integer()),
        etag=case((_flag("p_ok"), bindparam("p_etag", type_=Text())), else_=_SOURCES.c.etag),
        last_modified=case(
            (_flag("p_ok2"), bindparam("p_modified", type_=Text())),
            else_=_SOURCES.c.last_modified,
        ),
        check_interval_seconds=func.coalesce(
            bindparam("p_interval", type_=Integer()), _SOURCES.c.check_interval_seconds
        ),
        entries_per_week=func.coalesce(
            bindparam("p_rate", type_=Float()), _SOURCES.c.entries_per_week
        ),
        unhealthy_since=case(
            (_flag("p_unhealthy"), func.coalesce(_SOURCES.c.unhealthy_since, _at("p_since"))),
            else_=None,
        ),
    )
)


def _fetch_state_params(record: FetchRecord) -> dict[str, Any]:
    """The parameters of ``_FETCH_STATE_UPDATE`` for one record."""
    failed = record.outcome == "error"
    ok = record.outcome == "ok"
    return {
        "p_id": record.source_id,
        "p_checked": record.started_at,
        "p_status": record.status,
        "p_next": record.next_check_at,
        "p_updated": record.started_at,
        "p_failed": failed,
        "p_error": record.error if failed else None,
        "p_success": None if failed else record.started_at,
        "p_new": 0 if failed else record.items_new,
        "p_ok": ok,
        "p_etag": record.etag,
        "p_ok2": ok,
        "p_modified": record.last_modified,
        "p_interval": record.check_interval_seconds,
        "p_rate": record.entries_per_week,
        "p_unhealthy": record.unhealthy,
        "p_since": record.started_at,
    }


class SourceTable(StoreBase):
    """Reads and writes of sources (part of ``storage.store.Store``)."""

    def sync_sources(self, specs: Iterable[SourceSpec], *, now: datetime) -> None:
        """Make the sources table match the configuration; keep fetch state.

        Collectors starting together on one database race to add the same new
        sources: the loser's transaction fails on the primary key and is run
        again, now updating the rows the winner added.
        """
        specs = list(specs)
        for attempt in range(SAVE_ATTEMPTS):
            try:
                self._sync_sources(specs, now=now)
                return
            except DBAPIError as exc:
                if not _write_conflict(exc) or attempt == SAVE_ATTEMPTS - 1:
                    raise

    def _sync_sources(self, specs: Iterable[SourceSpec], *, now: datetime) -> None:
        """Make the sources table match the configuration; keep fetch state.

        A new or re-enabled source is due at once; a changed URL forgets the
        old validators; a source gone from the file is marked ``removed``.
        """
        specs = list(specs)
        with self.session() as session, session.begin():
            rows = {row.id: row for row in session.scalars(select(SourceRow))}
            for spec in specs:
                row = rows.get(spec.id)
                if row is None:
                    session.add(
                        SourceRow(
                            id=spec.id,
                            kind=spec.kind,
                            url=spec.url,
                            outlet=spec.outlet,
                            city=spec.city,
                            enabled=spec.enabled,
                            removed=False,
                            interval_seconds=spec.interval_seconds,
                            next_check_at=now,
                            error_count=0,
                            items_found=0,
                            created_at=now,
                            updated_at=now,
                        )
                    )
                    continue
                if row.url != spec.url:
                    row.etag = row.last_modified = None
                    row.next_check_at = now
                if (spec.enabled and not row.enabled) or row.removed:
                    row.next_check_at = now
                row.kind, row.url, row.outlet, row.city = (
                    spec.kind,
                    spec.url,
                    spec.outlet,
                    spec.city,
                )
                row.enabled, row.removed = spec.enabled, False
                row.interval_seconds = spec.interval_seconds
                row.updated_at = now
            configured = {spec.id for spec in specs}
            for row_id, row in rows.items():
                if row_id not in configured and not row.removed:
                    row.removed = True
                    row.updated_at = now

    def sources(self, *, include_removed: bool = False) -> list[SourceState]:
        with self.session() as session:
            query = select(SourceRow).order_by(SourceRow.id)
            if not include_removed:
                query = query.where(SourceRow.removed.is_(False))
            return [_state(row) for row in session.scalars(query)]

    def source(self, source_id: str) -> SourceState | None:
        with self.session() as session:
            row = session.get(SourceRow, source_id)
            return _state(row) if row else None

    def due_sources(self, *, now: datetime, limit: int | None = None) -> list[SourceState]:
        """Enabled sources whose next check has come, most overdue first."""
        with self.session() as session:
            query = (
                select(SourceRow)
                .where(
                    SourceRow.enabled.is_(True),
                    SourceRow.removed.is_(False),
                    or_(SourceRow.next_check_at.is_(None), SourceRow.next_check_at <= now),
                )
                .order_by(SourceRow.next_check_at)
            )
            if limit is not None:
                query = query.limit(limit)
            return [_state(row) for row in session.scalars(query)]

    def next_due_at(self) -> datetime | None:
        with self.session() as session:
            return session.scalar(
                select(func.min(SourceRow.next_check_at)).where(
                    SourceRow.enabled.is_(True), SourceRow.removed.is_(False)
                )
            )

    def record_fetch(self, record: FetchRecord) -> None:
        """Log a fetch and set the source's state from it, in one transaction."""
        self.record_fetches([record])

    def record_fetches(self, records: Sequence[FetchRecord]) -> None:
        """Log fetches and set their sources' state and end their leases, in one transaction.

        Two executemany statements whatever the number of records: the fetch
        log rows, and one UPDATE per source whose counters (errors, items
        found, unhealthy since) are computed by the database from the stored
        row. Either every record of the batch is written or none is: a source
        whose record is lost is due again and simply collected again.
        """
        if not records:
            return
        # Sources updated in one order by every writer: two batches never deadlock.
        ordered = sorted(records, key=lambda r: r.source_id)
        with self.session() as session, session.begin():
            connection = session.connection()
            connection.execute(
                insert(FetchRow),
                [
                    {
                        "source_id": r.source_id,
                        "url": r.url,
                        "started_at": r.started_at,
                        "duration_ms": r.duration_ms,
                        "outcome": r.outcome,
                        "status": r.status,
                        "bytes": r.bytes,
                        "items_total": r.items_total,
                        "items_new": r.items_new,
                        "items_seen": r.items_seen,
                        "error": r.error,
                        "warning": r.warning,
                    }
                    for r in ordered
                ],
            )
            connection.execute(_FETCH_STATE_UPDATE, [_fetch_state_params(r) for r in ordered])

    def fetches(self, source_id: str, *, limit: int = 20) -> list[FetchLogRecord]:
        with self.session() as session:
            rows = session.scalars(
                select(FetchRow)
                .where(FetchRow.source_id == source_id)
                .order_by(FetchRow.started_at.desc(), FetchRow.id.desc())
                .limit(limit)
            )
            return [
                {
                    "started_at": r.started_at,
                    "outcome": r.outcome,
                    "status": r.status,
                    "bytes": r.bytes,
                    "duration_ms": r.duration_ms,
                    "items_total": r.items_total,
                    "items_new": r.items_new,
                    "items_seen": r.items_seen,
                    "error": r.error,
                    "warning": r.warning,
                }
                for r in rows
            ]

    def reset_source_checks(self, source_ids: Sequence[str], *, now: datetime) -> None:
        """Make sources due now (``check now`` in the app, ``collect --source``)."""
        with self.session() as session, session.begin():
            session.execute(
                update(SourceRow).where(SourceRow.id.in_(source_ids)).values(next_check_at=now)
            )
