"""Times in the operator's zone: the ``timezone`` setting and the pure formatting functions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from scraper.config.schema import parse_config
from scraper.explain.times import ago, clock, duration, relative, until, when, zone
from scraper.models.errors import ConfigError

CHICAGO = ZoneInfo("America/Chicago")
NOW = datetime(2026, 12, 4, 17, 3, tzinfo=UTC)  # 11:03 in Chicago


def test_timezone_setting_is_validated_with_a_suggestion() -> None:
    config = parse_config("settings:\n  timezone: America/Chicago\n")
    assert config.settings.timezone == "America/Chicago"
    assert config.settings.tz() == CHICAGO
    with pytest.raises(ConfigError) as caught:
        parse_config("settings:\n  timezone: America/Chicgo\n", name="s.yaml")
    assert caught.value.problems == [
        "s.yaml:2: settings: 'timezone': 'America/Chicgo' is not a known time zone "
        "(did you mean 'America/Chicago'?)"
    ]


def test_default_timezone_is_the_machines(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    assert parse_config("").settings.timezone is None
    assert parse_config("").settings.tz().utcoffset(NOW) == timedelta(hours=9)
    assert zone("Europe/London") == ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("span", "words"),
    [
        (timedelta(seconds=40), "40 s"),
        (timedelta(minutes=25), "25 min"),
        (timedelta(minutes=125), "2 h 5 min"),
        (timedelta(hours=11, minutes=20), "11 h"),
        (timedelta(days=3, hours=2), "3 days"),
    ],
)
def test_duration_rounds_to_what_a_person_needs(span: timedelta, words: str) -> None:
    assert duration(span) == words


def test_relative_due_and_ago() -> None:
    assert until(NOW + timedelta(minutes=25), now=NOW) == "in 25 min"
    assert until(NOW - timedelta(minutes=5), now=NOW) == "due now"
    assert until(None, now=NOW) == "due now"
    assert relative(NOW - timedelta(hours=3), now=NOW) == "3 h ago"
    assert relative(NOW + timedelta(seconds=20), now=NOW) == "now"
    assert ago(NOW - timedelta(seconds=10), now=NOW) == "just now"
    assert ago(None, now=NOW) == "never"
    # SQLite gives naive datetimes back: they are UTC
    assert ago(NOW.replace(tzinfo=None) - timedelta(minutes=7), now=NOW) == "7 min ago"


def test_clock_reads_in_the_operators_zone() -> None:
    assert clock(NOW + timedelta(minutes=25), tz=CHICAGO, now=NOW) == "11:28"
    assert clock(NOW + timedelta(minutes=25), tz=UTC, now=NOW) == "17:28"
    assert clock(NOW - timedelta(hours=14), tz=CHICAGO, now=NOW) == "yesterday 21:03"
    assert clock(NOW + timedelta(hours=14), tz=CHICAGO, now=NOW) == "tomorrow 01:03"
    assert clock(NOW - timedelta(days=30), tz=CHICAGO, now=NOW) == "4 Nov 11:03"
    assert clock(NOW - timedelta(days=365), tz=CHICAGO, now=NOW) == "4 Dec 2025 11:03"
    assert clock(NOW, tz=CHICAGO, now=NOW, zone_name=True) == "11:03 CST"


def test_when_combines_relative_and_absolute() -> None:
    assert when(NOW + timedelta(minutes=25), tz=CHICAGO, now=NOW, due=True) == "in 25 min (11:28)"
    assert when(NOW - timedelta(minutes=1), tz=CHICAGO, now=NOW, due=True) == "due now"
    assert when(NOW - timedelta(hours=3), tz=CHICAGO, now=NOW) == "3 h ago (08:03)"
    assert when(None, tz=CHICAGO, now=NOW) == "never"
