"""Find the feeds of a site: ``<link rel="alternate">`` first, then common paths.

Every candidate is fetched (through the fetch layer, with its limits) and
parsed; only addresses that really give a feed are returned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup

from scraper.fetch.client import PAGE_ACCEPT, Fetcher
from scraper.models.errors import FetchError, ParseError
from scraper.sources.parse import looks_like_html, parse_feed

FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
    "application/rdf+xml",
)
COMMON_PATHS = (
    "/feed",
    "/feed/",
    "/rss",
    "/rss.xml",
    "/feed.xml",
    "/atom.xml",
    "/index.xml",
    "/feeds/posts/default",
    "/?feed=rss2",
    "/feed.json",
)
MAX_CANDIDATES = 12


@dataclass(frozen=True, slots=True)
class FoundFeed:
    url: str
    title: str | None
    entries: int
    how: str  # "link rel=alternate", "common path", "the address itself"


def feed_links(html: bytes, *, base: str) -> list[tuple[str, str | None]]:
    """``(url, title)`` of every feed the page announces."""
    soup = BeautifulSoup(html, "lxml")
    found: list[tuple[str, str | None]] = []
    for link in soup.find_all("link", href=True):
        rel: object = link.get("rel") or []
        rels = [str(r).lower() for r in (rel if isinstance(rel, list) else str(rel).split())]
        kind = str(link.get("type") or "").lower().split(";")[0].strip()
        if "alternate" in rels and kind in FEED_TYPES:
            url = urljoin(base, str(link["href"]))
            if urlsplit(url).scheme in ("http", "https"):
                title = link.get("title")
                found.append((url, str(title) if title else None))
    return list(dict.fromkeys(found))


def suggest_id(url: str, title: str | None) -> str:
    base = title or urlsplit(url).hostname or "source"
    slug = re.sub(r"[^a-z0-9]+", "-", base.lower()).strip("-")
    return slug[:60] or "source"


async def discover(url: str, fetcher: Fetcher) -> list[FoundFeed]:
    """Feeds of the site at ``url`` that fetch and parse, best first."""
    response = await fetcher.fetch(url, accept=PAGE_ACCEPT)
    if not looks_like_html(response.body):
        try:
            parsed = parse_feed(response.body, url=response.url, headers=response.headers)
            return [
                FoundFeed(response.url, parsed.title, len(parsed.entries), "the address itself")
            ]
        except ParseError:
            return []
    candidates = [
        (u, t, "link rel=alternate") for u, t in feed_links(response.body, base=response.url)
    ]
    if not candidates:
        root = f"{urlsplit(response.url).scheme}://{urlsplit(response.url).netloc}"
        candidates = [(urljoin(root, path), None, "common path") for path in COMMON_PATHS]
    found: list[FoundFeed] = []
    seen: set[str] = set()
    for candidate, title, how in candidates[:MAX_CANDIDATES]:
        try:
            feed = await fetcher.fetch(candidate)
            parsed = parse_feed(feed.body, url=feed.url, headers=feed.headers)
        except (FetchError, ParseError):
            continue
        if feed.url in seen:
            continue
        seen.add(feed.url)
        found.append(FoundFeed(feed.url, parsed.title or title, len(parsed.entries), how))
        if how == "common path":
            break  # one working guess is enough; the rest are usually the same feed
    return found
