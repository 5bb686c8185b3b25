"""Dates as the desk shows them: exact, in the configured time zone, and relative.

Publication dates are stored in UTC. A page that gave a day but no time is
stored at midnight UTC: that is shown as the day alone and never shifted
into another zone (a story of Nov 22 must not read "Nov 21" in New York)::

    exact_date("2026-11-22T00:00:00+00:00", zone)          -> "Nov 22, 2026"
    exact_date("2026-11-22T19:05:00+00:00", New York)      -> "Nov 22, 2026, 2:05 PM"
    local_moment(datetime(2026, 11, 22, 19, 5, tzinfo=UTC), New York)
                                                           -> "Nov 22, 2026, 2:05 PM EST"
    relative(in_25_minutes, now=now)                       -> "in 25 min"
    relative(three_hours_ago, now=now)                     -> "3 h ago"
"""

from __future__ import annotations

from datetime import UTC, datetime, time, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def desk_zone(settings: Any) -> tzinfo:
    """The configured time zone: ``settings.tz()`` (the ``timezone`` setting, else the
    machine's zone); for settings without it, ``settings.timezone`` (an IANA name) or UTC."""
    tz = getattr(settings, "tz", None)
    if callable(tz):
        zone = tz()
        if isinstance(zone, tzinfo):
            return zone
    name = getattr(settings, "timezone", None)
    if not name:
        return UTC
    if isinstance(name, tzinfo):
        return name
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def _moment(value: str | datetime | None) -> datetime | None:
    if value is None or value == "":
        return None
    try:
        at = datetime.fromisoformat(value) if isinstance(value, str) else value
    except ValueError:
        return None
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def _day(at: datetime) -> str:
    return f"{at:%b} {at.day}, {at.year}"


def _clock(at: datetime) -> str:
    hour = at.hour % 12 or 12
    return f"{hour}:{at:%M} {'AM' if at.hour < 12 else 'PM'}"


def has_time(at: datetime) -> bool:
    """False for a day stored without its time (midnight UTC exactly)."""
    return at.astimezone(UTC).time() != time(0, 0)


def exact_date(value: str | datetime | None, zone: tzinfo = UTC, *, empty: str = "no date") -> str:
    """``"Nov 22, 2026"``, with the time (in ``zone``) when the page gave one."""
    at = _moment(value)
    if at is None:
        return empty
    if not has_time(at):
        return _day(at.astimezone(UTC))
    local = at.astimezone(zone)
    return f"{_day(local)}, {_clock(local)}"


def day_only(value: str | datetime | None, zone: tzinfo = UTC) -> str:
    """``"Nov 22, 2026"`` (no time), in ``zone`` when a time is known."""
    at = _moment(value)
    if at is None:
        return ""
    return _day(at.astimezone(zone if has_time(at) else UTC))


def local_moment(value: str | datetime | None, zone: tzinfo = UTC, *, empty: str = "never") -> str:
    """A moment the app itself recorded (a fetch, a review): always with time and zone."""
    at = _moment(value)
    if at is None:
        return empty
    local = at.astimezone(zone)
    return f"{_day(local)}, {_clock(local)} {local.tzname() or ''}".rstrip()


def relative(value: str | datetime | None, *, now: datetime) -> str:
    """``"in 25 min"``, ``"3 h ago"``, ``"2 days ago"``, ``"just now"``; '' without a value."""
    at = _moment(value)
    if at is None:
        return ""
    seconds = (at - now).total_seconds()
    ahead = seconds > 0
    span = abs(seconds)
    if span < 60:
        return "in under a minute" if ahead else "just now"
    if span < 3600:
        amount = f"{round(span / 60)} min"
    elif span < 48 * 3600:
        amount = f"{round(span / 3600)} h"
    else:
        days = round(span / 86400)
        amount = f"{days} days"
    return f"in {amount}" if ahead else f"{amount} ago"
