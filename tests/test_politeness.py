"""Politeness: robots.txt, per-host limits measured by the server, caching, backoff, health."""

from __future__ import annotations

import asyncio
import itertools
import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from scraper.cli import main
from scraper.fetch.client import Fetcher, FetchOptions
from scraper.models.errors import HTTPStatusError
from scraper.schedule.policy import (
    CheckPolicy,
    adaptive_interval,
    cache_lifetime,
    entries_per_week,
    health,
    next_check_at,
    not_before,
)
from tests.collecting import RSS_TYPE, make_config, open_store, rss, run_pass
from tests.feedserver import FeedServer, Reply

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
ITEMS = [(f"Story {i}", f"https://riverton.example/s/{i}") for i in range(3)]


def feed_reply(**headers: str) -> Reply:
    return Reply(200, rss(ITEMS), {**RSS_TYPE, **headers})


class Clock:
    """A settable clock for the collector and the store."""

    def __init__(self, start: datetime = NOW) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


# --- robots.txt ------------------------------------------------------------


@dataclass(frozen=True)
class RobotsCase:
    robots: Reply
    path: str = "/private/feed.xml"
    source_robots: str = ""  # e.g. "robots: false"
    settings: str = ""
    error: str | None = None  # None: collected


DISALLOW_PRIVATE = Reply(
    200, "User-agent: *\nDisallow: /private/\n", {"Content-Type": "text/plain"}
)
ROBOTS_CASES = {
    "disallowed path is not fetched": RobotsCase(DISALLOW_PRIVATE, error="refused by robots.txt"),
    "allowed path is fetched": RobotsCase(DISALLOW_PRIVATE, path="/public/feed.xml"),
    "source override ignores robots.txt": RobotsCase(
        DISALLOW_PRIVATE, source_robots="  robots: false\n"
    ),
    "setting respect_robots false": RobotsCase(DISALLOW_PRIVATE, settings="respect_robots: false"),
    "rules for our product token": RobotsCase(
        Reply(200, "User-agent: clippings\nDisallow: /\n\nUser-agent: *\nAllow: /\n"),
        error="refused by robots.txt",
    ),
    "rules for another robot only": RobotsCase(
        Reply(200, "User-agent: otherbot\nDisallow: /\n"),
    ),
    "no robots.txt (404)": RobotsCase(Reply(404, "not here")),
    "robots.txt forbidden (403) allows all": RobotsCase(Reply(403, "no")),
    "robots.txt server error blocks the site": RobotsCase(
        Reply(503, "down"), error="robots.txt could not be read"
    ),
    "robots.txt unparsable junk allows all": RobotsCase(Reply(200, b"\x00\xff\xfe{{{<<<\n" * 50)),
}


@pytest.mark.parametrize("case", ROBOTS_CASES.values(), ids=ROBOTS_CASES.keys())
def test_robots_txt(case: RobotsCase, server: FeedServer, db_url: str) -> None:
    server.route("/robots.txt", case.robots)
    server.route(case.path, feed_reply())
    config = make_config(
        f"- id: src\n  kind: feed\n  url: {server.url(case.path)}\n{case.source_robots}",
        settings=case.settings,
    )
    report = run_pass(config, db_url)["src"]
    if case.error is None:
        assert (report.outcome, report.new) == ("ok", 3), report.error
    else:
        assert report.outcome == "error"
        assert report.error is not None
        assert case.error in report.error
        assert not server.hits(case.path)  # refused before any request


def test_robots_txt_is_fetched_once_per_host_and_crawl_delay_spaces_requests(
    server: FeedServer, db_url: str
) -> None:
    server.route("/robots.txt", Reply(200, "User-agent: *\nCrawl-delay: 0.4\n"))
    sources = ""
    for i in range(4):
        server.route(f"/f{i}.xml", feed_reply())
        sources += f"- id: s{i}\n  kind: feed\n  url: {server.url(f'/f{i}.xml')}\n"
    reports = run_pass(make_config(sources, settings="per_host_concurrency: 4"), db_url)

    assert all(r.outcome == "ok" for r in reports.values())
    assert len(server.hits("/robots.txt")) == 1
    starts = sorted(r.started for r in server.requests if r.path != "/robots.txt")
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert min(gaps) >= 0.4 - 0.02, gaps


