"""The ``feed`` kind: an outlet's RSS, Atom or JSON Feed."""

from __future__ import annotations

from collections.abc import Mapping

from scraper.sources.kinds import SourceKind
from scraper.sources.parse import ParsedFeed, parse_feed


def parse(
    body: bytes,
    *,
    url: str,
    headers: Mapping[str, str] | None = None,
    selector: str | None = None,
    provider: str | None = None,
) -> ParsedFeed:
    del selector  # feeds need none
    return parse_feed(body, url=url, headers=headers, provider=provider)


KIND = SourceKind("feed", parse)
