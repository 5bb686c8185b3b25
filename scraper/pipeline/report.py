"""What one pass did for one source: the report behind the summary table and the fetch record."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

log = logging.getLogger(__name__)


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class SourceReport:
    """What one pass did for one source (a row of the summary table)."""

    source_id: str
    outcome: Literal["ok", "not_modified", "error"] = "ok"
    new: int = 0
    seen: int = 0
    entries: int = 0
    dropped: Counter[str] = field(default_factory=Counter)
    error: str | None = None
    warning: str | None = None
    status: int | None = None
    seconds: float = 0.0
    new_ids: list[int] = field(default_factory=list)
    bytes: int = 0
    etag: str | None = None
    last_modified: str | None = None
    retry_after: float | None = None  # seconds, from the server
    not_before: float | None = None  # seconds: Cache-Control / Expires / RSS ttl lower bound
    per_week: float | None = None  # entries a week, from the feed's dates

    def to_json(self) -> dict[str, object]:
        return {
            "source": self.source_id,
            "outcome": self.outcome,
            "new": self.new,
            "seen": self.seen,
            "entries": self.entries,
            "dropped": dict(self.dropped),
            "error": self.error,
            "warning": self.warning,
            "status": self.status,
            "seconds": round(self.seconds, 3),
        }
