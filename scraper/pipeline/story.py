"""The stored form of an analysed story (``StoryData``), its near-duplicate fingerprint included.

Called in the analysis processes (``scraper.pipeline.analysis_pool``); a failure
of analysis never loses the story: it is stored with the feed's entry and the reason.
"""

from __future__ import annotations

import logging
from datetime import datetime

from scraper.identity.keys import story_keys
from scraper.identity.neardup import fingerprint
from scraper.identity.urls import canonicalize_url
from scraper.models import Analysis, Entry
from scraper.models.errors import BadURL
from scraper.models.stored import StoryData
from scraper.text.visible import visible_or_none, visible_text

log = logging.getLogger(__name__)


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
        except BadURL:
            canonical = url
    keys = story_keys(
        source_id=source_id,
        url=url,
        guid=entry.guid,
        canonical_url=canonical,
        outlet=article.outlet,
        title=article.headline or entry.title,
        via=entry.via,
    )
    return StoryData(
        url=url,
        canonical_url=canonical,
        url_key=keys.url_key,
        keys=keys.keys,
        title_key=keys.title_key,
        # Invisible format characters (a right-to-left override...) are removed from
        # what the desk, the page and the command line show.
        outlet=visible_or_none(article.outlet),
        headline=visible_or_none(article.headline or entry.title),
        published_at=article.published or entry.published,
        authors=tuple(visible_text(a) for a in article.authors),
        summary=visible_or_none(entry.summary),
        excerpt=visible_text(analysis.excerpt),
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
