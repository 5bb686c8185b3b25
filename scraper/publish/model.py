"""Stored items -> ``PublicItem``: the sanitised record every output is rendered from.

Everything in an item came from the web, so this is the one place where
public text is cleaned, and no renderer sees raw stored values:

- headline and outlet: one line of plain text (tags dropped, script and style
  content dropped, entities decoded, control characters and lone surrogates
  removed, NFC);
- excerpt and public note: plain text paragraphs, the same way;
- the story link: kept only when it is an absolute http(s) URL.

Renderers then escape this text for their format (XML serialiser, Jinja2
autoescape, JSON), so a ``<script>`` in a headline reaches readers as the
plain words around it, never as markup.

The entry id is a tag URI (RFC 4151) from the site's host, the day the item
was first seen and its database id::

    tag:news.example.org,2024-03-05:item/42

None of these change when a reviewer edits the item, so feed readers never
show an edited item twice.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import urlsplit

from scraper.text.markup import one_line, plain_text

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SURROGATE = re.compile("[\ud800-\udfff]")  # lone surrogates cannot be written as UTF-8
# Left after decoding: broken character references ("&#xZZ;") and replacement marks.
_NOISE = re.compile(r"&#[xX]?[0-9A-Za-z]*;?|\ufffd")

TagKind = Literal["program", "city"]
MAX_SLUG = 80  # characters of a tag's URL segment (and folder name)


def slugify(name: str) -> str:
    """A tag's URL segment: ``"York, PA"`` -> ``"york-pa"``.

    ``"Group Violence Intervention"`` -> ``"group-violence-intervention"``;
    accents are folded (``"Española, NM"`` -> ``"espanola-nm"``); a name with
    no letters or digits gets ``tag-`` and a short digest; a name longer than
    ``MAX_SLUG`` is cut and given the digest (file names have a length limit).
    """
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
    if len(slug) > MAX_SLUG:  # a file name must stay short whatever a tag holds
        return slug[: MAX_SLUG - 9].rstrip("-") + "-" + digest
    return slug or "tag-" + digest


def month_year(value: datetime) -> str:
    """``2017-07-12T...`` -> ``"July 2017"`` (English, whatever the locale)."""
    return f"{MONTHS[value.month - 1]} {value.year}"


def _tidy(text: str) -> str:
    return " ".join(_NOISE.sub("", text).split())


def clean_line(value: object) -> str:
    """Untrusted markup or text -> one line of harmless plain text."""
    if not isinstance(value, str):
        return ""
    return _clean_line(value)


@functools.lru_cache(maxsize=4096)  # outlets, programs and cities repeat across items
def _clean_line(value: str) -> str:
    return _tidy(one_line(_SURROGATE.sub("", value)))


def clean_paragraphs(value: object) -> tuple[str, ...]:
    """Untrusted markup or text -> plain text paragraphs."""
    if not isinstance(value, str):
        return ()
    text = plain_text(_SURROGATE.sub("", value))
    paragraphs = (_tidy(p) for p in text.split("\n\n"))
    return tuple(p for p in paragraphs if p)


def http_url(value: object) -> str | None:
    """``value`` when it is an absolute http(s) URL without control characters, else None."""
    if not isinstance(value, str):
        return None
    candidate = value.strip()
    if re.search(r"[\x00-\x20\x7f-\x9f]", candidate):
        return None
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return candidate


def site_of(url: str | None) -> str | None:
    """``https://www.x.org/a/b?c`` -> ``https://www.x.org/``."""
    if not url:
        return None
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


