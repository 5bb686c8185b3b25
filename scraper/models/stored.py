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
from typing import Any, Literal, NotRequired, Protocol, TypedDict

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


class SeenAt(TypedDict):
    """One sighting of an item: which source saw it, under which URL, how often."""

    source: str
    url: str
    first_seen: str | None
    last_seen: str | None
    times: int


class CopyRecord(TypedDict):
    """One copy of a story, as its story lists it (primary first, then by date)."""

    id: int
    outlet: str | None
    url: str
    headline: str | None
    published: str
    primary: bool


class StoryRecord(TypedDict):
    """A story and its copies (``clippings stories show --json``)."""

    id: int | None
    primary_item_id: int
    items: list[CopyRecord]


class RevisionRecord(TypedDict):
    """One change of a stored article: which fields changed, and what they were before."""

    revision: int
    changed_at: str
    source: str | None
    fields: list[str]
    before: dict[str, Any]


class FetchLogRecord(TypedDict):
    """One fetch of a source, from its fetch log (newest first)."""

    started_at: datetime
    outcome: str
    status: int | None
    bytes: int
    duration_ms: int
    items_total: int
    items_new: int
    items_seen: int
    error: str | None
    warning: str | None


class ItemRecord(TypedDict):
    """An item as storage reads it back (``clippings items --json`` prints this shape).

    ``headline``, ``excerpt``, ``published``, ``outlet``, ``programs`` and
    ``cities`` are the effective values (review edits applied); ``original``
    holds the collected value of each edited field. ``copies`` and
    ``also_ran_in`` are filled where a page shows a story's other copies.
    """

    id: int
    url: str
    canonical_url: str
    outlet: str | None
    headline: str | None
    published: str | None
    authors: list[str]
    status: str
    status_reason: str | None
    excerpt: str
    summary: str
    text: str
    quotes: list[dict[str, Any]]
    programs: list[str]
    cities: list[str]
    relevant: bool
    evidence: list[dict[str, Any]]
    suggestions: list[dict[str, Any]]
    first_seen: str | None
    last_seen: str | None
    sources: list[str]
    seen_at: list[SeenAt]
    analysis_note: str | None
    original: dict[str, Any]
    public_note: str
    internal_note: str
    reviewed_by: str | None
    reviewed_at: str | None
    version: int
    story_id: int | None
    primary: bool
    revision: int
    copies: NotRequired[list[CopyRecord]]
    also_ran_in: NotRequired[str]
    updated: NotRequired[str]  # public items: the last review change
    first_published: NotRequired[str | None]  # public items: first in a publish step
    archive: NotRequired[dict[str, Any]]  # public items whose link is gone: the snapshot
