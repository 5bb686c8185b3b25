"""The repository: every read and write the rest of clippings makes.

Callers pass and receive plain values (dataclasses, dicts); no SQLAlchemy
object leaves this module. Each public method is one short transaction, so a
crash or kill loses at most the story being written, never one already
stored, and the unique constraints of ``storage.tables`` make a repeated
write a no-op instead of a duplicate.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal, cast

from sqlalchemy import (
    Boolean,
    Engine,
    Float,
    Integer,
    Table,
    Text,
    and_,
    bindparam,
    case,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from scraper.identity import neardup
from storage.story_index import join_story
from storage.story_tables import EntryStateRow
from storage.tables import (
    FetchRow,
    ItemKeyRow,
    ItemRow,
    ItemTagRow,
    SightingRow,
    SourceRow,
)
from storage.types import UTCDateTime

Outcome = Literal["new", "seen"]
MAX_GUID_ALIASES = 3  # GUIDs one source may give one story (a feed changing them every fetch)

SAVE_ATTEMPTS = 5  # a story is looked up and stored at most this often under write conflicts
_RETRY_SQLSTATES = frozenset({"40001", "40P01"})  # serialization failure, deadlock detected


def _write_conflict(exc: DBAPIError) -> bool:
    """True when another writer got there first and the transaction may simply be retried."""
    if isinstance(exc, IntegrityError):
        return True
    if "database is locked" in str(exc.orig):  # SQLite: another process wrote since our read
        return True
    return getattr(exc.orig, "sqlstate", None) in _RETRY_SQLSTATES


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """A source as configured (what sources.yaml says)."""

    id: str
    kind: str
    url: str
    outlet: str | None
    city: str | None
    enabled: bool
    interval_seconds: int


@dataclass(frozen=True, slots=True)
class SourceState:
    """A source and its fetch state (what the database knows)."""

    id: str
    kind: str
    url: str
    outlet: str | None
    city: str | None
    enabled: bool
    removed: bool
    interval_seconds: int
    etag: str | None
    last_modified: str | None
    next_check_at: datetime | None
    last_checked_at: datetime | None
    last_success_at: datetime | None
    last_status: int | None
    error_count: int
    last_error: str | None
    items_found: int
    check_interval_seconds: int | None = None  # the interval in force (adaptive or configured)
    entries_per_week: float | None = None  # publishing rate seen in the feed's dates
    unhealthy_since: datetime | None = None


@dataclass(frozen=True, slots=True)
class FetchRecord:
    """The result of one fetch, written with the source's new state."""

    source_id: str
    url: str
    started_at: datetime
    duration_ms: int
    outcome: Literal["ok", "not_modified", "error"]
    next_check_at: datetime
    status: int | None = None
    bytes: int = 0
    items_total: int = 0
    items_new: int = 0
    items_seen: int = 0
    error: str | None = None
    warning: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    check_interval_seconds: int | None = None  # None: keep the stored one
    entries_per_week: float | None = None  # None: keep the stored one
    unhealthy: bool = False  # the source has now failed unhealthy_after times in a row


@dataclass(frozen=True, slots=True)
class StoryData:
    """Everything stored about a story when it is first seen."""

    url: str
    canonical_url: str
    url_key: str
    keys: tuple[tuple[str, str], ...]
    title_key: str | None
    outlet: str | None
    headline: str | None
    published_at: datetime | None
    authors: tuple[str, ...] = ()
    summary: str | None = None
    excerpt: str | None = None
    text: str | None = None
    status: str = "candidate"
    status_reason: str | None = None
    relevant: bool | None = None
    quotes: list[dict[str, Any]] = field(default_factory=list)
    programs: list[str] = field(default_factory=list)
    cities: list[str] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    analysed_at: datetime | None = None
    analysis_note: str | None = None


