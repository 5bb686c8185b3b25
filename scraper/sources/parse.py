"""Parse stage: bytes of a feed or listing page -> ``Entry`` records.

``parse_feed`` reads RSS 0.9x/1.0/2.0 and Atom through feedparser (always
given bytes, never a URL, so feedparser never fetches anything itself) and
JSON Feed 1.0/1.1 through ``json``. ``parse_listing`` reads an HTML page and
takes the article links a CSS selector points at. Both return plain-text
fields only; a body that is not what was expected raises ``ParseError`` with a
reason a person can act on.
"""

from __future__ import annotations

import calendar
import json
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
from bs4 import BeautifulSoup

from scraper.identity.urls import unwrap_redirect
from scraper.models import Entry
from scraper.models.errors import ParseError
from scraper.sources.gdelt import parse_gdelt
from scraper.text.markup import one_line, plain_text

MAX_ENTRIES = 500  # entries read from one feed per pass; the newest come first in practice
FUTURE_SLACK = timedelta(days=1)  # a date further ahead than this is treated as unknown
_SUMMARY_CHARS = 2000

# Never let feedparser resolve anything over the network, nor expand external entities.
feedparser.RESOLVE_RELATIVE_URIS = True
feedparser.SANITIZE_HTML = True


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """What one fetch of a feed or page gave: its entries and feed-level facts."""

    entries: tuple[Entry, ...]
    title: str | None = None
    link: str | None = None
    ttl_minutes: int | None = None  # RSS <ttl>
    warning: str | None = None  # a recoverable problem (bozo feed that still parsed)
    total_entries: int = 0  # before MAX_ENTRIES cut


def _when(struct: time.struct_time | None, *, now: datetime) -> datetime | None:
    if struct is None:
        return None
    try:
        value = datetime.fromtimestamp(calendar.timegm(struct), tz=UTC)
    except (OverflowError, ValueError, OSError):
        return None
    if value > now + FUTURE_SLACK or value.year < 1990:
        return None
    return value


def _iso(value: object, *, now: datetime) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    parsed = parsed.astimezone(UTC)
    if parsed > now + FUTURE_SLACK or parsed.year < 1990:
        return None
    return parsed


