"""One collection pass: the stages in order, and a report of what happened.

For each due source::

    fetch (conditional GET) -> parse (feed / listing page) -> for each entry:
        canonical URL -> identity keys -> already stored?  yes: record the sighting
                                                           no:  fetch the article page
                                                                -> analyse -> store once

Only ``scraper.fetch.client`` touches the network and only ``storage`` the database;
this module joins them. A failing source is recorded against that source with
a readable reason and never stops the others. Every story is stored in its own
short transaction, and the source's validators and next check are written
only at the end of its pass, so a kill mid-pass loses nothing stored and the
next pass simply collects that source again.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Literal

from scraper.config.schema import Config
from scraper.fetch.client import PAGE_ACCEPT, Fetcher
from scraper.identity.keys import StoryKeys, story_keys
from scraper.identity.neardup import entry_hash, fingerprint
from scraper.identity.urls import canonicalize_url
from scraper.models import Analysis, Entry
from scraper.models.errors import Drop, FetchError, HTTPStatusError, InvalidURL, ParseError
from scraper.models.stored import FetchRecord, Sighting, SourceState, StoryData, StoryLookup
from scraper.pipeline.reading import accept_for, read_source
from scraper.schedule.policy import (
    CheckPolicy,
    adaptive_interval,
    entries_per_week,
    next_check_at,
    not_before,
)
from scraper.sources.registry import kind_of
from scraper.sources.sandbox import Sandbox, default_sandbox
from scraper.understand.analyze import analyze, article_from_entry
from storage import revisions
from storage.fetch_writer import FetchWriter
from storage.store import Store

log = logging.getLogger(__name__)

# Analysis is pure Python and holds the GIL: more threads add no speed, only memory
# (several first calls would each build the lazily loaded vocabularies at once).
ANALYSIS_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="analyze")


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class SourceReport:
    """What one pass did for one source (a row of the summary table)."""

    source_id: str
    outcome: Literal["ok", "not_modified", "error"] = "ok"
    new: int = 0
    seen: int = 0
    entries: int = 0
    dropped: Counter[str] = field(default_factory=Counter)
    error: str | None = None
    warning: str | None = None
    status: int | None = None
    seconds: float = 0.0
    new_ids: list[int] = field(default_factory=list)
    bytes: int = 0
    etag: str | None = None
    last_modified: str | None = None
    retry_after: float | None = None  # seconds, from the server
    not_before: float | None = None  # seconds: Cache-Control / Expires / RSS ttl lower bound
    per_week: float | None = None  # entries a week, from the feed's dates

    def to_json(self) -> dict[str, object]:
        return {
            "source": self.source_id,
            "outcome": self.outcome,
            "new": self.new,
            "seen": self.seen,
            "entries": self.entries,
            "dropped": dict(self.dropped),
            "error": self.error,
            "warning": self.warning,
            "status": self.status,
            "seconds": round(self.seconds, 3),
        }


class Collector:
    """Runs collection passes over sources with one fetcher and one store."""

    def __init__(
        self,
        config: Config,
        store: Store,
        fetcher: Fetcher,
        *,
        clock: Callable[[], datetime] = utcnow,
        sandbox: Sandbox | None = None,
    ) -> None:
        self.config = config
        self.store = store
        self.fetcher = fetcher
        self.clock = clock
        # Parsing runs in worker processes with a time limit (scraper.sources.sandbox).
        self.sandbox = sandbox or default_sandbox(
            workers=config.settings.parse_workers, time_limit=config.settings.parse_time_limit
        )

    def policy(self, source: SourceState, *, per_week: float | None = None) -> CheckPolicy:
        settings = self.config.settings
        return CheckPolicy(
            interval=self.interval(source, per_week=per_week),
            min_interval=settings.min_interval,
            max_interval=settings.max_interval,
            max_backoff=settings.max_interval,
            unhealthy_after=settings.unhealthy_after,
            unhealthy_interval=settings.unhealthy_interval,
        )

    def interval(self, source: SourceState, *, per_week: float | None = None) -> timedelta:
        """The base interval: as configured, or adapted to how often the source publishes."""
        settings = self.config.settings
        configured = timedelta(seconds=source.interval_seconds)
        own = self.config.source(source.id)
        if not settings.adaptive_intervals or (own is not None and own.interval is not None):
            return configured
        if per_week is None:  # not modified, or no dates: keep what was learnt
            stored = source.check_interval_seconds
            return timedelta(seconds=stored) if stored else configured
        return adaptive_interval(
            per_week,
            default=configured,
            min_interval=settings.min_interval,
            max_interval=settings.max_interval,
        )

    def _robots(self, source_id: str) -> bool | None:
        """The source's robots.txt override (None: the ``respect_robots`` setting)."""
        own = self.config.source(source_id)
        return own.robots if own is not None else None

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

        async def one(source: SourceState) -> SourceReport:
            report = await self.collect_source(source, record=writer.add)
            if on_done is not None:
                on_done(report)
            return report

        try:
            return list(await asyncio.gather(*(one(s) for s in sources)))
        finally:
            writer.flush()

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
        (record or self.store.record_fetch)(self._record(source, report, started_at))
        return report

    def _record(
        self, source: SourceState, report: SourceReport, started_at: datetime
    ) -> FetchRecord:
        errors = source.error_count + 1 if report.outcome == "error" else 0
        policy = self.policy(source, per_week=report.per_week)
        return FetchRecord(
            source_id=source.id,
            url=source.url,
            started_at=started_at,
            duration_ms=int(report.seconds * 1000),
            outcome=report.outcome,
            status=report.status,
            bytes=report.bytes,
            items_total=report.entries,
            items_new=report.new,
            items_seen=report.seen,
            error=report.error,
            warning=report.warning,
            etag=report.etag,
            last_modified=report.last_modified,
            next_check_at=next_check_at(
                now=self.clock(),
                policy=policy,
                error_count=errors,
                retry_after=report.retry_after,
                not_before=report.not_before,
            ),
            check_interval_seconds=int(policy.interval.total_seconds()),
            entries_per_week=report.per_week,
            unhealthy=errors >= policy.unhealthy_after,
        )

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
        await self.ingest_entries(parsed.entries, source=source, report=report)

    async def ingest_entries(
        self, entries: Sequence[Entry], *, source: SourceState, report: SourceReport
    ) -> None:
        """Ingest a feed's entries in order, counting outcomes in ``report``.

        One query finds every entry already stored (``Store.find_stories``) and
        their sightings are recorded in one transaction; each new story is then
        stored in its own transaction (``ingest``), so a kill loses at most the
        story being written. An entry repeating the keys or title of one stored
        earlier in this loop is looked up again (``ingest`` in full).
        """
        idents: list[tuple[str, StoryKeys] | None] = []
        for entry in entries:
            try:
                idents.append(self._identity(entry, source))
            except Drop as drop:
                report.dropped[drop.reason] += 1
                idents.append(None)
        known = self.store.find_stories(
            [
                StoryLookup(ident[1].keys, ident[1].title_key, entry.published)
                for entry, ident in zip(entries, idents, strict=True)
                if ident is not None
            ]
        )
        found = iter(known)
        items = [None if ident is None else next(found) for ident in idents]
        changed = self.store.record_sightings(
            [
                Sighting(item_id, ident[0], ident[1].keys, entry_hash(entry.title, entry.summary))
                for entry, ident, item_id in zip(entries, idents, items, strict=True)
                if ident is not None and item_id is not None
            ],
            source_id=source.id,
            now=self.clock(),
        )
        fetched_pages = 0
        stored: set[tuple[str, str]] = set()  # keys and title keys of stories new in this loop
        for entry, ident, item_id in zip(entries, idents, items, strict=True):
            if ident is None:
                continue
            may_fetch = fetched_pages < self._page_budget()
            url, keys = ident
            try:
                if item_id is not None and item_id in changed:
                    outcome, item_id, fetched = await self._refresh(
                        item_id, entry, url=url, source=source, may_fetch=may_fetch
                    )
                elif item_id is not None:
                    outcome, fetched = "seen", 0
                else:
                    marks = {*keys.keys, *((("title", keys.title_key),) if keys.title_key else ())}
                    outcome, item_id, fetched = await self.ingest(
                        entry, source=source, may_fetch=may_fetch, looked_up=not marks & stored
                    )
                    stored |= marks
            except Drop as drop:
                report.dropped[drop.reason] += 1
                continue
            fetched_pages += fetched
            if outcome == "new":
                report.new += 1
                report.new_ids.append(item_id)
            else:
                report.seen += 1

    def _identity(self, entry: Entry, source: SourceState) -> tuple[str, StoryKeys]:
        """The canonical URL and identity keys of an entry; raises Drop."""
        try:
            url = canonicalize_url(entry.url)
        except InvalidURL as exc:
            raise Drop(f"entry link: {exc.reason}") from exc
        outlet, _home = self._outlet_of(source, entry)
        keys = story_keys(
            source_id=source.id,
            url=url,
            guid=entry.guid,
            canonical_url=None,
            outlet=outlet,
            title=entry.title,
        )
        return url, keys

    def _page_budget(self) -> int:
        settings = self.config.settings
        return settings.max_articles_per_pass if settings.fetch_articles else 0

    def _selector(self, source_id: str) -> str | None:
        configured = self.config.source(source_id)
        return configured.selector if configured else None

    def _outlet_of(self, source: SourceState, entry: Entry) -> tuple[str | None, str | None]:
        """The outlet name and its home city for a story from ``source``.

        The source's own outlet wins; a search feed's entry names its outlet,
        or its link's host belongs to a configured outlet.
        """
        outlet = self.config.outlet(source.outlet) or self.config.outlet(entry.outlet)
        if outlet is None and source.outlet is None:
            outlet = self.config.outlet_for_url(entry.url)
        name = outlet.name if outlet else (source.outlet or entry.outlet)
        home = (outlet.city if outlet else None) or (source.city if source.outlet else None)
        return name, home

    async def ingest(
        self, entry: Entry, *, source: SourceState, may_fetch: bool = True, looked_up: bool = False
    ) -> tuple[str, int, int]:
        """Store one entry once: ``(outcome, item_id, pages_fetched)``; raises Drop.

        ``looked_up``: the caller found no stored story for the entry a moment
        ago (``ingest_entries``), so it is not looked up again before analysis.
        """
        url, keys = self._identity(entry, source)
        outlet, home = self._outlet_of(source, entry)
        now = self.clock()
        existing = (
            None
            if looked_up
            else self.store.find_story(
                keys.keys, title_key=keys.title_key, published_at=entry.published
            )
        )
        if existing is not None:
            self.store.record_sighting(
                existing, source_id=source.id, url=url, keys=keys.keys, now=now
            )
            return await self._refresh(existing, entry, url=url, source=source, may_fetch=may_fetch)
        story, fetched = await self._read(
            entry, url=url, source=source, outlet=outlet, home=home, may_fetch=may_fetch, now=now
        )
        # The entry as first seen: a later change of it by this source is an update.
        first_entry = entry_hash(entry.title, entry.summary)
        outcome, item_id = self.store.save_story(
            story,
            source_id=source.id,
            seen_url=url,
            now=now,
            looked_up=looked_up,
            entry_hash=first_entry,  # recorded with a new story, in its transaction
        )
        if outcome != "new":
            revisions.entry_changed(
                self.store, item_id, source_id=source.id, entry_hash=first_entry, now=now
            )
        return outcome, item_id, fetched

    async def _refresh(
        self, item_id: int, entry: Entry, *, url: str, source: SourceState, may_fetch: bool
    ) -> tuple[str, int, int]:
        """A stored article seen again: read it again when its source changed the entry.

        Updates are noticed in the feed: the source's entry for the article (its
        title and summary) differs from the last one that source gave, as when
        an outlet corrects a headline. The page is then read and analysed again
        and the item updated in place (``storage.revisions.update_item`` keeps the
        previous values). Without a page to spare this pass, the change is left
        unrecorded so the next pass sees it again.
        """
        settings = self.config.settings
        if not may_fetch and settings.fetch_articles:
            return "seen", item_id, 0
        now = self.clock()
        changed = revisions.entry_changed(
            self.store,
            item_id,
            source_id=source.id,
            entry_hash=entry_hash(entry.title, entry.summary),
            now=now,
        )
        if not changed:
            return "seen", item_id, 0
        outlet, home = self._outlet_of(source, entry)
        story, fetched = await self._read(
            entry, url=url, source=source, outlet=outlet, home=home, may_fetch=may_fetch, now=now
        )
        fields = revisions.update_item(self.store, item_id, story, source_id=source.id, now=now)
        return ("updated" if fields else "seen"), item_id, fetched

    async def _read(
        self,
        entry: Entry,
        *,
        url: str,
        source: SourceState,
        outlet: str | None,
        home: str | None,
        may_fetch: bool,
        now: datetime,
    ) -> tuple[StoryData, int]:
        """Fetch (within the page budget) and analyse an article: ``(story, pages_fetched)``."""
        html: bytes | None = None
        note: str | None = None
        fetched = 0
        if may_fetch:
            fetched = 1
            try:
                page = await self.fetcher.fetch(
                    url, accept=PAGE_ACCEPT, robots=self._robots(source.id)
                )
                html = page.body
            except FetchError as exc:
                note = f"article page not read: {exc.reason}"
        elif self.config.settings.fetch_articles:
            note = "article page not read: per-pass page limit reached"
        try:
            analysis = await asyncio.get_running_loop().run_in_executor(
                ANALYSIS_THREAD,
                functools.partial(
                    analyze,
                    url=url,
                    config=self.config,
                    html=html,
                    entry=entry,
                    outlet=outlet,
                    outlet_home=home,
                ),
            )
        except Exception as exc:  # a bug in one analysis must not lose the story
            log.exception("analysis of %s failed", url)
            reason = f"analysis failed: {type(exc).__name__}: {exc}"
            analysis = Analysis(
                article=article_from_entry(entry, url=url, outlet=outlet),
                excerpt=entry.summary or "",
                relevant=False,
                relevance_reason=reason,
            )
            note = f"{note}; {reason}" if note else reason
        story = story_data(analysis, url=url, entry=entry, source_id=source.id, note=note, now=now)
        return story, fetched


