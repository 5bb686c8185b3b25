"""The ``search`` kind: a keyword search (Google News, Bing News, GDELT) naming each outlet.

Parsed as a feed, or as GDELT's JSON when the provider is ``gdelt``
(``scraper.sources.gdelt``); redirect links are unwrapped to the story's URL
and each entry's outlet is read from the answer (``scraper.sources.parse``).
Google News links are resolved after parsing (``scraper.identity.resolve``);
the provider's URL is built from ``provider`` and ``query`` by
``scraper.config.search``.
"""

from __future__ import annotations

from scraper.sources import feed
from scraper.sources.kinds import SourceKind

KIND = SourceKind("search", feed.parse, opml_category="Search")
