"""The periodic job: one short APScheduler job asks the store which sources are due.

Due-ness is data (``sources.next_check_at``), not one scheduler job per
source: adding a source to sources.yaml needs no change here, and a restart
picks up exactly where the last run left off.

Due sources are claimed with a lease (``storage.leases``) a few at a time, as
fetch slots free up, so several collectors on one PostgreSQL database share
the work and no source is fetched by two at once; on SQLite a second
collector stops with ``CollectorBusy``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from scraper.explain.failures import explain, group
from scraper.models.stored import FetchRecord
from scraper.pipeline.batch_ingest import recover
from scraper.pipeline.collector import Collector, SourceReport, write_records
from scraper.pipeline.storethread import on_store_thread
from storage.fetch_writer import FetchWriter
from storage.leases import LEASE, claim_due, collector_lock, default_owner, release
from storage.leases import renew as renew_leases
from storage.store import Store

log = logging.getLogger(__name__)

TICK_SECONDS = 30.0  # how often the store is asked for due sources
MAX_SOURCES_PER_TICK = 500  # a tick takes at most this many due sources; the rest wait one tick


async def run_due(
    collector: Collector,
    *,
    limit: int = MAX_SOURCES_PER_TICK,
    owner: str | None = None,
    lease: timedelta = LEASE,
    stop: asyncio.Event | None = None,
) -> list[SourceReport]:
    """Collect the sources that are due now, at most ``limit`` (one tick).

    Sources are claimed ``window`` at a time (the fetcher's concurrency) and
    refilled when half the window is done, so a claimed source waits in no
    long queue while another collector could have taken it. Leases of the
    sources in flight are renewed; those not recorded when the tick ends
    (cancelled) are released at once. Once ``stop`` is set, nothing more is
    claimed and the sources in flight are finished. Fetch records (which end
    the leases) are written in batches by a ``FetchWriter``: every ``BATCH``
    sources or ``MAX_WAIT`` seconds, and the rest when the tick ends.
    """
    owner = owner or default_owner()
    store = collector.store
    window = max(1, getattr(getattr(collector.fetcher, "options", None), "concurrency", 16))
    reports: list[SourceReport] = []
    in_flight: dict[asyncio.Task[SourceReport], str] = {}
    claimed = 0
    exhausted = False
    writer = FetchWriter(store)
    records: list[FetchRecord] = []  # finished, not yet handed to the writer
    # Every store call runs on the store thread (scraper.storethread), the lock's too.
    lock = collector_lock(store)
    await on_store_thread(lock.__enter__)
    try:
        await recover(collector)  # items a crash left pending are analysed first
        renewer = asyncio.create_task(_keep_leases(store, owner, in_flight, lease))
        try:
            while True:
                room = min(window - len(in_flight), limit - claimed)
                stopping = stop is not None and stop.is_set()
                if not (exhausted or stopping) and room > 0 and len(in_flight) <= window // 2:
                    batch = await on_store_thread(
                        claim_due,
                        store,
                        owner=owner,
                        now=datetime.now(UTC),
                        limit=room,
                        lease=lease,
                    )
                    claimed += len(batch)
                    exhausted = len(batch) < room
                    for source in batch:
                        task = asyncio.create_task(
                            collector.collect_source(source, record=records.append)
                        )
                        in_flight[task] = source.id
                if not in_flight:
                    break
                waited = writer.due_in() if writer.pending else (0.5 if records else None)
                done, _ = await asyncio.wait(
                    in_flight, timeout=waited, return_when=asyncio.FIRST_COMPLETED
                )
                for task in done:
                    del in_flight[task]
                    reports.append(task.result())
                if records or writer.pending:
                    batch_records, records[:] = records[:], []
                    await on_store_thread(_hand_over, writer, batch_records)
        finally:
            renewer.cancel()
            if in_flight:
                for task in in_flight:
                    task.cancel()
                await asyncio.gather(*in_flight, return_exceptions=True)
            try:
                # the finished sources' records end their leases
                await on_store_thread(write_records, writer, records, flush=True)
            finally:
                if in_flight:
                    await on_store_thread(
                        release, store, owner=owner, source_ids=list(in_flight.values())
                    )
    finally:
        await on_store_thread(lock.__exit__, None, None, None)
    if reports:
        new = sum(r.new for r in reports)
        failed = [r for r in reports if r.outcome == "error"]
        log.info(
            "pass done: %d source(s), %d new item(s), %d failed", len(reports), new, len(failed)
        )
        if failed:  # reads the sources' URLs: on the store thread
            await on_store_thread(log_failures, failed, store=store, total=len(reports))
    return reports


def _hand_over(writer: FetchWriter, records: list[FetchRecord]) -> None:
    """Give finished records to the writer; it writes a full or overdue batch (store thread)."""
    write_records(writer, records)
    writer.flush_due()


def log_failures(failed: list[SourceReport], *, store: Store, total: int) -> None:
    """One warning per failed source in plain words, or one line for a shared outage."""
    if not failed:
        return
    urls = {s.id: s.url for s in store.sources()} if failed else {}
    failures = {
        r.source_id: f
        for r in failed
        if (f := explain(r.error, url=urls.get(r.source_id), status=r.status)) is not None
    }
    grouped = group(failures, total=total)
    if grouped.shared:
        log.warning("%s", grouped.shared)
    for source_id, failure in grouped.each.items():
        log.warning("source %s: %s", source_id, failure.words)


async def _keep_leases(
    store: Store, owner: str, in_flight: dict[asyncio.Task[SourceReport], str], lease: timedelta
) -> None:
    """Renew the leases of the sources in flight every third of a lease."""
    while True:
        await asyncio.sleep(lease.total_seconds() / 3)
        await on_store_thread(
            renew_leases,
            store,
            owner=owner,
            source_ids=list(in_flight.values()),
            until=datetime.now(UTC) + lease,
        )


async def run_forever(
    collector: Collector,
    *,
    tick: float = TICK_SECONDS,
    stop: asyncio.Event | None = None,
    after_pass: Callable[[list[SourceReport]], Awaitable[None]] | None = None,
    more_jobs: Callable[[AsyncIOScheduler], None] | None = None,
) -> None:
    """Run ticks until ``stop`` is set or SIGINT/SIGTERM arrives; then stop cleanly.

    The running pass is allowed to finish its current sources; a second Ctrl-C
    cancels it (nothing stored is lost either way: see ``scraper.pipeline.collector``).
    """
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    running: set[asyncio.Task[None]] = set()

    def request_stop() -> None:
        if stop.is_set():
            for task in running:
                task.cancel()
        stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not the main thread
            loop.add_signal_handler(sig, request_stop)

    async def job() -> None:
        if stop.is_set():
            return
        task = asyncio.current_task()
        assert task is not None
        running.add(task)
        try:
            while not stop.is_set():
                reports = await run_due(collector, stop=stop)
                if after_pass is not None and reports:
                    await after_pass(reports)
                if len(reports) < MAX_SOURCES_PER_TICK:
                    break  # all due sources done; a full tick means more wait: go on at once
        finally:
            running.discard(task)

    scheduler = AsyncIOScheduler(event_loop=loop, timezone=UTC)
    scheduler.add_job(
        job,
        "interval",
        seconds=tick,
        next_run_time=datetime.now(UTC),
        max_instances=1,
        coalesce=True,
        misfire_grace_time=None,
        id="collect-due",
    )
    if more_jobs is not None:  # e.g. scraper.notify.runner.install: digests and alerts
        more_jobs(scheduler)
    try:
        with collector_lock(collector.store):  # held for the whole run (SQLite: one collector)
            scheduler.start()
            try:
                await stop.wait()
            finally:
                # Pause, not shut down, while the pass finishes: APScheduler's shutdown
                # cancels the running job, which would cut the pass short.
                scheduler.pause()
                if running:
                    log.info(
                        "stopping: waiting for the running pass to finish (Ctrl-C again to cancel)"
                    )
                    await asyncio.gather(*running, return_exceptions=True)
                scheduler.shutdown(wait=False)
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(sig)
