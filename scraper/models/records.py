"""Typed records that pass between the pipeline stages.

Every stage is a function from one of these records to another; none of them
knows about the network or the database. They are frozen dataclasses so a
stage cannot change what an earlier one produced.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

EvidenceKind = Literal["program", "city", "quote", "relevance", "excerpt"]
EvidenceField = Literal["text", "headline"]


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why a tag, city, quote or relevance decision was made.

    ``start``/``end`` are character offsets into the article's ``text`` (or its
    ``headline`` when ``field == "headline"``), so ``text[start:end] == phrase``.
    """

    kind: EvidenceKind
    label: str  # program name, "City, ST", speaker, or a relevance reason
    phrase: str  # the matched words exactly as they stand in the source
    start: int
    end: int
    field: EvidenceField = "text"
    note: str = ""  # a short human reason, e.g. "state named next to city"
    # How sure the stage is of the label (tag, city or speaker), 0..1; every entry
    # of one label carries the label's confidence. None for relevance and excerpt.
    confidence: float | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "label": self.label,
            "phrase": self.phrase,
            "start": self.start,
            "end": self.end,
            "field": self.field,
            "note": self.note,
            "confidence": self.confidence,
        }


SuggestionKind = Literal["program", "city"]


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A program or city the evidence points to, below the tagging threshold.

    It is not a tag: the desk offers it for one click, and its evidence is in
    the analysis's ``evidence`` under the same label.
    """

    kind: SuggestionKind
    label: str
    confidence: float

    def to_json(self) -> dict[str, object]:
        return {"kind": self.kind, "label": self.label, "confidence": self.confidence}


@dataclass(frozen=True, slots=True)
class Quote:
    """A direct quotation and, when one can be named, its speaker.

    ``text`` is the span between the quote marks (marks excluded), exactly as
    in the article text; ``start``/``end`` are its offsets there.
    """

    text: str
    speaker: str | None
    start: int
    end: int
    attribution: str = ""  # the attribution phrase as written, e.g. "Aviles said"

    def to_json(self) -> dict[str, object]:
        return {"text": self.text, "speaker": self.speaker}


@dataclass(frozen=True, slots=True)
class Article:
    """What the extract stage reads off one article page."""

    url: str
    canonical_url: str | None = None
    headline: str | None = None
    published: datetime | None = None  # timezone-aware when known
    authors: tuple[str, ...] = ()
    outlet: str | None = None
    text: str = ""
    description: str | None = None
    language: str | None = None


@dataclass(frozen=True, slots=True)
class Entry:
    """One entry of a feed or one link of a listing page, before dedup."""

    url: str
    title: str | None = None
    published: datetime | None = None  # timezone-aware (UTC) when known
    summary: str | None = None  # plain text
    guid: str | None = None
    author: str | None = None
    outlet: str | None = None  # for search feeds: the entry's own source
    outlet_url: str | None = None  # for search feeds: that source's site (Google's <source url>)
    via: str | None = None  # the search engine's own link when ``url`` was resolved from it


@dataclass(frozen=True, slots=True)
class Analysis:
    """The understanding of one story: what an editor would write about it."""

    article: Article
    excerpt: str = ""
    quotes: tuple[Quote, ...] = ()
    programs: tuple[str, ...] = ()
    cities: tuple[str, ...] = ()
    relevant: bool = False
    relevance_reason: str = ""
    evidence: tuple[Evidence, ...] = field(default_factory=tuple)
    suggestions: tuple[Suggestion, ...] = ()  # below the thresholds: not tags


@dataclass(frozen=True, slots=True)
class LinkRecord:
    """A search engine's link and the article URL behind it, as cached (``link_resolutions``).

    ``url`` is None while unresolved; then ``retry_at`` says when Google may be
    asked again and ``last_error`` why the last attempt failed.
    """

    key: str  # "google-news:<token>"
    url: str | None
    attempts: int = 0
    last_error: str | None = None
    retry_at: datetime | None = None
    resolved_at: datetime | None = None
