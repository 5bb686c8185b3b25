"""The periodic job: one short APScheduler job asks the store which sources are due.

Due-ness is data (``sources.next_check_at``), not one scheduler job per
source: adding a source to sources.yaml needs no change here, and a restart
picks up exactly where the last run left off.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from scraper.pipeline import Collector, SourceReport

log = logging.getLogger(__name__)

TICK_SECONDS = 30.0  # how often the store is asked for due sources
MAX_SOURCES_PER_TICK = 500  # a tick takes at most this many due sources; the rest wait one tick


async def run_due(collector: Collector, *, limit: int = MAX_SOURCES_PER_TICK) -> list[SourceReport]:
    """Collect every source that is due now (one tick)."""
    due = collector.store.due_sources(now=datetime.now(UTC), limit=limit)
    if not due:
        return []
    log.info("collecting %d due source(s)", len(due))
    reports = await collector.collect(due)
    new = sum(r.new for r in reports)
    failed = [r for r in reports if r.outcome == "error"]
    log.info("pass done: %d new item(s), %d source(s) failed", new, len(failed))
    for report in failed:
        log.warning("source %s: %s", report.source_id, report.error)
    return reports


async def run_forever(
    collector: Collector,
    *,
    tick: float = TICK_SECONDS,
    stop: asyncio.Event | None = None,
    after_pass: Callable[[list[SourceReport]], Awaitable[None]] | None = None,
) -> None:
    """Run ticks until ``stop`` is set or SIGINT/SIGTERM arrives; then stop cleanly.

    The running pass is allowed to finish its current sources; a second Ctrl-C
    cancels it (nothing stored is lost either way: see ``scraper.pipeline``).
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
            reports = await run_due(collector)
            if after_pass is not None and reports:
                await after_pass(reports)
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
    scheduler.start()
    try:
        await stop.wait()
    finally:
        scheduler.shutdown(wait=False)
        if running:
            log.info("stopping: waiting for the running pass to finish (Ctrl-C again to cancel)")
            await asyncio.gather(*running, return_exceptions=True)
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(sig)
