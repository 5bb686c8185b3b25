"""A feed's new stories: stored at once, analysed in worker processes, written in one batch.

``Collector.ingest_entries`` sorts a feed's entries into stories already
stored (sightings, one transaction) and new ones, and hands the new ones
here, in feed order::

    new entries -> add_pending (one transaction: items "pending", keys, sightings)
                -> article pages (when fetched; concurrently, within the page budget)
                -> analysis + fingerprints (worker processes, chunks of CHUNK)
                -> finish (one transaction: analysis, tags, bands, stories)

Database calls run on the store thread (``scraper.storethread``) and
analysis in the pool (``scraper.analysis_pool``), so the event loop only
passes data along. A crash after ``add_pending`` loses nothing:
``recover`` analyses the items left pending (oldest first) on a later pass.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from scraper.fetch.client import PAGE_ACCEPT
from scraper.identity.keys import StoryKeys
from scraper.identity.neardup import entry_hash
from scraper.models import Entry
from scraper.models.errors import FetchError, ParseError, PrivateAddress
from scraper.models.stored import SourceState, StoryData
from scraper.pipeline.analysis_pool import Job, analyse_batch, fallback_story
from scraper.pipeline.report import SourceReport
from scraper.pipeline.storethread import on_store_thread
from storage import ingest

if TYPE_CHECKING:
    from scraper.pipeline.entries import EntryIngest as Collector

log = logging.getLogger(__name__)

CHUNK = 25  # stories per analysis task: a big feed is shared between the workers
RECOVER_AFTER = timedelta(minutes=10)  # a pending item this old was left by a crash
RECOVER_BATCH = 200  # pending items analysed per pass at most


async def store_new(
    collector: Collector,
    fresh: Sequence[tuple[Entry, str, StoryKeys]],
    *,
    source: SourceState,
    report: SourceReport,
    pages: int,
) -> int:
    """Store, analyse and write the new stories ``fresh``; returns pages fetched.

    ``pages``: article pages this feed may still fetch in this pass.
    """
    now = collector.clock()
    pending = []
    for entry, url, keys in fresh:
        outlet, _home = collector._outlet_of(source, entry)
        pending.append(
            ingest.PendingStory(
                url=url,
                url_key=keys.url_key,
                keys=keys.keys,
                title_key=keys.title_key,
                outlet=outlet,
                headline=entry.title,
                published_at=entry.published,
                summary=entry.summary,
                authors=(entry.author,) if entry.author else (),
                entry_hash=entry_hash(entry.title, entry.summary),
            )
        )
    outcomes = await on_store_thread(
        ingest.add_pending, collector.store, pending, source_id=source.id, now=now
    )
    todo: list[tuple[int, Entry, str]] = []
    for (entry, url, _keys), (outcome, item_id) in zip(fresh, outcomes, strict=True):
        if outcome == "new":
            todo.append((item_id, entry, url))
        else:  # another collector stored it a moment ago
            report.seen += 1
    budget = pages if collector.config.settings.fetch_articles else 0
    jobs = await asyncio.gather(
        *(
            job_for(collector, entry, url=url, source=source, may_fetch=n < budget, now=now)
            for n, (_id, entry, url) in enumerate(todo)
        )
    )
    final = await analyse_and_finish(
        collector, [item_id for item_id, _e, _u in todo], list(jobs), now=now
    )
    for item_id, _entry, _url in todo:
        if final.get(item_id) == item_id:
            report.new += 1
            report.new_ids.append(item_id)
        else:  # its page named a story stored under another link
            report.seen += 1
    return sum(job.pages for job in jobs)


async def job_for(
    collector: Collector,
    entry: Entry,
    *,
    url: str,
    source: SourceState,
    may_fetch: bool,
    now: datetime,
    outlet: tuple[str | None, str | None] | None = None,
) -> Job:
    """The analysis job of an entry: its page read first, when allowed.

    ``outlet``: the outlet name and home city, when the caller knows them.
    """
    name, home = outlet or collector._outlet_of(source, entry)
    html: bytes | None = None
    note: str | None = None
    pages = 0
    if collector.resolver.handles(url):  # Google's page, not the article: keep the feed's data
        note = "article page not read: the Google News link is not resolved yet"
    elif may_fetch:
        pages = 1
        try:
            page = await collector.fetcher.fetch(
                url, accept=PAGE_ACCEPT, robots=collector._robots(source.id)
            )
            html = page.body
            if collector.keep_page is not None:
                await collector.keep_page(url, page, now)
        except PrivateAddress:
            if collector.refuse_private:
                raise
            note = "article page not read: its address is not a public one"
        except FetchError as exc:
            note = f"article page not read: {exc.reason}"
    elif collector.config.settings.fetch_articles:
        note = "article page not read: per-pass page limit reached"
    remembered = None
    if not home and name:  # read from the database (at most hourly per outlet)
        remembered = await on_store_thread(collector._remembered_home, name, now)
    return Job(entry, url, source.id, name, home, html, note, remembered, pages)


async def analyse(collector: Collector, jobs: Sequence[Job], *, now: datetime) -> list[StoryData]:
    """Analyse ``jobs`` in the pool, CHUNK at a time concurrently; results in job order."""
    chunks = [list(jobs[i : i + CHUNK]) for i in range(0, len(jobs), CHUNK)]
    done = await asyncio.gather(*(_analyse_chunk(collector, chunk, now=now) for chunk in chunks))
    return [result for chunk in done for result in chunk]


async def _analyse_chunk(
    collector: Collector, jobs: list[Job], *, now: datetime
) -> list[StoryData]:
    try:
        return await collector.analysis.run(analyse_batch, collector.analysis_config, jobs, now)
    except ParseError as exc:  # the batch passed its time limit, or its worker died
        log.warning("analysis of %d stories stopped: %s", len(jobs), exc)
        reason = f"analysis stopped: {exc}"
        failed = [
            Job(j.entry, j.url, j.source_id, j.outlet, j.home, None, reason, pages=j.pages)
            for j in jobs
        ]
        # Without the page: the entry alone (short, fast), in a thread, off the loop.
        return await asyncio.to_thread(_unanalysed, failed, now)


def _unanalysed(jobs: list[Job], now: datetime) -> list[StoryData]:
    return [fallback_story(job, now=now) for job in jobs]


async def analyse_and_finish(
    collector: Collector, item_ids: Sequence[int], jobs: Sequence[Job], *, now: datetime
) -> dict[int, int]:
    """Analyse the jobs of pending items ``item_ids`` and write them; ``{pending: final id}``."""
    if not jobs:
        return {}
    results = await analyse(collector, jobs, now=now)
    analysed = [
        ingest.Analysed(item_id, story, job.source_id, job.url)
        for item_id, job, story in zip(item_ids, jobs, results, strict=True)
    ]
    return await on_store_thread(ingest.finish, collector.store, analysed, now=now)


async def recover(collector: Collector, *, older_than: timedelta | None = None) -> int:
    """Analyse items left pending by a crash (first seen over ``older_than`` ago).

    On SQLite every pending item is a crash's (one collector per database,
    and its store thread writes one batch at a time); on PostgreSQL another
    collector may be finishing its own, so only those older than
    ``RECOVER_AFTER`` are taken (finishing one twice is harmless, only waste).
    """
    if older_than is None:
        older_than = timedelta(0) if collector.store.dialect == "sqlite" else RECOVER_AFTER
    now = collector.clock()
    before = now - older_than if older_than else None
    items = await on_store_thread(
        ingest.pending, collector.store, limit=RECOVER_BATCH, before=before
    )
    if not items:
        return 0
    log.info("analysing %d item(s) left pending by an earlier run", len(items))
    jobs = []
    for item in items:
        entry = Entry(
            url=item.url,
            title=item.headline,
            published=item.published_at,
            summary=item.summary,
            author=item.authors[0] if item.authors else None,
            outlet=item.outlet,
        )
        source = await on_store_thread(collector.store.source, item.source_id)
        if source is None:
            outlet = collector.config.outlet(item.outlet)
            home = outlet.city if outlet else None
            jobs.append(Job(entry, item.url, item.source_id, item.outlet, home))
            continue
        fetch = collector.config.settings.fetch_articles
        jobs.append(
            await job_for(collector, entry, url=item.url, source=source, may_fetch=fetch, now=now)
        )
    await analyse_and_finish(collector, [i.item_id for i in items], jobs, now=now)
    return len(items)
