"""RSS 2.0, Atom 1.0 and JSON Feed 1.1 documents of public items.

XML is built as an element tree and written by lxml's serialiser, JSON by
``json``: text is escaped by the serialiser, never by hand, and no output is
assembled from string templates. Items arrive as ``PublicItem`` (already plain
text); the only HTML in a feed is ``entry_html``, built as a tree and passed
through the nh3 sanitiser last, so nothing from a source runs in a reader.

Dates: RFC 822 in RSS (``Wed, 12 Jul 2017 14:00:00 GMT``), RFC 3339 in Atom
and JSON Feed (``2017-07-12T14:00:00Z``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

from lxml import etree  # type: ignore[import-untyped, unused-ignore]
from lxml import html as lxml_html  # type: ignore[import-untyped, unused-ignore]
from lxml.html import builder as h  # type: ignore[import-untyped, unused-ignore]

from scraper import __version__
from scraper.publish.model import PublicItem
from scraper.text.markup import safe_html

ATOM_NS = "http://www.w3.org/2005/Atom"
XML_NS = "http://www.w3.org/XML/1998/namespace"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
GENERATOR = "clippings"

CONTENT_TYPES = {
    "rss": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
    "json": "application/feed+json; charset=utf-8",
}
_ATOM_NSMAP: dict[Any, str] = {None: ATOM_NS}  # Atom as the default namespace
FORMAT_NAMES = {"rss": "RSS", "atom": "Atom", "json": "JSON Feed"}

ARCHIVED_SENTENCE = "Link: archived copy; the original is no longer online."


@dataclass(frozen=True, slots=True)
class Channel:
    """What a feed says about itself (from ``settings`` and the filter it shows)."""

    title: str
    description: str
    home_url: str  # the news page listing the same items
    self_url: str  # this feed's own address
    site_url: str
    language: str
    updated: datetime
    program_scheme: str  # category domain/scheme of program tags
    city_scheme: str


def rfc822(value: datetime) -> str:
    """``Wed, 12 Jul 2017 14:00:00 GMT``."""
    return format_datetime(value.astimezone(UTC), usegmt=True)


def rfc3339(value: datetime) -> str:
    """``2017-07-12T14:00:00Z``."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _categories(channel: Channel, item: PublicItem) -> list[tuple[str, str]]:
    """(scheme, name) per tag, cities first."""
    return [
        (channel.city_scheme if kind == "city" else channel.program_scheme, name)
        for kind, name in item.tags()
    ]


def entry_html(item: PublicItem) -> str:
    """The item's HTML content: the excerpt as a block quote, then "Month Year | Outlet".

    ``<blockquote><p>“…” she said.</p></blockquote><p>July 2017 | The Ledger</p>``
    """
    parts = []
    if item.excerpt:
        parts.append(h.BLOCKQUOTE(*(h.P(p) for p in item.excerpt)))
    parts.append(h.P(item.byline))
    if item.original_url:
        parts.append(h.P(ARCHIVED_SENTENCE))
    if item.public_note:
        parts.append(h.P(item.public_note))
    markup = "".join(lxml_html.tostring(p, encoding="unicode") for p in parts)
    # The sanitiser runs last, whatever was built above.
    return safe_html(markup)


def entry_text(item: PublicItem) -> str:
    """The same content as plain text (JSON Feed ``content_text``)."""
    archived = [ARCHIVED_SENTENCE] if item.original_url else []
    return "\n\n".join([*item.excerpt, item.byline, *archived, *filter(None, [item.public_note])])


def _sub(parent: Any, tag: str, text: str | None = None, **attrib: str) -> Any:
    element = etree.SubElement(parent, tag, attrib)
    if text is not None:
        element.text = text
    return element


def _xml(root: Any) -> bytes:
    return bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True))


