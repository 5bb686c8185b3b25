"""Every source kind, by the name ``sources.yaml`` gives it: one line per kind."""

from __future__ import annotations

from scraper.sources import feed, listing, search
from scraper.sources.kinds import SourceKind

KINDS: dict[str, SourceKind] = {kind.name: kind for kind in (feed.KIND, listing.KIND, search.KIND)}


def kind_of(name: str) -> SourceKind:
    """The kind named ``name`` (validated by the config schema, so always known)."""
    return KINDS[name]
