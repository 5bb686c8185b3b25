"""Records that go into storage and come back out of it.

``storage`` imports these (and the error tree) from ``scraper.models`` and
nothing else from ``scraper``: the pipeline hands storage a ``StoryData`` with
its near-duplicate ``Fingerprint`` already computed, and storage answers with
``SourceState`` and item records. ``NearDuplicates`` is the one piece of logic
storage is handed (``scraper.identity.neardup`` satisfies it), so that the
decision "is this a copy?" stays with the identity stage while the lookup of
candidates by band key stays in the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol

Outcome = Literal["new", "seen"]
Band = tuple[int, int]  # (band number, 64-bit hash of the band's rows)


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What is stored about one article to find its copies later.

    ``signature`` is the text's MinHash (``NUM_PERM`` little-endian uint32,
    512 bytes), None when the text is too short to compare; ``shingles`` is
    the size of the text's shingle set (for containment); ``bands`` are the
    LSH keys of the text and of the headline; ``content_hash`` changes when
    the headline or the text changes (updates of a stored article).
    """

    signature: bytes | None
    shingles: int
    bands: tuple[Band, ...]
    content_hash: str


@dataclass(frozen=True, slots=True)
class Stored:
    """A stored article as ``match`` sees it."""

    headline: str | None
    signature: bytes | None
    shingles: int


@dataclass(frozen=True, slots=True)
class Match:
    """Why two articles are copies: ``by`` text or title, and the measured similarity."""

    by: Literal["text", "title"]
    jaccard: float
    containment: float


class NearDuplicates(Protocol):
    """What storage needs from the near-duplicate stage (``scraper.identity.neardup``)."""

    def fingerprint(self, headline: str | None, text: str | None) -> Fingerprint: ...

    def match(self, new: Fingerprint, headline: str | None, stored: Stored) -> Match | None: ...


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """A source as configured (what sources.yaml says)."""

    id: str
    kind: str
    url: str
    outlet: str | None
    city: str | None
    enabled: bool
    interval_seconds: int


@dataclass(frozen=True, slots=True)
class SourceState:
    """A source and its fetch state (what the database knows)."""

    id: str
    kind: str
    url: str
    outlet: str | None
    city: str | None
    enabled: bool
    removed: bool
    interval_seconds: int
    etag: str | None
    last_modified: str | None
    next_check_at: datetime | None
    last_checked_at: datetime | None
    last_success_at: datetime | None
    last_status: int | None
    error_count: int
    last_error: str | None
    items_found: int
    check_interval_seconds: int | None = None  # the interval in force (adaptive or configured)
    entries_per_week: float | None = None  # publishing rate seen in the feed's dates
    unhealthy_since: datetime | None = None


@dataclass(frozen=True, slots=True)
class FetchRecord:
    """The result of one fetch, written with the source's new state."""

    source_id: str
    url: str
    started_at: datetime
    duration_ms: int
    outcome: Literal["ok", "not_modified", "error"]
    next_check_at: datetime
    status: int | None = None
    bytes: int = 0
    items_total: int = 0
    items_new: int = 0
    items_seen: int = 0
    error: str | None = None
    warning: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    check_interval_seconds: int | None = None  # None: keep the stored one
    entries_per_week: float | None = None  # None: keep the stored one
    unhealthy: bool = False  # the source has now failed unhealthy_after times in a row


@dataclass(frozen=True, slots=True)
class StoryData:
    """Everything stored about a story when it is first seen."""

    url: str
    canonical_url: str
    url_key: str
    keys: tuple[tuple[str, str], ...]
    title_key: str | None
    outlet: str | None
    headline: str | None
    published_at: datetime | None
    authors: tuple[str, ...] = ()
    summary: str | None = None
    excerpt: str | None = None
    text: str | None = None
    status: str = "candidate"
    status_reason: str | None = None
    relevant: bool | None = None
    quotes: list[dict[str, Any]] = field(default_factory=list)
    programs: list[str] = field(default_factory=list)
    cities: list[str] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    analysed_at: datetime | None = None
    analysis_note: str | None = None
    fingerprint: Fingerprint | None = None  # computed by the pipeline; None: storage asks


@dataclass(frozen=True, slots=True)
class StoryLookup:
    """What identifies an entry: its keys, and its title key and date for the title match."""

    keys: tuple[tuple[str, str], ...]
    title_key: str | None = None
    published_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Sighting:
    """A stored story seen again by a source, under ``url``, with the entry's keys."""

    item_id: int
    url: str
    keys: tuple[tuple[str, str], ...] = ()
    entry_hash: str | None = None  # the source's entry (title, summary); None: not tracked
