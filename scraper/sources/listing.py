"""The ``page`` kind: an HTML listing page whose article links a CSS selector picks."""

from __future__ import annotations

from collections.abc import Mapping

from scraper.sources.kinds import SourceKind
from scraper.sources.parse import ParsedFeed, parse_listing

DEFAULT_SELECTOR = "a"


def parse(
    body: bytes,
    *,
    url: str,
    headers: Mapping[str, str] | None = None,
    selector: str | None = None,
    provider: str | None = None,
) -> ParsedFeed:
    del headers, provider  # an HTML page declares its own encoding
    return parse_listing(body, url=url, selector=selector or DEFAULT_SELECTOR)


# A listing page has no dates to adapt the interval to, and is no feed for OPML.
KIND = SourceKind("page", parse, serves="page", dated=False, opml_category=None)