# --- per-host limits, measured by the server ----------------------------------


def test_per_host_concurrency_and_gap_whatever_the_number_of_sources(
    server: FeedServer, db_url: str
) -> None:
    sources = ""
    for i in range(6):
        server.route(f"/f{i}.xml", Reply(200, rss(ITEMS), RSS_TYPE, delay=0.3))
        sources += f"- id: s{i}\n  kind: feed\n  url: {server.url(f'/f{i}.xml')}\n"
    config = make_config(
        sources, settings="per_host_concurrency: 2\nper_host_delay: 0.1\nrespect_robots: false"
    )
    reports = run_pass(config, db_url)

    assert all(r.outcome == "ok" for r in reports.values())
    assert max(server.max_in_flight.values()) == 2  # 6 sources, never more than 2 at once
    starts = sorted(r.started for r in server.requests)
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert min(gaps) >= 0.1 - 0.02, gaps


# --- Retry-After and the host pause ---------------------------------------------


@pytest.mark.parametrize(
    ("status", "retry_after", "at_least"),
    [
        (429, "3600", timedelta(hours=1)),
        (503, "HTTP-DATE in 3 hours", timedelta(hours=2, minutes=59)),
        (429, "99999999", timedelta(hours=23)),  # capped, not years
    ],
    ids=["429 seconds", "503 http-date", "absurd value is capped"],
)
def test_retry_after_is_a_lower_bound_on_the_next_check(
    status: int, retry_after: str, at_least: timedelta, server: FeedServer, db_url: str
) -> None:
    if retry_after.startswith("HTTP-DATE"):  # made when the test runs, not when it is collected
        retry_after = format_datetime(datetime.now(UTC) + timedelta(hours=3), usegmt=True)
    server.route("/f.xml", Reply(status, "slow down", {"Retry-After": retry_after}))
    config = make_config(
        f"- id: src\n  kind: feed\n  url: {server.url('/f.xml')}\n  interval: 5m\n"
    )
    before = datetime.now(UTC)
    report = run_pass(config, db_url)["src"]
    state = open_store(config, db_url).source("src")

    assert report.outcome == "error"
    assert state is not None
    assert state.next_check_at is not None
    assert state.next_check_at >= before + at_least
    assert state.next_check_at <= before + timedelta(hours=24, minutes=30)


def test_a_host_that_asked_for_a_pause_gets_no_request_from_other_sources(
    server: FeedServer,
) -> None:
    server.route("/limited.xml", Reply(429, "slow down", {"Retry-After": "120"}))
    server.route("/other.xml", feed_reply())
    options = FetchOptions(allow_private=True, per_host_delay=0, respect_robots=False, timeout=3)

    async def go() -> tuple[HTTPStatusError, int]:
        async with Fetcher(options) as fetcher:
            with pytest.raises(HTTPStatusError):
                await fetcher.fetch(server.url("/limited.xml"))
            with pytest.raises(HTTPStatusError) as refused:
                await fetcher.fetch(server.url("/other.xml"))
            other_host = await fetcher.fetch(f"http://localhost:{server.port}/other.xml")
            return refused.value, other_host.status

    refused, other_status = asyncio.run(go())
    assert "asked for a pause" in refused.reason
    assert refused.retry_after is not None
    assert 100 < refused.retry_after <= 120
    assert len(server.hits("/other.xml")) == 1  # only through the other host name
    assert other_status == 200


# --- caching headers and RSS ttl ------------------------------------------------

CACHE_CASES = {
    "max-age": ({"cache-control": "public, max-age=7200"}, 7200.0),
    "s-maxage wins": ({"cache-control": "max-age=60, s-maxage=600"}, 600.0),
    "no-cache": ({"cache-control": "no-cache"}, None),
    "expires against the server's date": (
        {"expires": "Mon, 02 Mar 2026 14:00:00 GMT", "date": "Mon, 02 Mar 2026 13:00:00 GMT"},
        3600.0,
    ),
    "expires without date uses now": ({"expires": "Mon, 02 Mar 2026 13:00:00 GMT"}, 3600.0),
    "expires in the past": ({"expires": "Mon, 02 Mar 2026 11:00:00 GMT"}, 0.0),
    "expires junk": ({"expires": "0"}, None),
    "max-age beats expires": (
        {"cache-control": "max-age=10", "expires": "Mon, 02 Mar 2026 14:00:00 GMT"},
        10.0,
    ),
    "nothing": ({}, None),
}


