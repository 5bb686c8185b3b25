"""Read one source's response the way its kind says, in the parse sandbox.

The collector and ``clippings sources check`` both call ``read_source``, so
a source is parsed by one path whichever command fetched it.
"""

from __future__ import annotations

from collections.abc import Mapping

from scraper.fetch.client import FEED_ACCEPT, PAGE_ACCEPT
from scraper.sources.kinds import SourceKind, parse_args
from scraper.sources.parse import ParsedFeed
from scraper.sources.sandbox import Sandbox

ACCEPT = {"feed": FEED_ACCEPT, "page": PAGE_ACCEPT}


def accept_for(kind: SourceKind) -> str:
    """The Accept header to send to a source of ``kind``."""
    return ACCEPT[kind.serves]


async def read_source(
    sandbox: Sandbox,
    kind: SourceKind,
    body: bytes,
    *,
    url: str,
    headers: Mapping[str, str] | None = None,
    selector: str | None = None,
    provider: str | None = None,
) -> ParsedFeed:
    """The entries of ``body``, parsed by ``kind`` in a sandboxed worker; raises ParseError."""
    args = parse_args(url=url, headers=headers, selector=selector, provider=provider)
    return await sandbox.run(kind.parse, body, **args)
