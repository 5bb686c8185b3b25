"""The later pass that resolves a search link a story was stored under.

A Google News entry whose link could not be resolved is stored under that
link (found again by its outlet and headline, ``scraper.identity.keys``). When a later
pass resolves the link, the entry arrives with the article URL and the link in
``via``; the stored item is then moved to the article: its URL becomes the
article's, the page is read and analysed, and the analysis replaces the one
made from the feed's few words (``storage.revisions.update_item`` keeps the
previous values as a revision; a reviewed item keeps its status).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from scraper.identity.keys import story_keys
from scraper.identity.urls import canonicalize_url, url_key
from scraper.models import Entry
from scraper.models.errors import Drop
from scraper.models.stored import SourceState
from storage import links, revisions

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
    urls = links.item_urls(collector.store, resolved)
    moved: set[int] = set()
    for item_id, entry in resolved.items():
        if not collector.resolver.handles(urls.get(item_id, "")):
            continue  # already on the article's URL
        try:
            url = canonicalize_url(entry.url)
        except ValueError:
            continue
        if links.taken(collector.store, item_id, url_key(url)):
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
        if not links.move_to_article(
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
        revisions.update_item(collector.store, item_id, story, source_id=source.id, now=now)
        moved.add(item_id)
    return moved