def _when(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def tag_uri(host: str, first_seen: datetime, item_id: int) -> str:
    """``tag:news.example.org,2024-03-05:item/42`` (RFC 4151)."""
    return f"tag:{host},{first_seen.astimezone(UTC):%Y-%m-%d}:item/{item_id}"


@dataclass(frozen=True, slots=True)
class PublicItem:
    """One approved story as the public sees it; every text field is clean plain text."""

    id: int
    guid: str
    url: str | None
    headline: str
    outlet: str
    date: datetime  # the story's (edited) publication date, else when first seen
    updated: datetime  # last change of the item (an edit or a review decision)
    excerpt: tuple[str, ...]  # paragraphs
    public_note: str
    cities: tuple[str, ...]
    programs: tuple[str, ...]
    # Other outlets that ran the same story: (outlet, link or None), for the news page.
    copies: tuple[tuple[str, str | None], ...] = ()
    # The link was found gone (scraper.publish.archived): ``url`` is then the archived
    # copy and this the original address; the outputs say so in words.
    original_url: str | None = None
    archived_text: tuple[str, ...] = ()  # paragraphs of the public archived copy
    archived_at: datetime | None = None

    @property
    def month_year(self) -> str:
        return month_year(self.date)

    @property
    def byline(self) -> str:
        """``"July 2017 | CBS Pittsburgh"`` (just the month when the outlet is unknown)."""
        return f"{self.month_year} | {self.outlet}" if self.outlet else self.month_year

    @property
    def outlet_site(self) -> str | None:
        return site_of(self.original_url or self.url)

    @property
    def has_archive_page(self) -> bool:
        """Whether the site serves this item's archived copy (``news/archive/<id>/``)."""
        return self.original_url is not None and bool(self.archived_text)

    def tags(self) -> list[tuple[TagKind, str]]:
        """Cities first, then programs, as the news page lists them."""
        cities: list[tuple[TagKind, str]] = [("city", c) for c in self.cities]
        return cities + [("program", p) for p in self.programs]


def _names(values: object) -> tuple[str, ...]:
    if not isinstance(values, list | tuple):
        return ()
    cleaned = (clean_line(v) for v in values)
    return tuple(dict.fromkeys(v for v in cleaned if v))


def public_item(item: Mapping[str, Any], *, host: str, site_url: str | None = None) -> PublicItem:
    """A stored item (``storage.records.item_json`` shape) -> its sanitised public record.

    ``internal_note`` is never read here: it cannot reach any output. An item
    carrying ``archive`` (its original is gone) links to its archived copy on
    ``site_url`` (or the Wayback Machine's) instead of the original.
    """
    url = http_url(item.get("canonical_url")) or http_url(item.get("url"))
    first_seen = _when(item.get("first_seen")) or EPOCH
    date = _when(item.get("published")) or first_seen
    updated = _when(item.get("updated")) or first_seen
    host_name = (urlsplit(url).hostname or "") if url else ""
    outlet = clean_line(item.get("outlet")) or host_name.removeprefix("www.")
    headline = clean_line(item.get("headline")) or (url or f"Item {item['id']}")
    public = PublicItem(
        id=int(item["id"]),
        guid=tag_uri(host, first_seen, int(item["id"])),
        url=url,
        headline=headline,
        outlet=outlet,
        date=date,
        updated=updated,
        excerpt=clean_paragraphs(item.get("excerpt")),
        public_note=" ".join(clean_paragraphs(item.get("public_note"))),
        cities=_names(item.get("cities")),
        programs=_names(item.get("programs")),
        copies=_copies(item.get("copies")),
    )
    archived = _archived(item, url=url, site_url=site_url)
    return dataclasses.replace(public, **archived) if archived else public


def _archived(item: Mapping[str, Any], *, url: str | None, site_url: str | None) -> dict[str, Any]:
    """The archive fields of a gone item: its new link and the copy's text."""
    archive = item.get("archive")
    if not isinstance(archive, Mapping) or url is None:
        return {}
    text = clean_paragraphs(archive.get("text"))
    if text and site_url:
        link: str | None = f"{site_url.rstrip('/')}/news/archive/{int(item['id'])}/"
    else:
        link, text = http_url(archive.get("wayback")), ()
    if link is None:
        return {}
    return {
        "url": link,
        "original_url": url,
        "archived_text": text,
        "archived_at": _when(archive.get("captured")),
    }


def _copies(values: object) -> tuple[tuple[str, str | None], ...]:
    """The story's other copies as clean ``(outlet, http link)`` pairs, one per outlet."""
    if not isinstance(values, list | tuple):
        return ()
    out: dict[str, str | None] = {}
    for copy in values:
        if not isinstance(copy, Mapping):
            continue
        url = http_url(copy.get("url"))
        outlet = clean_line(copy.get("outlet")) or (urlsplit(url).hostname or "" if url else "")
        if outlet and outlet not in out:
            out[outlet] = url
    return tuple(out.items())
