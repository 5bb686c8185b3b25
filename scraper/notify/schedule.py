"""When a digest is due: pure functions of its schedule, the time zone and now.

An *occurrence* is one scheduled send: a day of ``days`` at ``at`` in the
configured time zone, as an aware UTC datetime. The e-mail of an occurrence
covers what happened since the previous occurrence::

    spec: every daily, at 08:00, days mon-fri, zone America/Chicago
    now:  Tuesday 2024-03-05 15:00 UTC (09:00 in Chicago)
    latest_occurrence  -> 2024-03-05 14:00 UTC (Tue 08:00 CST)
    previous_occurrence(that) -> 2024-03-04 14:00 UTC (Mon 08:00 CST)

A daylight-saving change moves the UTC time, never the wall-clock time. An
occurrence missed while clippings was down is still sent when it starts
again within ``CATCH_UP`` (the newest one only, never a backlog).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo

from scraper.config.notify import DigestSpec

CATCH_UP = timedelta(hours=12)  # a missed occurrence older than this is skipped
_SEARCH_DAYS = 15  # two weeks and a day: every schedule has an occurrence in it


def _at(spec: DigestSpec) -> time:
    hours, minutes = spec.at.split(":")
    return time(int(hours), int(minutes))


def _on(day: date, spec: DigestSpec, zone: tzinfo) -> datetime:
    """The occurrence on ``day`` (local), in UTC; a time skipped by DST moves forward."""
    local = datetime.combine(day, _at(spec), tzinfo=zone)
    # Round-trip through UTC: a wall time that does not exist (spring forward) becomes real.
    return local.astimezone(UTC)


def latest_occurrence(spec: DigestSpec, now: datetime, zone: tzinfo) -> datetime:
    """The newest occurrence at or before ``now``."""
    today = now.astimezone(zone).date()
    days = spec.weekdays()
    for back in range(_SEARCH_DAYS):
        day = today - timedelta(days=back)
        if day.weekday() in days:
            moment = _on(day, spec, zone)
            if moment <= now:
                return moment
    raise AssertionError("a schedule with days always has an occurrence in two weeks")


def previous_occurrence(spec: DigestSpec, occurrence: datetime, zone: tzinfo) -> datetime:
    """The occurrence before ``occurrence`` (the start of the window it covers)."""
    return latest_occurrence(spec, occurrence - timedelta(seconds=1), zone)


def next_occurrence(spec: DigestSpec, now: datetime, zone: tzinfo) -> datetime:
    """The first occurrence after ``now`` (for the desk: "next digest at ...")."""
    today = now.astimezone(zone).date()
    days = spec.weekdays()
    for ahead in range(_SEARCH_DAYS):
        day = today + timedelta(days=ahead)
        if day.weekday() in days:
            moment = _on(day, spec, zone)
            if moment > now:
                return moment
    raise AssertionError("a schedule with days always has an occurrence in two weeks")


def due(spec: DigestSpec, now: datetime, zone: tzinfo) -> datetime | None:
    """The occurrence to send now, if the newest one is recent enough (see CATCH_UP)."""
    moment = latest_occurrence(spec, now, zone)
    return moment if now - moment <= CATCH_UP else None
