"""Parse stage for GDELT DOC 2.0 ``mode=artlist&format=json`` answers.

GDELT answers a query with the articles it saw, newest first::

    {"articles": [{"url": "https://riverton.example/news/call-in/",
                   "title": "Call-in draws 40 to Riverton church",
                   "seendate": "20260302T141500Z", "domain": "riverton.example",
                   "language": "English", "sourcecountry": "United States"}]}
    -> Entry(url="https://riverton.example/news/call-in/",
             title="Call-in draws 40 to Riverton church",
             published=2026-03-02 14:15 UTC, outlet_url="https://riverton.example/")

``{}`` (no article matched) is an empty list, not an error. An empty body, or
the plain-text notice GDELT sends instead of JSON when asked too often, is a
``ParseError``: the pass records it as the source's failure and the source is
checked again later.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from scraper.models import Entry
from scraper.models.errors import ParseError
from scraper.text.markup import one_line

MAX_ENTRIES = 500
FUTURE_SLACK = timedelta(days=1)


def seen_date(value: object, *, now: datetime) -> datetime | None:
    """``"20260302T141500Z"`` -> 2026-03-02 14:15:00 UTC (None when unreadable or ahead)."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.strptime(value.strip(), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError:
        return None
    return None if parsed > now + FUTURE_SLACK else parsed


def _http(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    parts = urlsplit(value.strip())
    return value.strip() if parts.scheme in ("http", "https") and parts.hostname else None


def parse_gdelt(body: bytes, *, url: str, now: datetime | None = None) -> tuple[Entry, ...]:
    """Entries of a GDELT artlist JSON answer; raises ParseError when it is none."""
    now = now or datetime.now(UTC)
    text = body.decode("utf-8-sig", "replace").strip()
    if not text:
        raise ParseError("GDELT answered with an empty body (it does when asked too often)")
    if not text.startswith("{"):
        raise ParseError(f"GDELT answered with text, not JSON: {one_line(text)[:160]!r}")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(f"GDELT answer is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ParseError("GDELT answer is not a JSON object")
    articles = data.get("articles", [])
    if not isinstance(articles, list):
        raise ParseError("GDELT answer has no articles list")
    entries: list[Entry] = []
    for article in articles[:MAX_ENTRIES]:
        if not isinstance(article, dict):
            continue
        link = _http(article.get("url"))
        if link is None:
            continue
        domain = article.get("domain")
        site = f"https://{domain.strip().lower()}/" if isinstance(domain, str) and domain else None
        title = one_line(article.get("title") if isinstance(article.get("title"), str) else "")
        entries.append(
            Entry(
                url=link,
                title=title or None,
                published=seen_date(article.get("seendate"), now=now),
                outlet_url=_http(site),
            )
        )
    return tuple(entries)
