"""The later pass that resolves a search link a story was stored under.

(And ``join_orphans``: the article was stored as another item meanwhile.)

A Google News entry whose link could not be resolved is stored under that
link (found again by its outlet and headline, ``scraper.identity.keys``). When a later
pass resolves the link, the entry arrives with the article URL and the link in
``via``; the stored item is then moved to the article: its URL becomes the
article's, the page is read and analysed, and the analysis replaces the one
made from the feed's few words (``storage.revisions.update_item`` keeps the
previous values as a revision; a reviewed item keeps its status).
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import TYPE_CHECKING

from scraper.identity.keys import story_keys
from scraper.identity.urls import canonicalize_url, url_key
from scraper.models import Entry
from scraper.models.errors import Drop, StoryError
from scraper.models.stored import SourceState, StoryLookup
from scraper.pipeline.storethread import on_store_thread
from storage import links, revisions, stories

if TYPE_CHECKING:
    from scraper.pipeline.entries import EntryIngest


async def upgrade_search_links(
    collector: EntryIngest,
    entries: Sequence[Entry],
    items: Sequence[int | None],
    *,
    source: SourceState,
) -> set[int]:
    """Move the items stored under a search link this pass resolved; returns their ids."""
    resolved = {
        item_id: entry
        for entry, item_id in zip(entries, items, strict=True)
        if item_id is not None and entry.via is not None
    }
    if not resolved:
        return set()
    await on_store_thread(join_orphans, collector, entries, items)
    urls = await on_store_thread(links.item_urls, collector.store, resolved)
    moved: set[int] = set()
    for item_id, entry in resolved.items():
        if not collector.resolver.handles(urls.get(item_id, "")):
            continue  # already on the article's URL
        try:
            url = canonicalize_url(entry.url)
        except ValueError:
            continue
        if await on_store_thread(links.taken, collector.store, item_id, url_key(url)):
            continue  # the article is stored as another item already: not read again each pass
        outlet, home = collector._outlet_of(source, entry)
        now = collector.clock()
        try:
            story, _fetched = await collector._read(
                entry, url=url, source=source, outlet=outlet, home=home, may_fetch=True, now=now
            )
        except Drop:
            continue
        keys = story_keys(
            source_id=source.id,
            url=url,
            guid=entry.guid,
            canonical_url=story.canonical_url,
            outlet=story.outlet,
            title=story.headline,
            via=entry.via,
        )
        if not await on_store_thread(
            links.move_to_article,
            collector.store,
            item_id,
            url=url,
            canonical_url=story.canonical_url,
            url_key=keys.url_key,
            keys=keys.keys,
            status=(story.status, story.status_reason, story.relevant) if story.text else None,
            now=now,
        ):
            continue  # the article is stored as another item already: left as two
        await on_store_thread(
            revisions.update_item, collector.store, item_id, story, source_id=source.id, now=now
        )
        moved.add(item_id)
    return moved


COLLECTOR_USER = "collector"  # who the audit log names for the collector's own story changes


def join_orphans(
    collector: EntryIngest, entries: Sequence[Entry], items: Sequence[int | None]
) -> None:
    """Join an item left on a search link to the story of the article it resolved to.

    When the article was stored as an item of its own before the link was
    resolved (their headlines differed), the resolved entry finds the article's
    item; the item stored under the link is then put into that item's story, as
    a copy (``storage.stories.act_on_story``) behind the article's item, so the desk
    shows one story with the article's link.
    """
    pairs = [
        (entry, item_id)
        for entry, item_id in zip(entries, items, strict=True)
        if item_id is not None and entry.via is not None
    ]
    if not pairs:
        return
    found = collector.store.find_stories(
        [StoryLookup(keys=(("url", url_key(str(entry.via))),)) for entry, _ in pairs]
    )
    for (_entry, item_id), orphan in zip(pairs, found, strict=True):
        if orphan is None or orphan == item_id:
            continue
        with contextlib.suppress(StoryError):  # one story already (near-duplicates)
            stories.act_on_story(
                collector.store,
                "merge",
                item_id,
                other=orphan,
                user=COLLECTOR_USER,
                now=collector.clock(),
            )
        # The article's copy is the one shown and linked, not the search engine's link.
        stored = collector.store.item(orphan)
        if stored is not None and stored["primary"]:
            stories.act_on_story(
                collector.store, "primary", item_id, user=COLLECTOR_USER, now=collector.clock()
            )
