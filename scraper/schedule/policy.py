"""When to check a source next, and how healthy it is: pure functions of its state.

``next_check_at`` is data in the database; the scheduler only asks which
sources are due. The rules, in order:

1. the base interval is the source's ``interval`` when it sets one; otherwise,
   with ``adaptive_intervals`` on, it follows how often the source publishes,
   as Miniflux's entry-frequency scheduler does::

       entries dated in the last 7 days = n  ->  interval = 7 days / n,
       clamped to [min_interval, max_interval]; n = 0 -> max_interval

   (a feed that shows less than a week of entries is extrapolated from the
   span it shows); a source without dates keeps ``default_interval``;
2. after a failure, exponential backoff from the base interval:
   ``interval * 2 ** (errors - 1)``, capped at ``max_backoff``; a source that
   has failed ``unhealthy_after`` times in a row is *unhealthy* and checked
   every ``unhealthy_interval`` only. It recovers by itself: the first
   success resets the count;
3. +-10 % jitter, so sources configured alike do not all fire at once;
4. lower bounds from the server, never pushing past ``max_interval`` (or
   ``max_backoff`` for ``Retry-After``): ``Cache-Control: max-age``,
   ``Expires``, RSS ``<ttl>`` and ``Retry-After``.
"""

from __future__ import annotations

import email.utils
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

JITTER = 0.10  # +-10 % of the delay
WEEK = timedelta(days=7)
MIN_SPAN = timedelta(hours=1)  # shortest span a rate is extrapolated from

Health = Literal["new", "ok", "failing", "unhealthy"]


@dataclass(frozen=True, slots=True)
class CheckPolicy:
    interval: timedelta  # the base interval (configured, default or adaptive)
    min_interval: timedelta = timedelta(minutes=5)
    max_interval: timedelta = timedelta(hours=24)
    max_backoff: timedelta = timedelta(hours=24)
    unhealthy_after: int = 5  # consecutive failures
    unhealthy_interval: timedelta = timedelta(hours=24)


def _jitter(delay: timedelta, rng: random.Random) -> timedelta:
    return delay * (1 + rng.uniform(-JITTER, JITTER))


def next_check_at(
    *,
    now: datetime,
    policy: CheckPolicy,
    error_count: int = 0,
    retry_after: float | None = None,
    not_before: float | None = None,
    rng: random.Random | None = None,
) -> datetime:
    """The time of the next check.

    ``error_count`` counts this failure too (0 after a success); ``retry_after``
    (seconds, from the server after an error) and ``not_before`` (seconds, from
    caching headers or RSS ttl after a success) are lower bounds.
    """
    rng = rng or random.Random()
    if error_count > 0:
        delay = min(policy.interval * 2 ** min(error_count - 1, 16), policy.max_backoff)
        delay = max(delay, min(policy.interval, policy.max_backoff))
        if error_count >= policy.unhealthy_after:
            delay = max(delay, policy.unhealthy_interval)
    else:
        delay = policy.interval
    delay = _jitter(delay, rng)
    if retry_after is not None and retry_after > 0:
        cap = max(policy.max_backoff, policy.unhealthy_interval)
        delay = max(delay, min(timedelta(seconds=retry_after), cap))
    if not_before is not None and not_before > 0:
        delay = max(delay, min(timedelta(seconds=not_before), policy.max_interval))
    return now + delay


def health(error_count: int, *, checked: bool = True, unhealthy_after: int = 5) -> Health:
    """``new`` (never checked), ``ok``, ``failing`` (backing off) or ``unhealthy``."""
    if not checked:
        return "new"
    if error_count <= 0:
        return "ok"
    return "unhealthy" if error_count >= unhealthy_after else "failing"


# --- adaptive intervals ----------------------------------------------------


def entries_per_week(
    dates: Iterable[datetime | None], *, now: datetime, window: timedelta = WEEK
) -> float | None:
    """How many entries a feed publishes per week, from the dates it shows.

    None when no entry has a date. Dates in the future count as now.
    ``[now - 1 d, now - 2 d, now - 3 d]`` (a feed cut at three entries) ->
    3 entries over 3 days -> 7.0 a week.
    """
    dated = sorted(min(d, now) for d in dates if d is not None)
    if not dated:
        return None
    recent = [d for d in dated if d > now - window]
    if not recent:
        return 0.0
    oldest = dated[0]
    if len(dated) >= 2 and oldest > now - window:
        # The feed shows less than a week: its length, not the site, limits the count.
        span = max(now - oldest, MIN_SPAN)
        return len(recent) * (window / span)
    return float(len(recent))


def adaptive_interval(
    per_week: float | None,
    *,
    default: timedelta,
    min_interval: timedelta,
    max_interval: timedelta,
) -> timedelta:
    """Miniflux's entry-frequency rule: ``7 days / entries per week``, clamped."""
    if per_week is None:
        return default
    if per_week <= 0:
        return max_interval
    return min(max(WEEK / per_week, min_interval), max_interval)


# --- HTTP caching ----------------------------------------------------------


def cache_lifetime(headers: Mapping[str, str], *, now: datetime | None = None) -> float | None:
    """Seconds the response may be reused, from ``Cache-Control`` or ``Expires``.

    ``max-age`` (or ``s-maxage``) wins over ``Expires``; ``no-cache``,
    ``no-store`` and ``must-revalidate`` without max-age give None (no lower
    bound). ``Expires`` is measured against the response's ``Date`` when
    present, so a server with a wrong clock is judged by its own clock.
    """
    control = headers.get("cache-control", "")
    directives: dict[str, str] = {}
    for part in control.split(","):
        name, _, value = part.strip().partition("=")
        if name:
            directives[name.strip().lower()] = value.strip().strip('"')
    for name in ("s-maxage", "max-age"):
        value = directives.get(name, "")
        if value.isdigit():
            return float(value)
    if "no-cache" in directives or "no-store" in directives:
        return None
    expires = _http_date(headers.get("expires"))
    if expires is None:
        return None
    reference = _http_date(headers.get("date")) or now or datetime.now(UTC)
    return max(0.0, (expires - reference).total_seconds())


def _http_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        when = email.utils.parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def not_before(
    headers: Mapping[str, str], *, ttl_minutes: int | None, now: datetime
) -> float | None:
    """The server's lower bound on the next check, in seconds (largest of cache and ttl)."""
    bounds = [cache_lifetime(headers, now=now)]
    if ttl_minutes is not None and ttl_minutes > 0:
        bounds.append(ttl_minutes * 60.0)
    known = [b for b in bounds if b is not None and b > 0]
    return max(known) if known else None
