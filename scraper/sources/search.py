"""The ``search`` kind: a keyword search feed (news search RSS), whose entries name their outlet.

Parsed as a feed; redirect links are unwrapped to the story's URL and each
entry's outlet is read from the feed (``scraper.sources.parse``).
"""

from __future__ import annotations

from scraper.sources import feed
from scraper.sources.kinds import SourceKind

KIND = SourceKind("search", feed.parse, opml_category="Search")
