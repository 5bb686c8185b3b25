"""Times in the operator's time zone, absolute ("17:28", "4 Dec 17:28") and relative
("due now", "in 25 min", "3 h ago").

The zone is the ``timezone`` setting of ``sources.yaml`` (an IANA name such as
``America/Chicago``), else the machine's. :func:`zone` resolves the setting; every
other function is pure: it takes the moment, ``now`` and the zone as arguments.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

__all__ = ["ago", "check_zone_name", "clock", "duration", "relative", "until", "when", "zone"]


def check_zone_name(value: object) -> str:
    """Validate a ``timezone`` setting: an IANA name that this machine can load."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError("a time zone name such as America/Chicago or Europe/London")
    name = value.strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        import difflib

        hint = difflib.get_close_matches(name, sorted(available_timezones()), n=1, cutoff=0.6)
        suggestion = f" (did you mean {hint[0]!r}?)" if hint else " (e.g. America/Chicago)"
        raise ValueError(f"{name!r} is not a known time zone{suggestion}") from exc
    return name


def zone(name: str | None = None) -> tzinfo:
    """The zone called ``name``, or the machine's own when ``name`` is None.

    The machine's zone comes from ``$TZ`` or ``/etc/localtime`` (through tzlocal), so
    daylight saving is followed; if it cannot be named, the current UTC offset is used.
    """
    if name:
        return ZoneInfo(name)
    env = os.environ.get("TZ", "").removeprefix(":")
    if env:
        try:
            return ZoneInfo(env)
        except (ZoneInfoNotFoundError, ValueError):
            pass  # a POSIX rule such as "EST5EDT,M3.2.0,M11.1.0": tzlocal knows those
    try:
        import tzlocal

        return tzlocal.get_localzone()
    except Exception:  # an unnamed or broken local zone: fall back to today's offset
        return datetime.now().astimezone().tzinfo or UTC


def _aware(moment: datetime) -> datetime:
    """Naive datetimes in clippings are UTC (SQLite hands them back naive)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def duration(span: timedelta) -> str:
    """A length of time, rounded to what a person needs: "40 s", "25 min", "2 h 5 min",
    "11 h", "3 days"."""
    seconds = abs(span.total_seconds())
    if seconds < 60:
        return f"{int(seconds)} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    if hours < 10 and rest:
        return f"{hours} h {rest} min"
    if hours < 48:
        return f"{round(minutes / 60)} h"
    days = round(hours / 24)
    return f"{days} days"


def relative(moment: datetime, *, now: datetime) -> str:
    """ "in 25 min", "3 h ago", or "now" within a minute either side."""
    delta = _aware(moment) - _aware(now)
    if abs(delta) < timedelta(minutes=1):
        return "now"
    return f"in {duration(delta)}" if delta > timedelta(0) else f"{duration(delta)} ago"


def until(moment: datetime | None, *, now: datetime) -> str:
    """When something is due: "due now" once the moment has come, else "in 25 min"."""
    if moment is None or _aware(moment) - _aware(now) < timedelta(minutes=1):
        return "due now"
    return relative(moment, now=now)


def ago(moment: datetime | None, *, now: datetime) -> str:
    """When something happened: "just now", "25 min ago", or "never"."""
    if moment is None:
        return "never"
    delta = _aware(now) - _aware(moment)
    if delta < timedelta(minutes=1):
        return "just now"
    return f"{duration(delta)} ago"


def clock(moment: datetime, *, tz: tzinfo, now: datetime, zone_name: bool = False) -> str:
    """The moment on the wall clock of ``tz``: "17:28" today, "yesterday 09:05",
    "tomorrow 06:00", "4 Dec 17:28" this year, "4 Dec 2025 17:28" otherwise.
    ``zone_name`` adds the zone's abbreviation ("17:28 CST")."""
    local = _aware(moment).astimezone(tz)
    today = _aware(now).astimezone(tz).date()
    days = (local.date() - today).days
    time = local.strftime("%H:%M")
    if days == 0:
        text = time
    elif days == -1:
        text = f"yesterday {time}"
    elif days == 1:
        text = f"tomorrow {time}"
    elif local.year == today.year:
        text = f"{local.day} {_MONTHS[local.month - 1]} {time}"
    else:
        text = f"{local.day} {_MONTHS[local.month - 1]} {local.year} {time}"
    if zone_name:
        text = f"{text} {local.tzname() or local.strftime('%z')}"
    return text


def when(moment: datetime | None, *, tz: tzinfo, now: datetime, due: bool = False) -> str:
    """Both at once, relative first: "in 25 min (17:28)", "3 h ago (14:02)".

    ``due`` words a moment that is a deadline ("due now" once it has passed)."""
    if moment is None:
        return "due now" if due else "never"
    absolute = clock(moment, tz=tz, now=now)
    if due:
        words = until(moment, now=now)
        return words if words == "due now" else f"{words} ({absolute})"
    return f"{relative(moment, now=now)} ({absolute})"
