"""Faults a real site can throw at the collector, each against the real local server.

Every case runs one collection pass over two sources on the same server: the
faulty one (``bad``) and a healthy neighbour (``good``). Each case must end as a
recorded error with a readable reason, or as a sensible result; the neighbour
is always collected in full, and the pass always finishes in bounded time.
"""

from __future__ import annotations

import functools
import gzip
import resource
import time
import tracemalloc
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import brotli
import pytest
from sqlalchemy import func, select

from scraper.fetch.netguard import IPAddress, is_public_address
from scraper.pipeline.collector import SourceReport
from storage.store import Store
from storage.tables import ItemKeyRow
from tests.collecting import RSS_TYPE, make_config, open_store, rss, run_pass
from tests.feedserver import FeedServer, Reply, Request, chunks

GOOD_ITEMS = [(f"Good story {i}", f"https://riverton.example/good/{i}") for i in range(3)]
BAD_ITEMS = [(f"Bad source story {i}", f"https://harbor.example/s/{i}") for i in range(3)]
CAP = 1_000_000  # bytes, max_body_bytes of these tests
BOMB = 100_000_000  # bytes of zeros inside each bomb (100x the cap)


@functools.cache
def gzip_bomb() -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"\0" * 1_000_000
    out = [compressor.compress(block) for _ in range(BOMB // len(block))]
    return b"".join(out) + compressor.flush()


@functools.cache
def brotli_bomb() -> bytes:
    compressor = brotli.Compressor(quality=5)
    block = b"\0" * 1_000_000
    out = [compressor.process(block) for _ in range(BOMB // len(block))]
    return b"".join(out) + bytes(compressor.finish())


def feed_bytes(text: str, encoding: str, *, bom: bytes = b"") -> bytes:
    return bom + text.encode(encoding)


CAFE_FEED = rss([("Café owners back the ceasefire plan", "https://harbor.example/cafe")])


def _stored(store: Store) -> list[dict[str, object]]:
    return [i for i in store.items() if "harbor.example" in str(i["url"])]


def expect_titles(*needles: str) -> Callable[[SourceReport, Store], None]:
    def check(report: SourceReport, store: Store) -> None:
        headlines = [str(i["headline"]) for i in _stored(store)]
        assert report.new == len(headlines) >= 1
        for needle in needles:
            assert any(needle in h for h in headlines), headlines

    return check


def expect_undated(report: SourceReport, store: Store) -> None:
    items = _stored(store)
    assert report.new == len(items) == 3
    assert all(i["published"] is None for i in items)


def expect_capped_entries(report: SourceReport, store: Store) -> None:
    assert report.entries == 500
    assert report.warning is not None
    assert "first 500 of 10,000" in report.warning
    assert len(_stored(store)) == 500


@dataclass(frozen=True)
class Fault:
    reply: Callable[[FeedServer], Callable[[Request], Reply]]
    error: str | None = None  # substring of the recorded error; None: the source succeeds
    check: Callable[[SourceReport, Store], None] | None = None
    settings: str = ""
    private_guard: bool = False  # allow_private_networks off; only 127.0.0.1 by IP is reachable
    max_seconds: float = 12.0


def fixed(reply: Reply) -> Callable[[FeedServer], Callable[[Request], Reply]]:
    return lambda _server: lambda _request: reply


def redirect(to: Callable[[FeedServer], str]) -> Callable[[FeedServer], Callable[[Request], Reply]]:
    return lambda server: lambda _request: Reply(302, "", {"Location": to(server)})


def ten_thousand() -> str:
    items = [(f"Numbered story {i}", f"https://harbor.example/n/{i}") for i in range(10_000)]
    return rss(items)


def in_days(days: int) -> datetime:
    return datetime.now(UTC) + timedelta(days=days)


FAULTS = {
    "never answers": Fault(fixed(Reply(200, rss(BAD_ITEMS), RSS_TYPE, delay=8)), "timed out"),
    "one byte per second": Fault(
        fixed(Reply(200, rss(BAD_ITEMS), RSS_TYPE, trickle=1.0)), "timed out"
    ),
    "reset mid-body": Fault(
        fixed(Reply(200, rss(BAD_ITEMS), RSS_TYPE, reset_after=60)), "connection broken"
    ),
    "body far beyond the cap, streamed": Fault(
        fixed(Reply(200, b"", RSS_TYPE, stream=chunks(50 * CAP))), "cap"
    ),
    "body beyond the cap, declared": Fault(
        fixed(Reply(200, b"x" * (2 * CAP), RSS_TYPE)), "over the 1,000,000-byte cap"
    ),
    "gzip bomb": Fault(
        lambda _s: lambda _r: Reply(200, gzip_bomb(), {**RSS_TYPE, "Content-Encoding": "gzip"}),
        "cap",
    ),
    "brotli bomb": Fault(
        lambda _s: lambda _r: Reply(200, brotli_bomb(), {**RSS_TYPE, "Content-Encoding": "br"}),
        "cap",
    ),
    "garbage gzip": Fault(
        fixed(Reply(200, b"\x1f\x8bnot gzip at all", {**RSS_TYPE, "Content-Encoding": "gzip"})),
        "could not decode",
    ),
    "redirect loop": Fault(
        lambda server: (
            lambda request: Reply(
                302, "", {"Location": "/bad2" if request.path == "/bad" else "/bad"}
            )
        ),
        "redirect loop",
    ),
    "redirect to a private address": Fault(
        redirect(lambda server: f"http://localhost:{server.port}/good.xml"),
        "non-public address",
        private_guard=True,
    ),
    "redirect to the metadata address": Fault(
        redirect(lambda _server: "http://169.254.169.254/latest/meta-data/"),
        "non-public address",
        private_guard=True,
    ),
    "304 without having the resource": Fault(fixed(Reply(304, b"")), "not conditional"),
    "200 with an HTML error page": Fault(
        fixed(
            Reply(
                200,
                "<!doctype html><html><head><title>Temporarily down</title></head>"
                "<body><h1>We'll be back</h1></body></html>",
                {"Content-Type": "text/html; charset=utf-8"},
            )
        ),
        "expected a feed but got an HTML page titled 'Temporarily down'",
    ),
    "wrong charset declared": Fault(
        fixed(
            Reply(
                200,
                feed_bytes(CAFE_FEED.replace('encoding="utf-8"', ""), "cp1252"),
                {"Content-Type": "application/rss+xml; charset=utf-8"},
            )
        ),
        check=expect_titles("owners back the ceasefire plan"),
    ),
    "no charset anywhere": Fault(
        fixed(
            Reply(
                200,
                feed_bytes(CAFE_FEED.replace(' encoding="utf-8"', ""), "latin-1"),
                {"Content-Type": "application/rss+xml"},
            )
        ),
        check=expect_titles("owners back the ceasefire plan"),
    ),
    "utf-8 byte order mark": Fault(
        fixed(Reply(200, feed_bytes(CAFE_FEED, "utf-8", bom=b"\xef\xbb\xbf"), RSS_TYPE)),
        check=expect_titles("Café owners"),
    ),
    "utf-16 with byte order mark": Fault(
        fixed(
            Reply(
                200,
                feed_bytes(CAFE_FEED.replace('encoding="utf-8"', 'encoding="utf-16"'), "utf-16"),
                {"Content-Type": "application/rss+xml"},
            )
        ),
        check=expect_titles("Café owners"),
    ),
    "dates in the future": Fault(
        fixed(Reply(200, rss(BAD_ITEMS, dates=[in_days(400)] * 3), RSS_TYPE)),
        check=expect_undated,
    ),
    "dates in a wrong format": Fault(
        fixed(
            Reply(
                200,
                rss(BAD_ITEMS).replace(
                    "<description>", "<pubDate>next Tuesday, quarter past</pubDate><description>"
                ),
                RSS_TYPE,
            )
        ),
        check=expect_undated,
    ),
    "no dates at all": Fault(fixed(Reply(200, rss(BAD_ITEMS), RSS_TYPE)), check=expect_undated),
    "ten thousand entries": Fault(
        lambda _s: lambda _r: Reply(200, ten_thousand(), RSS_TYPE),
        check=expect_capped_entries,
        settings="max_body_bytes: 5000000\n",
        max_seconds=40.0,
    ),
}


def loopback_by_ip_only(host: str, address: IPAddress) -> bool:
    """The first hop may reach 127.0.0.1 by IP; everything else follows the real rule."""
    return host == "127.0.0.1" or is_public_address(address)


def two_sources(server: FeedServer) -> str:
    return (
        f"- id: good\n  kind: feed\n  url: {server.url('/good.xml')}\n"
        f"- id: bad\n  kind: feed\n  url: {server.url('/bad')}\n"
    )


@pytest.mark.parametrize("fault", FAULTS.values(), ids=FAULTS.keys())
def test_fault_is_contained(fault: Fault, server: FeedServer, db_url: str) -> None:
    server.route("/good.xml", Reply(200, rss(GOOD_ITEMS), RSS_TYPE))
    handler = fault.reply(server)
    server.route("/bad", handler)
    server.route("/bad2", handler)
    settings = fault.settings + ("allow_private_networks: false\n" if fault.private_guard else "")
    config = make_config(two_sources(server), settings=settings)
    started = time.monotonic()
    reports = run_pass(
        config, db_url, address_policy=loopback_by_ip_only if fault.private_guard else None
    )
    elapsed = time.monotonic() - started

    good, bad = reports["good"], reports["bad"]
    assert (good.outcome, good.new) == ("ok", 3), good.error
    assert elapsed < fault.max_seconds
    store = open_store(config, db_url)
    state = store.source("bad")
    assert state is not None
    if fault.error is None:
        assert bad.outcome == "ok", bad.error
        assert state.error_count == 0
        assert fault.check is not None
        fault.check(bad, store)
    else:
        assert bad.outcome == "error"
        assert bad.error is not None
        assert fault.error in bad.error
        assert state.error_count == 1
        assert state.last_error == bad.error
        assert store.fetches("bad")[0]["error"] == bad.error
        assert state.next_check_at is not None
        assert state.next_check_at > datetime.now(UTC)
        assert not _stored(store)


def test_changing_guids_add_nothing_on_the_next_fetch(server: FeedServer, db_url: str) -> None:
    fetches = iter(range(1000))

    def fresh_guids(_request: Request) -> Reply:
        n = next(fetches)
        return Reply(200, rss(BAD_ITEMS, guids=[f"guid-{n}-{i}" for i in range(3)]), RSS_TYPE)

    server.route("/good.xml", Reply(200, rss(GOOD_ITEMS), RSS_TYPE))
    server.route("/bad", fresh_guids)
    config = make_config(two_sources(server))
    passes = [run_pass(config, db_url) for _ in range(6)]

    assert [p["bad"].new for p in passes] == [3, 0, 0, 0, 0, 0]
    assert [p["bad"].seen for p in passes[1:]] == [3] * 5
    store = open_store(config, db_url)
    assert len(_stored(store)) == 3
    with store.session() as session:
        guid_keys = session.scalar(
            select(func.count(ItemKeyRow.id)).where(ItemKeyRow.kind == "guid")
        )
    assert guid_keys is not None
    assert guid_keys <= 3 * 3


def _max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


BIG = ["body far beyond the cap, streamed", "gzip bomb", "brotli bomb"]


def test_memory_stays_bounded_through_bombs_and_huge_bodies(
    server: FeedServer, db_url: str
) -> None:
    gzip_bomb(), brotli_bomb()  # built before measuring
    server.route("/good.xml", Reply(200, rss(GOOD_ITEMS), RSS_TYPE))
    sources = f"- id: good\n  kind: feed\n  url: {server.url('/good.xml')}\n"
    for n, name in enumerate(BIG):
        server.route(f"/bad{n}", FAULTS[name].reply(server))
        sources += f"- id: bad{n}\n  kind: feed\n  url: {server.url(f'/bad{n}')}\n"
    config = make_config(sources)
    rss_before = _max_rss_mb()
    tracemalloc.start()
    try:
        reports = run_pass(config, db_url)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert reports["good"].new == 3
    assert all(reports[f"bad{n}"].outcome == "error" for n in range(len(BIG)))
    # Three bodies of 50-100 MB each were refused; what was held stays near the cap.
    assert peak < 40 * CAP, f"peak {peak / 1e6:.1f} MB"
    assert _max_rss_mb() - rss_before < 150, "resident memory grew by more than 150 MB"


@pytest.mark.parametrize(
    ("bomb", "expand"),
    [(gzip_bomb, gzip.decompress), (brotli_bomb, brotli.decompress)],
    ids=["gzip", "brotli"],
)
def test_the_bombs_are_real(bomb: Callable[[], bytes], expand: Callable[[bytes], bytes]) -> None:
    """Each bomb is far smaller than what it expands to (so the fault cases test something)."""
    assert len(bomb()) * 50 < BOMB
    assert len(expand(bomb())) == BOMB
