"""Leases: which collector fetches which source, so several can share one database.

PostgreSQL (several collectors, on one machine or many)
    ``claim_due`` picks due sources whose lease is free or expired with
    ``SELECT ... FOR UPDATE SKIP LOCKED`` and stamps ``lease_owner`` and
    ``lease_until`` in the same transaction: two collectors claiming at once
    get disjoint sets, and neither waits for the other. ``record_fetch``
    clears the lease when the fetch is recorded; ``renew`` extends the leases
    of sources still being fetched; a collector that dies simply stops
    renewing, and its sources are claimed by another once ``lease_until``
    has passed.

SQLite (one collector per database file)
    SQLite has no row locks, so a second collector is refused instead:
    ``collector_lock`` takes an exclusive OS file lock (``flock``) on
    ``<database>.collector.lock`` next to the database file and holds it while
    the collector runs. The kernel drops the lock when the process ends, even
    on ``kill -9``, so a crash never leaves a stale lock behind. Leases are
    written on SQLite too (the same code without ``FOR UPDATE``), which keeps
    one code path. On other databases ``collector_lock`` does nothing.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import socket
import threading
import uuid
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import or_, select, update
from sqlalchemy.engine import make_url

from scraper.models.errors import CollectorBusy
from scraper.models.stored import SourceState
from storage.files import private_dir
from storage.sources import _state
from storage.store import Store
from storage.tables import SourceRow

LEASE = timedelta(minutes=5)  # renewed every LEASE / 3 while the source is being fetched


_OWNER = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def default_owner() -> str:
    """This process's lease owner name: ``host:pid:random``."""
    return _OWNER


def claim_due(
    store: Store,
    *,
    owner: str,
    now: datetime,
    limit: int,
    lease: timedelta = LEASE,
) -> list[SourceState]:
    """Claim up to ``limit`` due sources for ``owner`` until ``now + lease``, most overdue first.

    Due: enabled, not removed, ``next_check_at`` passed (or never checked),
    and no lease or an expired one. Rows another collector is claiming at
    this moment are skipped, not waited for.
    """
    free = or_(SourceRow.lease_until.is_(None), SourceRow.lease_until <= now)
    due = (
        select(SourceRow.id)
        .where(
            SourceRow.enabled.is_(True),
            SourceRow.removed.is_(False),
            or_(SourceRow.next_check_at.is_(None), SourceRow.next_check_at <= now),
            free,
        )
        .order_by(SourceRow.next_check_at.nulls_first(), SourceRow.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    # One statement: UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED) RETURNING.
    # The lease condition again in the UPDATE: SQLite has no FOR UPDATE (and PostgreSQL
    # re-checks it on a row changed since the snapshot); only rows leased now are ours.
    with store.session() as session, session.begin():
        rows = session.scalars(
            update(SourceRow)
            .where(SourceRow.id.in_(due.scalar_subquery()), free)
            .values(lease_owner=owner, lease_until=now + lease)
            .returning(SourceRow),
            execution_options={"synchronize_session": False},
        )
        won = [_state(row) for row in rows]
    never = datetime.min.replace(tzinfo=UTC)
    return sorted(won, key=lambda s: (s.next_check_at or never, s.id))


def renew(store: Store, *, owner: str, source_ids: Sequence[str], until: datetime) -> int:
    """Extend the leases ``owner`` still holds on ``source_ids``; returns how many."""
    if not source_ids:
        return 0
    with store.session() as session, session.begin():
        result = session.execute(
            update(SourceRow)
            .where(SourceRow.id.in_(list(source_ids)), SourceRow.lease_owner == owner)
            .values(lease_until=until)
            .returning(SourceRow.id)
        )
        return len(result.all())


def release(store: Store, *, owner: str, source_ids: Sequence[str] | None = None) -> int:
    """Give up ``owner``'s leases (all of them when ``source_ids`` is None); returns how many."""
    with store.session() as session, session.begin():
        statement = update(SourceRow).where(SourceRow.lease_owner == owner)
        if source_ids is not None:
            statement = statement.where(SourceRow.id.in_(list(source_ids)))
        result = session.execute(
            statement.values(lease_owner=None, lease_until=None).returning(SourceRow.id)
        )
        return len(result.all())


def lease_holders(store: Store, *, now: datetime | None = None) -> dict[str, str]:
    """Source id -> owner of every lease still running (for status pages and tests)."""
    now = now or datetime.now(UTC)
    with store.session() as session:
        rows = session.execute(
            select(SourceRow.id, SourceRow.lease_owner).where(
                SourceRow.lease_owner.is_not(None), SourceRow.lease_until > now
            )
        )
        return {row.id: str(row.lease_owner) for row in rows}


def lock_path(url: str) -> Path | None:
    """The lock file of a SQLite database file; None for other databases and ``:memory:``."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    path = Path(database).expanduser().resolve()
    return path.with_name(path.name + ".collector.lock")


# Locks this process holds, by path: flock locks belong to an open file, so a second
# open() of the same file in this process would conflict with the first.
_held: dict[Path, tuple[int, int]] = {}
_held_guard = threading.Lock()


@contextlib.contextmanager
def collector_lock(store: Store) -> Iterator[None]:
    """Hold the one-collector lock of a SQLite database (re-entrant within a process).

    Raises ``CollectorBusy`` with a readable message when another process
    holds it. Does nothing on PostgreSQL, where leases share the work.
    """
    path = lock_path(store.engine.url.render_as_string(hide_password=False))
    if path is None:
        yield
        return
    _acquire(path)
    try:
        _forget_dead_leases(store)
        yield
    finally:
        _release(path)


def _forget_dead_leases(store: Store) -> int:
    """Release leases of other owners: holding the SQLite lock, we are the only collector.

    A collector killed mid-pass (SIGKILL, power loss) cannot release its leases;
    on PostgreSQL they run out by themselves, on SQLite the next collector to
    take the lock knows at once that their owner is dead.
    """
    with store.session() as session, session.begin():
        result = session.execute(
            update(SourceRow)
            .where(SourceRow.lease_owner.is_not(None), SourceRow.lease_owner != default_owner())
            .values(lease_owner=None, lease_until=None)
            .returning(SourceRow.id)
        )
        return len(result.all())


def _acquire(path: Path) -> None:
    with _held_guard:
        held = _held.get(path)
        if held is not None:
            _held[path] = (held[0], held[1] + 1)
            return
        private_dir(path.parent)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 200).decode("utf-8", "replace").strip() or "unknown"
            os.close(fd)
            database = path.with_name(path.name.removesuffix(".collector.lock"))
            raise CollectorBusy(
                f"another collector is already running on the SQLite database {database} "
                f"({holder}). SQLite supports one collector at a time: stop the other one, "
                "or use PostgreSQL to run several (see docs/scale.md)."
            ) from None
        os.ftruncate(fd, 0)
        started = datetime.now(UTC).isoformat(timespec="seconds")
        os.write(fd, f"pid {os.getpid()} on {socket.gethostname()}, since {started}".encode())
        _held[path] = (fd, 1)


def _release(path: Path) -> None:
    with _held_guard:
        fd, depth = _held[path]
        if depth > 1:
            _held[path] = (fd, depth - 1)
            return
        del _held[path]
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