@pytest.mark.parametrize(("headers", "seconds"), CACHE_CASES.values(), ids=CACHE_CASES.keys())
def test_cache_lifetime(headers: dict[str, str], seconds: float | None) -> None:
    assert cache_lifetime(headers, now=NOW) == seconds


def test_not_before_takes_the_larger_of_cache_and_ttl() -> None:
    assert not_before({"cache-control": "max-age=600"}, ttl_minutes=60, now=NOW) == 3600.0
    assert not_before({"cache-control": "max-age=7200"}, ttl_minutes=60, now=NOW) == 7200.0
    assert not_before({}, ttl_minutes=None, now=NOW) is None


@pytest.mark.parametrize(
    ("headers", "ttl", "at_least", "at_most"),
    [
        (
            {"Cache-Control": "max-age=7200"},
            None,
            timedelta(hours=2),
            timedelta(hours=2, minutes=1),
        ),
        ({}, 180, timedelta(hours=3), timedelta(hours=3, minutes=1)),
        (
            {"Cache-Control": "max-age=8640000"},
            None,
            timedelta(hours=24),
            timedelta(hours=24, minutes=1),
        ),
        ({}, None, timedelta(minutes=27), timedelta(minutes=33)),
    ],
    ids=["max-age", "rss ttl", "a 100-day max-age is capped at max_interval", "none: interval"],
)
def test_caching_is_a_lower_bound_on_the_next_check(
    headers: dict[str, str],
    ttl: int | None,
    at_least: timedelta,
    at_most: timedelta,
    server: FeedServer,
    db_url: str,
) -> None:
    server.route("/f.xml", Reply(200, rss(ITEMS, ttl=ttl), {**RSS_TYPE, **headers}))
    config = make_config(
        f"- id: src\n  kind: feed\n  url: {server.url('/f.xml')}\n  interval: 30m\n"
    )
    clock = Clock()
    assert run_pass(config, db_url, clock=clock)["src"].outcome == "ok"
    state = open_store(config, db_url, now=clock()).source("src")
    assert state is not None
    assert state.next_check_at is not None
    assert NOW + at_least <= state.next_check_at <= NOW + at_most


# --- backoff with jitter ---------------------------------------------------------

POLICY = CheckPolicy(
    interval=timedelta(minutes=30),
    max_backoff=timedelta(hours=24),
    unhealthy_after=8,
    unhealthy_interval=timedelta(hours=24),
)


@pytest.mark.parametrize(
    ("errors", "expected"),
    [
        (0, timedelta(minutes=30)),
        (1, timedelta(minutes=30)),
        (2, timedelta(hours=1)),
        (3, timedelta(hours=2)),
        (5, timedelta(hours=8)),
        (7, timedelta(hours=24)),  # 32 h capped
        (40, timedelta(hours=24)),
    ],
    ids=["success", "1st failure", "2nd", "3rd", "5th", "capped", "many"],
)
def test_exponential_backoff_with_jitter(errors: int, expected: timedelta) -> None:
    rng = random.Random(7)
    delays = [
        next_check_at(now=NOW, policy=POLICY, error_count=errors, rng=rng) - NOW for _ in range(200)
    ]
    assert all(expected * 0.9 <= d <= expected * 1.1 for d in delays)
    assert len(set(delays)) > 150  # jittered, not one fixed time


def test_unhealthy_sources_are_checked_rarely() -> None:
    policy = CheckPolicy(
        interval=timedelta(minutes=5), unhealthy_after=3, unhealthy_interval=timedelta(hours=12)
    )
    delays = [
        next_check_at(now=NOW, policy=policy, error_count=n, rng=random.Random(1)) - NOW
        for n in range(1, 5)
    ]
    assert delays[1] < timedelta(hours=1)
    assert all(d >= timedelta(hours=12) * 0.9 for d in delays[2:])