@dataclass(frozen=True, slots=True)
class StoryLookup:
    """What identifies an entry: its keys, and its title key and date for the title match."""

    keys: tuple[tuple[str, str], ...]
    title_key: str | None = None
    published_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Sighting:
    """A stored story seen again by a source, under ``url``, with the entry's keys."""

    item_id: int
    url: str
    keys: tuple[tuple[str, str], ...] = ()
    entry_hash: str | None = None  # the source's entry (title, summary); None: not tracked


KEY_CHUNK = 200  # (kind, value) pairs per lookup statement


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


class Store:
    """Reads and writes of clippings, over one engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._session = sessionmaker(engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def session(self) -> Session:
        return self._session()

    def _insert_ignore(self, session: Session, table: Any, values: dict[str, Any]) -> int:
        """INSERT ... ON CONFLICT DO NOTHING; returns rows inserted (0 or 1)."""
        module = postgresql if self.dialect == "postgresql" else sqlite
        statement = module.insert(table).values(**values).on_conflict_do_nothing()
        # RETURNING, not rowcount: SQLAlchemy reports rowcount -1 for this statement on
        # PostgreSQL (psycopg), which would read as "inserted" and skip the update. On the
        # session's connection (Core), not session.execute: the ORM path costs ~1.5 ms more.
        returned = session.connection().execute(statement.returning(table.id)).first()
        return int(returned is not None)

    # --- sources -----------------------------------------------------------

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

    def fetches(self, source_id: str, *, limit: int = 20) -> list[dict[str, Any]]:
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

    # --- stories -----------------------------------------------------------

    def find_story(
        self,
        keys: Sequence[tuple[str, str]],
        *,
        title_key: str | None = None,
        published_at: datetime | None = None,
        window: timedelta = timedelta(days=7),
    ) -> int | None:
        """The id of the stored story with any of these keys (then by title), or None."""
        with self.session() as session:
            return self._find(session, keys, title_key, published_at, window)

    def _find(
        self,
        session: Session,
        keys: Sequence[tuple[str, str]],
        title_key: str | None,
        published_at: datetime | None,
        window: timedelta,
    ) -> int | None:
        if keys:
            found = session.scalar(
                select(ItemKeyRow.item_id)
                # OR of pairs, not (kind, value) IN (...): SQLite scans the whole table
                # for a row-value IN list of two or more pairs (every entry with a GUID).
                .where(or_(*(and_(ItemKeyRow.kind == k, ItemKeyRow.value == v) for k, v in keys)))
                .limit(1)
            )
            if found is not None:
                return found
        if title_key is None:
            return None
        query = select(ItemRow.id).where(ItemRow.title_key == title_key)
        if published_at is not None:
            query = query.where(
                or_(
                    ItemRow.published_at.is_(None),
                    and_(
                        ItemRow.published_at >= published_at - window,
                        ItemRow.published_at <= published_at + window,
                    ),
                )
            )
        return session.scalar(query.order_by(ItemRow.id).limit(1))

    def find_stories(
        self, lookups: Sequence[StoryLookup], *, window: timedelta = timedelta(days=7)
    ) -> list[int | None]:
        """``find_story`` for many entries at once (a whole feed): one query per 200 keys.

        The same answer as ``find_story`` for each lookup: a story with any of
        its keys, else the oldest with its title key within ``window`` of its
        date (or without a date).
        """
        found: list[int | None] = [None] * len(lookups)
        if not lookups:
            return found
        pairs = list(dict.fromkeys(pair for lookup in lookups for pair in lookup.keys))
        by_key: dict[tuple[str, str], int] = {}
        by_title: dict[str, list[tuple[int, datetime | None]]] = {}
        with self.session() as session:
            for start in range(0, len(pairs), KEY_CHUNK):
                chunk = pairs[start : start + KEY_CHUNK]
                rows = session.execute(
                    select(ItemKeyRow.kind, ItemKeyRow.value, ItemKeyRow.item_id).where(
                        # OR of pairs: see _find (a row-value IN list scans on SQLite).
                        or_(*(and_(ItemKeyRow.kind == k, ItemKeyRow.value == v) for k, v in chunk))
                    )
                )
                by_key.update({(r.kind, r.value): r.item_id for r in rows})
            unresolved = [lk.title_key for lk in lookups if not any(p in by_key for p in lk.keys)]
            titles = sorted({t for t in unresolved if t is not None})
            for start in range(0, len(titles), KEY_CHUNK):
                rows = session.execute(
                    select(ItemRow.id, ItemRow.title_key, ItemRow.published_at)
                    .where(ItemRow.title_key.in_(titles[start : start + KEY_CHUNK]))
                    .order_by(ItemRow.id)
                )
                for r in rows:
                    by_title.setdefault(r.title_key, []).append((r.id, r.published_at))
        for n, lookup in enumerate(lookups):
            hit = next((by_key[p] for p in lookup.keys if p in by_key), None)
            if hit is None and lookup.title_key is not None:
                at = lookup.published_at
                hit = next(
                    (
                        item_id
                        for item_id, published in by_title.get(lookup.title_key, [])
                        if at is None or published is None or abs(published - at) <= window
                    ),
                    None,
                )
            found[n] = hit
        return found

    def record_sightings(
        self, sightings: Sequence[Sighting], *, source_id: str, now: datetime
    ) -> set[int]:
        """Record that ``source_id`` saw these stored stories again, in one transaction.

        Per story, as ``record_sighting``: the sighting (new, or one more
        time), keys not stored yet become aliases, ``last_seen_at``. With an
        ``entry_hash``, the source's first entry for a story is recorded; the
        ids returned are the stories whose entry differs from the one recorded
        (left as it was: ``storage.stories.entry_changed`` records it when the
        caller reads the article again).
        """
        if not sightings:
            return set()
        changed: set[int] = set()
        ids = sorted({s.item_id for s in sightings})
        module = postgresql if self.dialect == "postgresql" else sqlite
        with self.session() as session, session.begin():
            connection = session.connection()
            pairs = list(dict.fromkeys(pair for s in sightings for pair in s.keys))
            stored: set[tuple[str, str]] = set()
            for start in range(0, len(pairs), KEY_CHUNK):
                chunk = pairs[start : start + KEY_CHUNK]
                stored.update(
                    (r.kind, r.value)
                    for r in connection.execute(
                        select(ItemKeyRow.kind, ItemKeyRow.value).where(
                            or_(
                                *(
                                    and_(ItemKeyRow.kind == k, ItemKeyRow.value == v)
                                    for k, v in chunk
                                )
                            )
                        )
                    )
                )
            for sighting in sorted(sightings, key=lambda s: s.item_id):
                for kind, value in sorted(set(sighting.keys) - stored):
                    if (
                        kind == "guid"
                        and self._guid_aliases(session, sighting.item_id, value) >= MAX_GUID_ALIASES
                    ):
                        continue  # as in _seen: a feed changing GUIDs must not grow item_keys
                    item = {"item_id": sighting.item_id, "kind": kind, "value": value}
                    self._insert_ignore(session, ItemKeyRow, item)
                    stored.add((kind, value))
            upsert = module.insert(SightingRow).values(
                item_id=bindparam("p_item"),
                source_id=source_id,
                url=bindparam("p_url"),
                first_seen_at=now,
                last_seen_at=now,
                times=1,
            )
            upsert = upsert.on_conflict_do_update(
                index_elements=["item_id", "source_id", "url"],
                set_={"last_seen_at": now, "times": SightingRow.times + 1},
            )
            connection.execute(upsert, [{"p_item": s.item_id, "p_url": s.url} for s in sightings])
            for start in range(0, len(ids), 500):
                connection.execute(
                    update(ItemRow)
                    .where(ItemRow.id.in_(ids[start : start + 500]))
                    .values(last_seen_at=now)
                )
            tracked = [s for s in sightings if s.entry_hash is not None]
            if tracked:
                known = {
                    r.item_id: r.entry_hash
                    for start in range(0, len(ids), 500)
                    for r in connection.execute(
                        select(EntryStateRow.item_id, EntryStateRow.entry_hash).where(
                            EntryStateRow.source_id == source_id,
                            EntryStateRow.item_id.in_(ids[start : start + 500]),
                        )
                    )
                }
                first: list[dict[str, Any]] = []
                for sighting in tracked:
                    before = known.get(sighting.item_id)
                    if before is None:  # the first entry a source gives is never a change
                        known[sighting.item_id] = str(sighting.entry_hash)
                        first.append(
                            {
                                "item_id": sighting.item_id,
                                "source_id": source_id,
                                "entry_hash": sighting.entry_hash,
                                "updated_at": now,
                            }
                        )
                    elif before != sighting.entry_hash:
                        changed.add(sighting.item_id)
                if first:
                    connection.execute(module.insert(EntryStateRow).on_conflict_do_nothing(), first)
        return changed

    def record_sighting(
        self,
        item_id: int,
        *,
        source_id: str,
        url: str,
        keys: Sequence[tuple[str, str]],
        now: datetime,
    ) -> None:
        """Note that a known story was seen again (new keys become aliases)."""
        with self.session() as session, session.begin():
            self._seen(session, item_id, source_id, url, keys, now)

    def _seen(
        self,
        session: Session,
        item_id: int,
        source_id: str,
        url: str,
        keys: Sequence[tuple[str, str]],
        now: datetime,
    ) -> None:
        self._sighting(session, item_id, source_id, url, now)
        for kind, value in sorted(dict.fromkeys(keys)):
            if kind == "guid" and self._guid_aliases(session, item_id, value) >= MAX_GUID_ALIASES:
                continue  # a feed that changes GUIDs on every fetch must not grow item_keys
            self._insert_ignore(
                session, ItemKeyRow, {"item_id": item_id, "kind": kind, "value": value}
            )
        session.execute(update(ItemRow).where(ItemRow.id == item_id).values(last_seen_at=now))

    @staticmethod
    def _guid_aliases(session: Session, item_id: int, key: str) -> int:
        """GUID keys the item already has from the source of ``key`` (``source:guid``)."""
        prefix = key.split(":", 1)[0] + ":"
        return int(
            session.scalar(
                select(func.count(ItemKeyRow.id)).where(
                    ItemKeyRow.item_id == item_id,
                    ItemKeyRow.kind == "guid",
                    ItemKeyRow.value.startswith(prefix, autoescape=True),
                    ItemKeyRow.value != key,
                )
            )
            or 0
        )

    def _sighting(
        self, session: Session, item_id: int, source_id: str, url: str, now: datetime
    ) -> None:
        inserted = self._insert_ignore(
            session,
            SightingRow,
            {
                "item_id": item_id,
                "source_id": source_id,
                "url": url,
                "first_seen_at": now,
                "last_seen_at": now,
                "times": 1,
            },
        )
        if not inserted:
            session.execute(
                update(SightingRow)
                .where(
                    SightingRow.item_id == item_id,
                    SightingRow.source_id == source_id,
                    SightingRow.url == url,
                )
                .values(last_seen_at=now, times=SightingRow.times + 1)
            )

    def save_story(
        self,
        story: StoryData,
        *,
        source_id: str,
        seen_url: str,
        now: datetime,
        looked_up: bool = False,
        entry_hash: str | None = None,
    ) -> tuple[Outcome, int]:
        """Store a story once: ``("new", id)``, or ``("seen", id)`` when any key matches.

        Each attempt is one transaction: look the story up, then either record
        the sighting or insert it. The insert is guarded by the unique keys:
        when another writer stored the same story a moment earlier, the insert
        fails, the whole transaction is rolled back (on PostgreSQL a failed
        statement aborts the transaction, so nothing else may run in it), and
        the next attempt finds the other writer's row and records a sighting.

        ``looked_up``: the caller has just looked the story up (``find_story``,
        ``find_stories``) and found nothing, so the first attempt inserts at
        once; the unique keys still refuse a story stored in between, and the
        retry looks it up. ``entry_hash``: the source's entry for the story
        (``scraper.identity.neardup.entry_hash``), recorded with a new story in the
        same transaction (``storage.stories.entry_changed`` reads it).
        """
        fingerprint = neardup.fingerprint(story.headline, story.text)  # outside the transaction
        for attempt in range(SAVE_ATTEMPTS):
            try:
                with self.session() as session, session.begin():
                    if attempt or not looked_up:
                        existing = self._find(
                            session,
                            story.keys,
                            story.title_key,
                            story.published_at,
                            timedelta(days=7),
                        )
                        if existing is not None:
                            self._seen(session, existing, source_id, seen_url, story.keys, now)
                            return "seen", existing
                    item = self._new_item(story, now)
                    session.add(item)
                    session.flush()
                    self._insert_parts(session, item.id, story, source_id, seen_url, now)
                    if entry_hash is not None:
                        session.connection().execute(
                            insert(EntryStateRow).values(
                                item_id=item.id,
                                source_id=source_id,
                                entry_hash=entry_hash,
                                updated_at=now,
                            )
                        )
                    join_story(session, item, fingerprint, now=now)  # a copy joins its story
                    return "new", item.id
            except DBAPIError as exc:
                if not _write_conflict(exc):
                    raise
                continue  # a concurrent writer stored it first: look again
        raise RuntimeError(f"could not store story {story.url} after {SAVE_ATTEMPTS} attempts")

    @staticmethod
    def _insert_parts(
        session: Session, item_id: int, story: StoryData, source_id: str, url: str, now: datetime
    ) -> None:
        """A new item's keys, tags and first sighting: one executemany per table (Core)."""
        connection = session.connection()
        # Keys in one order for every writer, so two inserts of overlapping
        # keys wait for each other instead of deadlocking.
        keys = [
            {"item_id": item_id, "kind": kind, "value": value}
            for kind, value in sorted(dict.fromkeys(story.keys))
        ]
        if keys:
            connection.execute(insert(ItemKeyRow), keys)
        tags = [
            {"item_id": item_id, "kind": kind, "value": value}
            for kind, values in (("program", story.programs), ("city", story.cities))
            for value in dict.fromkeys(values)
        ]
        if tags:
            connection.execute(insert(ItemTagRow), tags)
        connection.execute(  # a new item has no sighting yet: a plain insert
            insert(SightingRow).values(
                item_id=item_id,
                source_id=source_id,
                url=url,
                first_seen_at=now,
                last_seen_at=now,
                times=1,
            )
        )

    @staticmethod
    def _new_item(story: StoryData, now: datetime) -> ItemRow:
        return ItemRow(
            url=story.url,
            canonical_url=story.canonical_url,
            url_key=story.url_key,
            outlet=story.outlet,
            headline=story.headline,
            published_at=story.published_at,
            author=", ".join(story.authors) or None,
            authors=list(story.authors),
            summary=story.summary,
            excerpt=story.excerpt,
            text=story.text,
            status=story.status,
            status_reason=story.status_reason,
            relevant=story.relevant,
            quotes=story.quotes,
            programs=story.programs,
            cities=story.cities,
            evidence=story.evidence,
            analysed_at=story.analysed_at,
            analysis_note=story.analysis_note,
            title_key=story.title_key,
            first_seen_at=now,
            last_seen_at=now,
            updated_at=now,
        )

    # --- reading items -----------------------------------------------------

    def items(
        self,
        *,
        status: str | None = None,
        limit: int | None = None,
        offset: int = 0,
        newest_first: bool = True,
    ) -> list[dict[str, Any]]:
        """Items as plain dicts (``item_json``), newest first by default."""
        with self.session() as session:
            query = select(ItemRow)
            if status is not None:
                query = query.where(ItemRow.status == status)
            order = ItemRow.id.desc() if newest_first else ItemRow.id
            query = query.order_by(order).offset(offset)
            if limit is not None:
                query = query.limit(limit)
            rows = list(session.scalars(query))
            sightings = self._sightings_of(session, [r.id for r in rows])
            return [item_json(row, sightings.get(row.id, [])) for row in rows]

    def item(self, item_id: int) -> dict[str, Any] | None:
        with self.session() as session:
            row = session.get(ItemRow, item_id)
            if row is None:
                return None
            return item_json(row, self._sightings_of(session, [item_id]).get(item_id, []))

    def count_items(self, *, status: str | None = None) -> int:
        with self.session() as session:
            query = select(func.count(ItemRow.id))
            if status is not None:
                query = query.where(ItemRow.status == status)
            return int(session.scalar(query) or 0)

    @staticmethod
    def _sightings_of(session: Session, ids: Sequence[int]) -> dict[int, list[SightingRow]]:
        out: dict[int, list[SightingRow]] = {}
        if not ids:
            return out
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows = session.scalars(
                select(SightingRow)
                .where(SightingRow.item_id.in_(chunk))
                .order_by(SightingRow.first_seen_at, SightingRow.id)
            )
            for row in rows:
                out.setdefault(row.item_id, []).append(row)
        return out


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def original_values(row: ItemRow) -> dict[str, Any]:
    """The editable fields as collected, in ``item_json``'s keys (before any edit)."""
    return {
        "headline": row.headline,
        "excerpt": row.excerpt or "",
        "published": _iso(row.published_at),
        "outlet": row.outlet,
        "programs": list(row.programs or []),
        "cities": list(row.cities or []),
    }


