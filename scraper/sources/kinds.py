"""Source kinds: what each kind of source serves, and how its bytes become entries.

A kind is one module (``scraper/sources/feed.py``, ``listing.py``, ``search.py``)
defining a ``KIND``, and one line in ``KINDS`` below. The collector and
``clippings sources check`` both read a source through ``KINDS[kind]``, in the
parse sandbox (``scraper.sources.sandbox``), so a hostile body is handled the
same way whichever command fetched it. ``sources.yaml``'s ``kind`` key lists
the same names (``scraper.config.schema.SourceKindName``; a test checks they
agree).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from scraper.sources.parse import ParsedFeed

# A parser runs in a worker process: it must be a module-level function.
Parser = Callable[..., ParsedFeed]


@dataclass(frozen=True, slots=True)
class SourceKind:
    """One kind of source.

    ``parse(body, url=..., headers=..., selector=...)`` gives the entries;
    ``serves`` says what to ask the server for (the Accept header);
    ``dated``: its entries carry publication dates, so the check interval can
    adapt to how often it publishes; ``opml_category``: exported to OPML under
    this category (``""``: no category), or not at all when None.
    """

    name: str
    parse: Parser
    serves: Literal["feed", "page"] = "feed"
    dated: bool = True
    opml_category: str | None = ""


def parse_args(
    *,
    url: str,
    headers: Mapping[str, str] | None,
    selector: str | None,
    provider: str | None = None,
) -> dict[str, object]:
    """The keyword arguments every kind's ``parse`` takes (picklable for the sandbox)."""
    return {"url": url, "headers": dict(headers or {}), "selector": selector, "provider": provider}