def story_data(
    analysis: Analysis,
    *,
    url: str,
    entry: Entry,
    source_id: str,
    note: str | None,
    now: datetime,
) -> StoryData:
    """The stored form of an analysed story."""
    article = analysis.article
    canonical = url
    if article.canonical_url:
        try:
            canonical = canonicalize_url(article.canonical_url)
        except InvalidURL:
            canonical = url
    keys = story_keys(
        source_id=source_id,
        url=url,
        guid=entry.guid,
        canonical_url=canonical,
        outlet=article.outlet,
        title=article.headline or entry.title,
    )
    return StoryData(
        url=url,
        canonical_url=canonical,
        url_key=keys.url_key,
        keys=keys.keys,
        title_key=keys.title_key,
        outlet=article.outlet,
        headline=article.headline or entry.title,
        published_at=article.published or entry.published,
        authors=article.authors,
        summary=entry.summary,
        excerpt=analysis.excerpt,
        text=article.text,
        status="candidate" if analysis.relevant else "filtered",
        status_reason=None if analysis.relevant else analysis.relevance_reason,
        relevant=analysis.relevant,
        quotes=[q.to_json() for q in analysis.quotes],
        programs=list(analysis.programs),
        cities=list(analysis.cities),
        evidence=[e.to_json() for e in analysis.evidence],
        analysed_at=now,
        analysis_note=note,
        fingerprint=fingerprint(article.headline or entry.title, article.text),
    )
