"""The sources page's view of each source: failing first, reasons in plain words, times.

``source_rows(sources, now=..., zone=...)`` orders the sources as a reviewer
reads the page (failing, then never checked, then healthy, then disabled) and
gives each its health, its reason in plain words and its last and next check
as a local time and a relative one ("in 25 min")::

    plain_reason("HTTP 404 not found")
    -> "The feed's address no longer works (HTTP 404 not found): update its URL in sources.yaml."
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, tzinfo

from scraper.web.dates import local_moment, relative
from storage.repo import SourceState

# (pattern over the stored reason, what it means for the reader), first match wins.
_PLAIN_RAW: tuple[tuple[str, str], ...] = (
    (r"HTTP 40[13]", "The site refuses the desk ({}): it may need a login or block robots."),
    (r"HTTP 4(04|10)", "The address no longer works ({}): update its URL in sources.yaml."),
    (r"HTTP 429", "The site asks the desk to slow down ({}): it retries later by itself."),
    (r"HTTP 5\d\d", "The site has a problem of its own ({}): it usually passes."),
    (r"(?i)robots", "The site's robots.txt asks robots not to read this address ({})."),
    (r"(?i)timed out", "The site did not answer in time ({}): it may be down or slow."),
    (
        r"(?i)could not connect|name resolution|nodename|getaddrinfo",
        "The site could not be reached ({}): check the address, or the site is down.",
    ),
    (r"(?i)certificate|ssl|tls", "The site's secure connection failed ({})."),
    (r"(?i)redirect", "The address redirects in circles ({})."),
    (r"(?i)\bcap\b|too large", "The page is larger than the desk reads ({})."),
    (
        r"(?i)not a (valid )?feed|parse|xml|no entries",
        "The address does not give a feed the desk can read ({}): check the URL.",
    ),
    (r"(?i)private|not global|refused", "The desk does not fetch this kind of address ({})."),
)
_PLAIN = tuple((re.compile(p), words) for p, words in _PLAIN_RAW)


def plain_reason(reason: str | None) -> str:
    """The stored failure reason in plain words (the reason itself kept in brackets)."""
    text = (reason or "").strip()
    if not text:
        return "The last check failed."
    for pattern, words in _PLAIN:
        if pattern.search(text):
            return words.format(text)
    return f"The last check failed: {text}."


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
            reason=plain_reason(s.last_error) if _health(s) == "failing" else "",
            last=local_moment(s.last_checked_at, zone),
            last_ago=relative(s.last_checked_at, now=now),
            next=local_moment(s.next_check_at, zone, empty="not scheduled"),
            next_in=_next_in(s, now),
        )
        for s in sources
    ]
    rows.sort(key=lambda r: (_ORDER[r.health], -r.source.error_count, r.source.id))
    return rows
