"""One collection pass: the stages in order, and a report of what happened.

For each due source::

    fetch (conditional GET) -> parse (feed / listing page) -> for each entry:
        canonical URL -> identity keys -> already stored?  yes: record the sighting
                                                           no:  fetch the article page
                                                                -> analyse -> store once

Only ``scraper.fetch.client`` touches the network and only ``storage`` the database;
this module joins them. A failing source is recorded against that source with
a readable reason and never stops the others. Nothing slow runs on the event
loop's thread: store calls go to the store thread (``storethread``), parsing
and analysis to worker processes (``scraper.sources.sandbox``,
``analysis_pool``). A feed's new stories are stored in one transaction before
they are analysed (``batch_ingest``), and the source's validators and next
check are written only at the end of its pass, so a kill mid-pass loses
nothing stored and the next pass simply collects that source again.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence

from scraper.identity.resolve import resolve_entries
from scraper.models.errors import FetchError, HTTPStatusError, ParseError
from scraper.models.stored import FetchRecord, SourceState
from scraper.pipeline import batch_ingest
from scraper.pipeline.checks import CheckPlanner
from scraper.pipeline.entries import EntryIngest
from scraper.pipeline.reading import accept_for, read_source
from scraper.pipeline.report import SourceReport, utcnow
from scraper.pipeline.storethread import on_store_thread
from scraper.pipeline.story import story_data
from scraper.schedule.policy import (
    entries_per_week,
    not_before,
)
from scraper.sources.registry import kind_of
from storage.fetch_writer import FetchWriter

__all__ = ["Collector", "SourceReport", "story_data", "utcnow", "write_records"]

log = logging.getLogger(__name__)


class Collector(CheckPlanner, EntryIngest):
    """Runs collection passes over sources with one fetcher and one store.

    Made of ``checks`` (when to check each source next) and ``entries``
    (entries to stories); the pass itself is here.
    """

    async def collect(
        self,
        sources: Sequence[SourceState],
        *,
        on_done: Callable[[SourceReport], None] | None = None,
    ) -> list[SourceReport]:
        """Collect ``sources`` concurrently (bounded by the fetcher's limits).

        Fetch records are written in batches (``storage.fetch_writer``), the
        last ones when the pass ends, however it ends.
        """
        writer = FetchWriter(self.store)
        await batch_ingest.recover(self)  # items a crash left pending are analysed first
        records: list[FetchRecord] = []

        async def one(source: SourceState) -> SourceReport:
            report = await self.collect_source(source, record=records.append)
            if on_done is not None:
                on_done(report)
            if len(records) >= writer.batch:
                batch, records[:] = records[:], []
                await on_store_thread(write_records, writer, batch)
            return report

        try:
            return list(await asyncio.gather(*(one(s) for s in sources)))
        finally:
            await on_store_thread(write_records, writer, records, flush=True)

    async def collect_source(
        self, source: SourceState, *, record: Callable[[FetchRecord], None] | None = None
    ) -> SourceReport:
        """Collect one source and hand its fetch record to ``record`` (default: write it now)."""
        report = SourceReport(source.id)
        started_at = self.clock()
        started = time.monotonic()
        try:
            await self._collect(source, report)
        except FetchError as exc:
            report.outcome, report.error, report.status = "error", exc.reason, exc.status
        except ParseError as exc:
            report.outcome, report.error = "error", str(exc)
        except Exception as exc:  # a bug must not stop the other sources
            log.exception("source %s failed unexpectedly", source.id)
            report.outcome, report.error = "error", f"internal error: {type(exc).__name__}: {exc}"
        report.seconds = time.monotonic() - started
        fetched = self._record(source, report, started_at)
        if record is not None:
            record(fetched)
        else:
            await on_store_thread(self.store.record_fetch, fetched)
        return report

    async def _collect(self, source: SourceState, report: SourceReport) -> None:
        kind = kind_of(source.kind)
        try:
            response = await self.fetcher.fetch(
                source.url,
                etag=source.etag,
                last_modified=source.last_modified,
                accept=accept_for(kind),
                robots=self._robots(source.id),
            )
        except HTTPStatusError as exc:
            report.retry_after = exc.retry_after
            raise
        report.status = response.status
        report.not_before = not_before(response.headers, ttl_minutes=None, now=self.clock())
        if response.not_modified:
            report.outcome = "not_modified"
            return
        report.bytes = len(response.body)
        report.etag = response.etag
        report.last_modified = response.last_modified
        parsed = await read_source(
            self.sandbox,
            kind,
            response.body,
            url=response.url,
            headers=response.headers,
            selector=self._selector(source.id),
            provider=self._provider(source),
        )
        report.warning = parsed.warning
        report.entries = len(parsed.entries)
        report.not_before = not_before(
            response.headers, ttl_minutes=parsed.ttl_minutes, now=self.clock()
        )
        if kind.dated:
            report.per_week = entries_per_week(
                (e.published for e in parsed.entries), now=self.clock()
            )
        entries = await resolve_entries(self.resolver, parsed.entries)
        await self.ingest_entries(entries, source=source, report=report)


def write_records(writer: FetchWriter, records: list[FetchRecord], *, flush: bool = False) -> None:
    """Hand fetch records to ``writer`` (on the store thread); ``flush``: write them all now."""
    for record in records:
        writer.add(record)
    if flush:
        writer.flush()
