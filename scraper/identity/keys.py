"""Identity of a story: the keys that say two entries are the same story.

The fallback chain, strongest first (as Miniflux's adapter does):

1. ``guid``: the entry's GUID, scoped to its source
   (``guid:york-dispatch:tag:example,2017:123``) because GUIDs are only
   promised unique within one feed;
2. ``url``: the ``url_key`` of the entry link and of the page's own canonical
   URL, so one story reached by two sources or two links is one item;
3. title: the outlet plus the normalised headline (``title_key``), a weaker
   match used only when neither key matches and the two dates are within
   ``TITLE_WINDOW`` of each other (recurring titles such as "Letters to the
   editor" must not merge stories weeks apart).

Keys 1 and 2 are unique in the database (``item_keys``); the title match is a
lookup.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from scraper.identity.urls import normalise_title, url_key

TITLE_WINDOW = timedelta(days=7)
MIN_TITLE_WORDS = 4  # shorter titles ("Opinion", "Update") never match by title


@dataclass(frozen=True, slots=True)
class StoryKeys:
    """The identity keys of one entry."""

    url_key: str  # the primary identity (unique on items)
    keys: tuple[tuple[str, str], ...]  # (kind, value) pairs, unique in item_keys
    title_key: str | None


def story_keys(
    *,
    source_id: str,
    url: str,
    guid: str | None,
    canonical_url: str | None,
    outlet: str | None,
    title: str | None,
    via: str | None = None,
) -> StoryKeys:
    """Keys of a story seen at ``url`` by ``source_id``.

    ``url`` and ``canonical_url`` must already be http(s) URLs (ValueError otherwise).
    ``via``: the search engine's link ``url`` was resolved from; its key is kept
    too, so a story stored under that link before it was resolved is found again.
    """
    primary = url_key(canonical_url or url)
    keys: list[tuple[str, str]] = [("url", primary)]
    for other in (url_key(url), url_key(via) if via else None):
        if other is not None and other not in (k for _, k in keys):
            keys.append(("url", other))
    if guid:
        keys.append(("guid", f"{source_id}:{guid.strip()}"))
    return StoryKeys(url_key=primary, keys=tuple(keys), title_key=title_key(outlet, title))


def title_key(outlet: str | None, title: str | None) -> str | None:
    """``"York Dispatch|initiative lays down law on gun violence"`` or None."""
    if not outlet or not title:
        return None
    words = normalise_title(title)
    if len(words.split()) < MIN_TITLE_WORDS:
        return None
    return f"{outlet.strip().lower()}|{words}"
