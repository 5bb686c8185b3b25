"""The sources page's view of each source: failing first, reasons in plain words, times.

``source_rows(sources, now=..., zone=...)`` orders the sources as a reviewer
reads the page (failing, then never checked, then healthy, then disabled) and
gives each its health, its reason in plain words (``scraper.explain.failures``)
and its last and next check as a local time and a relative one ("in 25 min")::

    plain_reason("HTTP 404 not found", status=404)
    -> "the address is gone (not found) (HTTP 404)"
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, tzinfo

from scraper.explain.failures import explain
from scraper.models.stored import SourceState
from scraper.web.dates import local_moment, relative


def plain_reason(reason: str | None, *, url: str | None = None, status: int | None = None) -> str:
    """The stored failure reason in plain words (``scraper.explain.failures.explain``)."""
    failure = explain(reason, url=url, status=status)
    if failure is None:
        return "The last check failed."
    return failure.words


@dataclass(frozen=True, slots=True)
class SourceRow:
    source: SourceState
    health: str  # failing | waiting | ok | disabled
    reason: str  # plain words; '' when healthy
    last: str  # "Nov 22, 2026, 8:15 AM EST"
    last_ago: str  # "3 h ago"
    next: str
    next_in: str  # "in 25 min"


_ORDER = {"failing": 0, "waiting": 1, "ok": 2, "disabled": 3}


def _health(s: SourceState) -> str:
    if not s.enabled or s.removed:
        return "disabled"
    if s.error_count:
        return "failing"
    return "ok" if s.last_checked_at else "waiting"


def _next_in(s: SourceState, now: datetime) -> str:
    if _health(s) == "disabled" or s.next_check_at is None:
        return ""
    if s.next_check_at <= now:
        return "due now"
    return relative(s.next_check_at, now=now)


def source_rows(sources: Iterable[SourceState], *, now: datetime, zone: tzinfo) -> list[SourceRow]:
    """Failing sources first (most failures first), then unchecked, healthy, disabled."""
    rows = [
        SourceRow(
            source=s,
            health=_health(s),
            reason=(
                plain_reason(s.last_error, url=s.url, status=s.last_status)
                if _health(s) == "failing"
                else ""
            ),
            last=local_moment(s.last_checked_at, zone),
            last_ago=relative(s.last_checked_at, now=now),
            next=local_moment(s.next_check_at, zone, empty="not scheduled"),
            next_in=_next_in(s, now),
        )
        for s in sources
    ]
    rows.sort(key=lambda r: (_ORDER[r.health], -r.source.error_count, r.source.id))
    return rows