@pytest.mark.parametrize(
    ("errors", "checked", "expected"),
    [(0, False, "new"), (0, True, "ok"), (2, True, "failing"), (5, True, "unhealthy")],
    ids=["new", "ok", "failing", "unhealthy"],
)
def test_health(errors: int, checked: bool, expected: str) -> None:
    assert health(errors, checked=checked, unhealthy_after=5) == expected


# --- adaptive intervals ------------------------------------------------------------


def ago(**kwargs: float) -> datetime:
    return NOW - timedelta(**kwargs)


PER_WEEK_CASES = {
    "no dates": ([None, None], None),
    "nothing this week": ([ago(days=10), ago(days=30)], 0.0),
    "one a day over two weeks": ([ago(days=d) for d in range(14)], 7.0),
    "cut feed: 10 in the last 10 hours": ([ago(hours=h) for h in range(1, 11)], 168.0),
    "a single recent entry": ([ago(days=2)], 1.0),
    "future dates count as now": ([NOW + timedelta(days=3), ago(days=8)], 1.0),
}


@pytest.mark.parametrize(("dates", "per_week"), PER_WEEK_CASES.values(), ids=PER_WEEK_CASES.keys())
def test_entries_per_week(dates: list[datetime | None], per_week: float | None) -> None:
    result = entries_per_week(dates, now=NOW)
    assert result == (pytest.approx(per_week) if per_week is not None else None)


@pytest.mark.parametrize(
    ("per_week", "expected"),
    [
        (None, timedelta(minutes=30)),
        (0.0, timedelta(hours=24)),
        (1.0, timedelta(hours=24)),  # a week, clamped
        (14.0, timedelta(hours=12)),
        (168.0, timedelta(hours=1)),
        (10_000.0, timedelta(minutes=5)),  # clamped
    ],
    ids=["unknown: default", "silent", "weekly", "twice a day", "hourly", "firehose"],
)
def test_adaptive_interval_like_miniflux(per_week: float | None, expected: timedelta) -> None:
    got = adaptive_interval(
        per_week,
        default=timedelta(minutes=30),
        min_interval=timedelta(minutes=5),
        max_interval=timedelta(hours=24),
    )
    assert got == expected


@pytest.mark.parametrize(
    ("dates", "interval_key", "expected"),
    [
        ([datetime.now(UTC) - timedelta(minutes=i) for i in range(1, 30)], "", 300),
        ([datetime.now(UTC) - timedelta(days=40 + i) for i in range(3)], "", 86400),
        ([datetime.now(UTC) - timedelta(days=40 + i) for i in range(3)], "  interval: 2h\n", 7200),
        ([], "", 1800),
    ],
    ids=["busy feed: min_interval", "quiet feed: max_interval", "own interval is kept", "undated"],
)
def test_adaptive_interval_is_stored_and_used(
    dates: list[datetime],
    interval_key: str,
    expected: int,
    server: FeedServer,
    db_url: str,
) -> None:
    items = [(f"Story {i}", f"https://riverton.example/a/{i}") for i in range(max(len(dates), 3))]
    server.route("/f.xml", Reply(200, rss(items, dates=dates or None), RSS_TYPE))
    config = make_config(f"- id: src\n  kind: feed\n  url: {server.url('/f.xml')}\n{interval_key}")
    started = datetime.now(UTC)
    assert run_pass(config, db_url)["src"].outcome == "ok"
    state = open_store(config, db_url).source("src")
    assert state is not None
    assert state.check_interval_seconds == expected
    assert state.next_check_at is not None
    delay = (state.next_check_at - started).total_seconds()
    assert expected * 0.85 <= delay <= expected * 1.15


# --- failing, unhealthy, recovering --------------------------------------------------


