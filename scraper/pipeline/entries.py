"""A feed's entries into stories: known ones are sightings, new ones are read and stored once.

For each entry::

    canonical URL -> identity keys -> already stored?  yes: record the sighting
                                                       (re-read it if its entry changed)
                                                       no:  stored pending -> page -> analyse
                                                            -> analysis written (batch_ingest)

Store calls run on the store thread (``storethread``), analysis in the
analysis processes (``analysis_pool``): the event loop only hands data along.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from scraper.config import search
from scraper.identity.keys import StoryKeys, story_keys
from scraper.identity.neardup import entry_hash
from scraper.identity.urls import canonicalize_url
from scraper.models import Entry
from scraper.models.errors import BadURL, Drop
from scraper.models.stored import Sighting, SourceState, StoryData, StoryLookup
from scraper.pipeline import batch_ingest
from scraper.pipeline.base import CollectorBase
from scraper.pipeline.links import upgrade_search_links
from scraper.pipeline.report import SourceReport
from scraper.pipeline.storethread import on_store_thread
from scraper.understand.tags.city_home import home_from_history
from storage import revisions
from storage.outlet_history import outlet_cities

log = logging.getLogger(__name__)

HOME_MEMORY = timedelta(hours=1)  # how long an outlet's remembered home is reused


class EntryIngest(CollectorBase):
    """Entries to stories (part of ``Collector``)."""

    async def ingest_entries(
        self, entries: Sequence[Entry], *, source: SourceState, report: SourceReport
    ) -> None:
        """Ingest a feed's entries, counting outcomes in ``report``.

        One query finds every entry already stored (``Store.find_stories``) and
        their sightings are recorded in one transaction; the new stories are
        stored in one transaction, analysed in the worker processes and their
        analyses written in one more (``batch_ingest.store_new``). An entry
        repeating the keys or title of a new one earlier in the feed is
        ingested after them, looked up again (``ingest``).
        """
        # URL canonicalisation is pure Python: a long feed would hold the loop (a thread
        # gives the GIL back to the loop every few milliseconds).
        identified = await asyncio.to_thread(self._identities, entries, source)
        idents: list[tuple[str, StoryKeys] | None] = []
        for result in identified:
            if isinstance(result, Drop):
                report.dropped[result.reason] += 1
                idents.append(None)
            else:
                idents.append(result)
        known = await on_store_thread(
            self.store.find_stories,
            [
                StoryLookup(ident[1].keys, ident[1].title_key, entry.published)
                for entry, ident in zip(entries, idents, strict=True)
                if ident is not None
            ],
        )
        found = iter(known)
        items = [None if ident is None else next(found) for ident in idents]
        # Stored under a search link that this pass resolved: move them to the article.
        moved = await upgrade_search_links(self, entries, items, source=source)
        changed = await on_store_thread(
            self.store.record_sightings,
            [
                Sighting(item_id, ident[0], ident[1].keys, entry_hash(entry.title, entry.summary))
                for entry, ident, item_id in zip(entries, idents, items, strict=True)
                if ident is not None and item_id is not None
            ],
            source_id=source.id,
            now=self.clock(),
        )
        changed -= moved  # read and analysed just now
        fetched_pages = 0
        fresh: list[tuple[Entry, str, StoryKeys]] = []  # new stories, in feed order
        again: list[Entry] = []  # entries naming a story new in this feed once more
        marked: set[tuple[str, str]] = set()  # keys and title keys of the new stories
        for entry, ident, item_id in zip(entries, idents, items, strict=True):
            if ident is None:
                continue
            url, keys = ident
            if item_id is None:
                marks = {*keys.keys, *((("title", keys.title_key),) if keys.title_key else ())}
                if marks & marked:
                    again.append(entry)
                else:
                    fresh.append((entry, url, keys))
                marked |= marks
                continue
            if item_id in changed:
                try:
                    _outcome, item_id, fetched = await self._refresh(
                        item_id,
                        entry,
                        url=url,
                        source=source,
                        may_fetch=fetched_pages < self._page_budget(),
                    )
                except Drop as drop:
                    report.dropped[drop.reason] += 1
                    continue
                fetched_pages += fetched
            report.seen += 1
        if fresh:
            fetched_pages += await batch_ingest.store_new(
                self,
                fresh,
                source=source,
                report=report,
                pages=max(0, self._page_budget() - fetched_pages),
            )
        for entry in again:
            try:
                outcome, item_id, fetched = await self.ingest(
                    entry, source=source, may_fetch=fetched_pages < self._page_budget()
                )
            except Drop as drop:
                report.dropped[drop.reason] += 1
                continue
            fetched_pages += fetched
            if outcome == "new":
                report.new += 1
                report.new_ids.append(item_id)
            else:
                report.seen += 1

    def _identities(
        self, entries: Sequence[Entry], source: SourceState
    ) -> list[tuple[str, StoryKeys] | Drop]:
        """``_identity`` of each entry, or the Drop that refuses it."""
        out: list[tuple[str, StoryKeys] | Drop] = []
        for entry in entries:
            try:
                out.append(self._identity(entry, source))
            except Drop as drop:
                out.append(drop)
        return out

    def _identity(self, entry: Entry, source: SourceState) -> tuple[str, StoryKeys]:
        """The canonical URL and identity keys of an entry; raises Drop."""
        try:
            url = canonicalize_url(entry.url)
        except BadURL as exc:  # a bad entry, never a failure of the source
            raise Drop(f"bad entry link: {exc.reason}") from exc
        outlet, _home = self._outlet_of(source, entry)
        keys = story_keys(
            source_id=source.id,
            url=url,
            guid=entry.guid,
            canonical_url=None,
            outlet=outlet,
            title=entry.title,
            via=entry.via,
        )
        return url, keys

    def _page_budget(self) -> int:
        settings = self.config.settings
        return settings.max_articles_per_pass if settings.fetch_articles else 0

    def _selector(self, source_id: str) -> str | None:
        configured = self.config.source(source_id)
        return configured.selector if configured else None

    def _provider(self, source: SourceState) -> str | None:
        """The search provider whose format a source's feed is in (None: a plain feed)."""
        own = self.config.source(source.id)
        return (own.provider if own else None) or search.provider_of(source.url)

    def _remembered_home(self, outlet: str | None, now: datetime) -> str | None:
        """Where ``outlet``'s reviewed stories are set (read at most hourly per outlet)."""
        if not outlet:
            return None
        cached = self._homes.get(outlet)
        if cached is not None and now - cached[1] < HOME_MEMORY:
            return cached[0]
        home = home_from_history(outlet_cities(self.store, outlet))
        self._homes[outlet] = (home, now)
        return home

    def _outlet_of(self, source: SourceState, entry: Entry) -> tuple[str | None, str | None]:
        """The outlet name and its home city for a story from ``source``.

        The source's own outlet wins; a search feed's entry names its outlet
        (by name, or by its site: Google's ``<source url>``, GDELT's domain),
        or its link's host belongs to a configured outlet.
        """
        outlet = self.config.outlet(source.outlet) or self.config.outlet(entry.outlet)
        if outlet is None and source.outlet is None and entry.outlet_url:
            outlet = self.config.outlet_for_url(entry.outlet_url)
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
            else await on_store_thread(
                self.store.find_story,
                keys.keys,
                title_key=keys.title_key,
                published_at=entry.published,
            )
        )
        if existing is not None:
            await on_store_thread(
                self.store.record_sighting,
                existing,
                source_id=source.id,
                url=url,
                keys=keys.keys,
                now=now,
            )
            return await self._refresh(existing, entry, url=url, source=source, may_fetch=may_fetch)
        story, fetched = await self._read(
            entry, url=url, source=source, outlet=outlet, home=home, may_fetch=may_fetch, now=now
        )
        # The entry as first seen: a later change of it by this source is an update.
        first_entry = entry_hash(entry.title, entry.summary)
        outcome, item_id = await on_store_thread(
            self.store.save_story,
            story,
            source_id=source.id,
            seen_url=url,
            now=now,
            looked_up=looked_up,
            entry_hash=first_entry,  # recorded with a new story, in its transaction
        )
        if outcome != "new":
            await on_store_thread(
                revisions.entry_changed,
                self.store,
                item_id,
                source_id=source.id,
                entry_hash=first_entry,
                now=now,
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
        changed = await on_store_thread(
            revisions.entry_changed,
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
        fields = await on_store_thread(
            revisions.update_item, self.store, item_id, story, source_id=source.id, now=now
        )
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
        """Fetch (within the page budget) and analyse an article: ``(story, pages_fetched)``.

        The page is read here; the analysis runs in a worker (``analysis_pool``).
        """
        job = await batch_ingest.job_for(
            self, entry, url=url, source=source, may_fetch=may_fetch, outlet=(outlet, home), now=now
        )
        [story] = await batch_ingest.analyse(self, [job], now=now)
        return story, job.pages