def rss(channel: Channel, items: Sequence[PublicItem]) -> bytes:
    """An RSS 2.0 document; the outlet goes in ``<source>`` (as news aggregators do)."""
    root = etree.Element("rss", {"version": "2.0"}, nsmap={"atom": ATOM_NS})
    head = _sub(root, "channel")
    _sub(head, "title", channel.title)
    _sub(head, "link", channel.home_url)
    _sub(head, "description", channel.description)
    _sub(head, "language", channel.language)
    _sub(head, "lastBuildDate", rfc822(channel.updated))
    _sub(head, "generator", f"{GENERATOR} {__version__}")
    _sub(
        head,
        f"{{{ATOM_NS}}}link",
        href=channel.self_url,
        rel="self",
        type=CONTENT_TYPES["rss"].split(";")[0],
    )
    for item in items:
        entry = _sub(head, "item")
        _sub(entry, "title", item.headline)
        if item.url:
            _sub(entry, "link", item.url)
        _sub(entry, "description", entry_html(item))
        _sub(entry, "guid", item.guid, isPermaLink="false")
        _sub(entry, "pubDate", rfc822(item.date))
        if item.outlet and item.outlet_site:
            _sub(entry, "source", item.outlet, url=item.outlet_site)
        for scheme, name in _categories(channel, item):
            _sub(entry, "category", name, domain=scheme)
    return _xml(root)


def atom(channel: Channel, items: Sequence[PublicItem]) -> bytes:
    """An Atom 1.0 document; the outlet is each entry's author."""
    root = etree.Element(f"{{{ATOM_NS}}}feed", nsmap=_ATOM_NSMAP)
    root.set(f"{{{XML_NS}}}lang", channel.language)

    def sub(parent: Any, tag: str, text: str | None = None, **attrib: str) -> Any:
        return _sub(parent, f"{{{ATOM_NS}}}{tag}", text, **attrib)

    sub(root, "id", channel.self_url)
    sub(root, "title", channel.title, type="text")
    sub(root, "subtitle", channel.description, type="text")
    sub(root, "updated", rfc3339(channel.updated))
    sub(root, "link", rel="self", type=CONTENT_TYPES["atom"].split(";")[0], href=channel.self_url)
    sub(root, "link", rel="alternate", type="text/html", href=channel.home_url)
    author = sub(root, "author")
    sub(author, "name", channel.title)
    sub(author, "uri", channel.site_url)
    sub(root, "generator", GENERATOR, version=__version__)
    for item in items:
        entry = sub(root, "entry")
        sub(entry, "id", item.guid)
        sub(entry, "title", item.headline, type="text")
        if item.url:
            sub(entry, "link", rel="alternate", type="text/html", href=item.url)
        sub(entry, "published", rfc3339(item.date))
        sub(entry, "updated", rfc3339(item.updated))
        by = sub(entry, "author")
        sub(by, "name", item.outlet or channel.title)
        if item.outlet_site:
            sub(by, "uri", item.outlet_site)
        if item.excerpt:
            sub(entry, "summary", "\n\n".join(item.excerpt), type="text")
        sub(entry, "content", entry_html(item), type="html")
        for scheme, name in _categories(channel, item):
            sub(entry, "category", term=name, scheme=scheme, label=name)
    return _xml(root)


def json_feed(channel: Channel, items: Sequence[PublicItem]) -> bytes:
    """A JSON Feed 1.1 document; tags and the outlet also under ``_clippings``."""
    feed: dict[str, Any] = {
        "version": JSON_FEED_VERSION,
        "title": channel.title,
        "home_page_url": channel.home_url,
        "feed_url": channel.self_url,
        "description": channel.description,
        "language": channel.language,
        "authors": [{"name": channel.title, "url": channel.site_url}],
        "items": [_json_item(item) for item in items],
    }
    return (json.dumps(feed, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _json_item(item: PublicItem) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": item.guid}
    if item.url:
        entry["url"] = item.url
    entry["title"] = item.headline
    entry["content_html"] = entry_html(item)
    entry["content_text"] = entry_text(item)
    if item.excerpt:
        entry["summary"] = "\n\n".join(item.excerpt)
    entry["date_published"] = rfc3339(item.date)
    entry["date_modified"] = rfc3339(item.updated)
    if item.outlet:
        author = {"name": item.outlet}
        if item.outlet_site:
            author["url"] = item.outlet_site
        entry["authors"] = [author]
    entry["tags"] = [name for _kind, name in item.tags()]
    entry["_clippings"] = {
        "outlet": item.outlet,
        "cities": list(item.cities),
        "programs": list(item.programs),
        "public_note": item.public_note or None,
    }
    if item.original_url:  # the link is the archived copy: the original is gone
        entry["_clippings"]["original_url"] = item.original_url
    return entry


RENDERERS = {"rss": rss, "atom": atom, "json": json_feed}