def test_failing_source_becomes_unhealthy_then_recovers_by_itself(
    server: FeedServer, db_url: str, tmp_path: Path
) -> None:
    state_of_site = {"up": False}

    def site(_request: object) -> Reply:
        return feed_reply() if state_of_site["up"] else Reply(500, "boom")

    server.route("/f.xml", site)
    server.route("/ok.xml", feed_reply())
    sources_block = (
        f"- id: flaky\n  kind: feed\n  url: {server.url('/f.xml')}\n  interval: 30m\n"
        f"- id: steady\n  kind: feed\n  url: {server.url('/ok.xml')}\n  interval: 30m\n"
    )
    settings = "unhealthy_after: 3\nunhealthy_interval: 12h"
    config = make_config(sources_block, settings=settings)
    clock = Clock()
    delays: list[timedelta] = []
    for _ in range(4):
        store = open_store(config, db_url, now=clock())
        due = [s.id for s in store.due_sources(now=clock())]
        assert "flaky" in due
        run_pass(config, db_url, only=["flaky"], clock=clock)
        state = store.source("flaky")
        assert state is not None
        assert state.next_check_at is not None
        delays.append(state.next_check_at - clock())
        clock.now = state.next_check_at + timedelta(seconds=1)

    assert delays[0] < delays[1] < delays[2]  # backing off
    assert all(d >= timedelta(hours=12) * 0.9 for d in delays[2:])  # unhealthy: rarely
    state = open_store(config, db_url, now=clock()).source("flaky")
    assert state is not None
    assert state.error_count == 4
    assert state.unhealthy_since is not None

    listed = _sources_list(config_path(tmp_path, sources_block, settings), db_url)
    assert listed["flaky"]["health"] == "unhealthy"
    assert "HTTP 500" in listed["flaky"]["health_note"]
    assert listed["steady"]["health"] == "new"

    state_of_site["up"] = True  # the site comes back: the next rare check succeeds
    store = open_store(config, db_url, now=clock())
    assert "flaky" in [s.id for s in store.due_sources(now=clock())]
    assert run_pass(config, db_url, only=["flaky"], clock=clock)["flaky"].new == 3
    state = store.source("flaky")
    assert state is not None
    assert (state.error_count, state.unhealthy_since, state.last_error) == (0, None, None)
    assert state.next_check_at is not None
    assert state.next_check_at - clock() <= timedelta(minutes=33)
    listed = _sources_list(config_path(tmp_path, sources_block, settings), db_url)
    assert listed["flaky"]["health"] == "ok"


def config_path(tmp_path: Path, sources_block: str, settings: str) -> Path:
    path = tmp_path / "sources.yaml"
    indented = "".join(f"  {line}\n" for line in settings.splitlines())
    body = "".join(f"  {line}\n" for line in sources_block.splitlines())
    path.write_text(
        f"settings:\n  allow_private_networks: true\n{indented}sources:\n{body}", encoding="utf-8"
    )
    return path


def _sources_list(path: Path, db_url: str) -> dict[str, dict[str, str]]:
    result = CliRunner().invoke(
        main, ["sources", "list", "--json", "--sources", str(path), "--db", db_url]
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines() if line.strip()]
    return {row["id"]: row for row in rows}


def test_sources_list_table_shows_health_at_a_glance(
    server: FeedServer, db_url: str, tmp_path: Path
) -> None:
    server.route("/gone.xml", Reply(404, "gone"))
    block = f"- id: gone\n  kind: feed\n  url: {server.url('/gone.xml')}\n"
    config = make_config(block)
    run_pass(config, db_url)
    result = CliRunner().invoke(
        main,
        ["sources", "list", "--sources", str(config_path(tmp_path, block, "")), "--db", db_url],
        env={"COLUMNS": "220"},
    )
    assert result.exit_code == 0, result.output
    assert "failing" in result.output
    assert "gone: the address is gone (not found) (HTTP 404); next try in" in result.output


def test_idle_host_gates_are_forgotten_busy_ones_kept(
    server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A long run that reaches many hosts (search feeds) does not remember them all."""
    import scraper.fetch.client

    monkeypatch.setattr(scraper.fetch.client, "MAX_HOST_GATES", 1)
    server.route("/f.xml", feed_reply())
    options = FetchOptions(allow_private=True, per_host_delay=0, respect_robots=False)

    async def go() -> list[str]:
        async with Fetcher(options) as fetcher:
            for host in ("127.0.0.1", "localhost", "127.0.0.1", "localhost"):
                await fetcher.fetch(f"http://{host}:{server.port}/f.xml")
            return sorted(fetcher._hosts)

    assert asyncio.run(go()) == ["localhost"]  # the idle 127.0.0.1 gate was dropped
    assert len(server.hits("/f.xml")) == 4
