"""A story entered by hand: behind a paywall, in print, or a link that cannot be fetched.

The reviewer types what the news page needs (headline, outlet, date,
excerpt, tags, and the link when there is one); ``hand_entered`` turns it into
the same ``StoryData`` a collected story has, stored with the source id
``manual`` so it lands in the queue like any other candidate. A link gives
the story its usual identity keys, so the same story collected later is
recognised as this one; without a link it gets a key of its own.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from scraper.identity.keys import story_keys
from scraper.identity.urls import canonicalize_url
from scraper.models.stored import StoryData

MANUAL_SOURCE = "manual"


@dataclass(frozen=True, slots=True)
class HandEntry:
    """What the "enter it by hand" form collects, already validated."""

    headline: str
    outlet: str | None
    published: datetime | None
    excerpt: str
    programs: Sequence[str] = ()
    cities: Sequence[str] = ()
    url: str | None = None  # http(s), or None for a story with no link


def hand_entered(entry: HandEntry, *, user: str) -> StoryData:
    """The stored form of a hand-entered story; ValueError for a link that is not http(s)."""
    if entry.url:
        url = canonicalize_url(entry.url)
        keys = story_keys(
            source_id=MANUAL_SOURCE,
            url=url,
            guid=None,
            canonical_url=None,
            outlet=entry.outlet,
            title=entry.headline,
        )
        url_key, key_pairs, title = keys.url_key, keys.keys, keys.title_key
    else:
        url = ""
        token = uuid.uuid4().hex
        url_key, key_pairs, title = f"manual:{token}", (("guid", f"manual:{token}"),), None
    return StoryData(
        url=url,
        canonical_url=url,
        url_key=url_key,
        keys=key_pairs,
        title_key=title,
        outlet=entry.outlet,
        headline=entry.headline,
        published_at=entry.published,
        excerpt=entry.excerpt or None,
        text=entry.excerpt or None,
        status="candidate",
        relevant=True,
        programs=list(dict.fromkeys(entry.programs)),
        cities=list(dict.fromkeys(entry.cities)),
        analysis_note=f"entered by hand by {user}",
    )