def _minutes(value: object) -> int | None:
    """RSS ``<ttl>`` as minutes; junk ("", "²", a 5,000-digit number) -> None."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 7:
        return None
    return int(text) or None


def _harmless_bozo(exception: object) -> bool:
    """Bozo reasons that say nothing about the feed (a missing Content-Type header)."""
    return type(exception).__name__ == "NonXMLContentType"


def looks_like_json(body: bytes) -> bool:
    return body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"[")


def looks_like_html(body: bytes) -> bool:
    head = body[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head[:512]


def _http_url(value: object, base: str) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    url = urljoin(base, value.strip())
    parts = urlsplit(url)
    return url if parts.scheme in ("http", "https") and parts.hostname else None


def _search_outlet(
    entry: Mapping[str, Any], title: str, base: str
) -> tuple[str, str | None, str | None]:
    """For search feeds: ``(title, outlet, outlet site)`` from ``<source>`` or Bing's source.

    Google News appends the outlet to each headline; it is cut off::

        <title>Call-in draws 40 - Riverton Ledger</title>
        <source url="https://riverton.example">Riverton Ledger</source>
        -> ("Call-in draws 40", "Riverton Ledger", "https://riverton.example")
    """
    source = entry.get("source")
    outlet = one_line(source.get("title")) if isinstance(source, Mapping) else ""
    site = _http_url(source.get("href"), base) if isinstance(source, Mapping) else None
    if not outlet:  # Bing News: <News:Source>
        outlet = one_line(
            entry.get("news_source") if isinstance(entry.get("news_source"), str) else ""
        )
    if outlet and title.endswith(f" - {outlet}"):
        title = title[: -len(outlet) - 3].rstrip()
    return title, outlet or None, site


def _summary(markup: str, *, title: str, site: str | None) -> str | None:
    """The plain-text summary, except a search engine's list of headlines.

    Google News describes an entry by its own headline and outlet (or a list of
    related headlines): that says nothing the title does not, so it is dropped.
    """
    text = plain_text(markup)[:_SUMMARY_CHARS]
    if site and title and " ".join(text.split()).startswith(title):
        return None
    return text or None


def parse_feed(
    body: bytes,
    *,
    url: str,
    headers: Mapping[str, str] | None = None,
    now: datetime | None = None,
    provider: str | None = None,
) -> ParsedFeed:
    """Entries of an RSS, Atom or JSON feed. Raises ParseError when it is none.

    ``provider="gdelt"``: the body is a GDELT DOC 2.0 answer (``scraper.sources.gdelt``).
    """
    now = now or datetime.now(UTC)
    if provider == "gdelt":
        articles = parse_gdelt(body, url=url, now=now)
        return ParsedFeed(entries=articles[:MAX_ENTRIES], total_entries=len(articles))
    if not body.strip():
        raise ParseError("empty response where a feed was expected")
    if looks_like_json(body):
        return parse_json_feed(body, url=url, now=now)
    response_headers = {k.lower(): v for k, v in (headers or {}).items()}
    response_headers.setdefault("content-location", url)
    parsed = feedparser.parse(body, response_headers=response_headers, sanitize_html=True)
    raw_entries = parsed.get("entries") or []
    if not raw_entries and not parsed.get("version"):
        if looks_like_html(body):
            found = re.search(rb"<title[^>]*>(.*?)</title>", body[:20000], re.I | re.S)
            named = (
                f" titled {one_line(found.group(1).decode('utf-8', 'replace'))[:120]!r}"
                if found
                else ""
            )
            raise ParseError(f"expected a feed but got an HTML page{named}")
        reason = parsed.get("bozo_exception")
        detail = f": {reason}" if reason and not _harmless_bozo(reason) else ""
        raise ParseError(f"not a readable RSS, Atom or JSON feed{detail}")
    feed = parsed.get("feed", {})
    base = feed.get("link") or url
    entries: list[Entry] = []
    for raw in raw_entries[:MAX_ENTRIES]:
        link = _http_url(raw.get("link"), url) or _http_url(raw.get("id"), url)
        if link is None:
            continue
        link = unwrap_redirect(link)
        title, outlet, site = _search_outlet(raw, one_line(raw.get("title")), url)
        summary = raw.get("summary") or ""
        if not summary and raw.get("content"):
            summary = raw["content"][0].get("value", "")
        entries.append(
            Entry(
                url=link,
                title=title or None,
                published=_when(raw.get("published_parsed") or raw.get("updated_parsed"), now=now),
                summary=_summary(summary, title=title, site=site),
                guid=(str(raw.get("id")).strip() or None) if raw.get("id") else None,
                author=one_line(raw.get("author")) or None,
                outlet=outlet,
                outlet_url=site,
            )
        )
    warnings = []
    if parsed.get("bozo") and not _harmless_bozo(parsed.get("bozo_exception")):
        warnings.append(
            f"feed is not well-formed ({parsed.get('bozo_exception')}); read what could be read"
        )
    if len(raw_entries) > MAX_ENTRIES:
        warnings.append(f"read the first {MAX_ENTRIES:,} of {len(raw_entries):,} entries")
    return ParsedFeed(
        entries=tuple(entries),
        title=one_line(feed.get("title")) or None,
        link=_http_url(base, url),
        ttl_minutes=_minutes(feed.get("ttl")),
        warning="; ".join(warnings) or None,
        total_entries=len(raw_entries),
    )


def parse_json_feed(body: bytes, *, url: str, now: datetime | None = None) -> ParsedFeed:
    """JSON Feed 1.0 / 1.1 (https://www.jsonfeed.org/version/1.1/)."""
    now = now or datetime.now(UTC)
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ParseError(f"not valid JSON: {exc}") from exc
    if not isinstance(data, dict) or not str(data.get("version", "")).startswith(
        "https://jsonfeed.org/version/"
    ):
        raise ParseError("JSON document is not a JSON Feed (no jsonfeed.org version)")
    items = data.get("items")
    if not isinstance(items, list):
        raise ParseError("JSON Feed has no items list")
    base = data.get("home_page_url") if isinstance(data.get("home_page_url"), str) else url
    entries: list[Entry] = []
    for item in items[:MAX_ENTRIES]:
        if not isinstance(item, dict):
            continue
        link = _http_url(item.get("url"), url) or _http_url(item.get("external_url"), url)
        if link is None:
            continue
        authors = item.get("authors") or ([item["author"]] if item.get("author") else [])
        author = next(
            (one_line(a.get("name")) for a in authors if isinstance(a, dict) and a.get("name")),
            None,
        )
        summary = item.get("summary") or item.get("content_text") or ""
        if not summary and isinstance(item.get("content_html"), str):
            summary = item["content_html"]
        item_id = item.get("id")
        entries.append(
            Entry(
                url=link,
                title=one_line(item.get("title") if isinstance(item.get("title"), str) else "")
                or None,
                published=_iso(item.get("date_published") or item.get("date_modified"), now=now),
                summary=plain_text(str(summary))[:_SUMMARY_CHARS] or None,
                guid=str(item_id).strip() or None if item_id is not None else None,
                author=author,
            )
        )
    title = data.get("title")
    return ParsedFeed(
        entries=tuple(entries),
        title=one_line(title) if isinstance(title, str) else None,
        link=_http_url(base, url),
        total_entries=len(items),
    )


def parse_listing(body: bytes, *, url: str, selector: str) -> ParsedFeed:
    """Article links of an HTML listing page, chosen by a CSS ``selector``.

    The selector may point at the links themselves (``a.headline``) or at
    containers (``article h2``): then the first link inside each is taken.
    """
    if not body.strip():
        raise ParseError("empty response where a page was expected")
    if not looks_like_html(body) and looks_like_json(body):
        raise ParseError("expected an HTML page but got JSON")
    soup = BeautifulSoup(body, "lxml")
    base_tag = soup.find("base", href=True)
    base = urljoin(url, str(base_tag["href"])) if base_tag else url
    try:
        nodes = soup.select(selector)
    except Exception as exc:  # soupsieve's SelectorSyntaxError
        raise ParseError(f"invalid CSS selector {selector!r}: {exc}") from exc
    if not nodes:
        raise ParseError(f"the selector {selector!r} matched nothing on the page")
    seen: set[str] = set()
    entries: list[Entry] = []
    for node in nodes:
        anchor = node if node.name == "a" and node.get("href") else node.find("a", href=True)
        if anchor is None:
            continue
        link = _http_url(str(anchor.get("href")), base)
        if link is None or link in seen:
            continue
        seen.add(link)
        title = " ".join((anchor.get_text(" ") or node.get_text(" ")).split())
        entries.append(Entry(url=link, title=title or None, guid=None))
        if len(entries) >= MAX_ENTRIES:
            break
    page_title = soup.title.get_text(" ").strip() if soup.title else None
    return ParsedFeed(
        entries=tuple(entries), title=page_title or None, link=url, total_entries=len(seen)
    )