def item_json(row: ItemRow, sightings: Sequence[SightingRow]) -> dict[str, Any]:
    """The public shape of an item (``clippings items --json``).

    ``headline``, ``excerpt``, ``published``, ``outlet``, ``programs`` and
    ``cities`` are the effective values (review edits applied); ``original``
    holds the collected value of each edited field.
    """
    originals = original_values(row)
    edits = {k: v for k, v in (row.edits or {}).items() if k in originals}
    current = {**originals, **edits}
    return {
        "id": row.id,
        "url": row.url,
        "canonical_url": row.canonical_url,
        "outlet": current["outlet"],
        "headline": current["headline"],
        "published": current["published"],
        "authors": list(row.authors or []),
        "status": row.status,
        "status_reason": row.status_reason,
        "excerpt": current["excerpt"],
        "summary": row.summary or "",
        "text": row.text or "",
        "quotes": list(row.quotes or []),
        "programs": list(current["programs"]),
        "cities": list(current["cities"]),
        "relevant": bool(row.relevant),
        "evidence": list(row.evidence or []),
        "first_seen": _iso(row.first_seen_at),
        "last_seen": _iso(row.last_seen_at),
        "sources": list(dict.fromkeys(s.source_id for s in sightings)),
        "seen_at": [
            {
                "source": s.source_id,
                "url": s.url,
                "first_seen": _iso(s.first_seen_at),
                "last_seen": _iso(s.last_seen_at),
                "times": s.times,
            }
            for s in sightings
        ],
        "analysis_note": row.analysis_note,
        "original": {k: originals[k] for k in edits},
        "public_note": row.public_note or "",
        "internal_note": row.internal_note or "",
        "reviewed_by": row.reviewed_by,
        "reviewed_at": _iso(row.reviewed_at),
        "version": row.version or 1,
        "story_id": row.story_id,  # shared by all copies of one story
        "primary": bool(row.is_primary),  # the copy the desk shows and the outputs link to
        "revision": row.revision or 1,  # +1 each time the article itself changed
    }
