"""Nothing blocks the event loop during a pass (issue 19).

A collection pass over real local feeds (all new, then all 304) runs under
``tests.loopwatch.LoopWatch``: no callback may hold the loop for more than
100 ms of its thread's CPU time, and no SQL statement may run on the loop's
thread (database work goes to the store's worker thread). Parsing runs in
the sandbox processes and analysis in the analysis processes, so neither
shows up here either.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from scraper.fetch.client import Fetcher
from scraper.pipeline.adapters import fetch_options
from scraper.pipeline.collector import Collector
from scraper.schedule.loop import run_due
from tests.collecting import RSS_TYPE, make_config, open_store
from tests.feedserver import FeedServer, Reply
from tests.loopwatch import LoopWatch

FEEDS = 4
ENTRIES = 60
CITIES = ("Riverton", "Lakeview", "Oakland", "Stockton", "New Haven")


def entry(feed: int, n: int, base: str) -> str:
    city = CITIES[n % len(CITIES)]
    words = " ".join(f"word{(feed * 7 + n * 13 + k) % 97}" for k in range(60))
    summary = (
        f"Officials in {city} met about Group Violence Intervention. {words}. "
        f"\u201cThe work shows where outreach teams help,\u201d said Dana Whitfield."
    )
    return (
        f"<item><title>{city} council story {feed}-{n} about {words[:40]}</title>"
        f"<link>{base}/news/{feed}/{n}.html</link>"
        f"<guid isPermaLink='false'>s-{feed}-{n}</guid>"
        f"<pubDate>Tue, 05 Mar 2024 12:{n % 60:02d}:00 GMT</pubDate>"
        f"<description>{summary}</description></item>"
    )


def serve_feeds(server: FeedServer) -> str:
    base = server.url("").rstrip("/")
    for feed in range(FEEDS):
        body = (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Feed {feed}</title><link>{base}/</link>"
            + "".join(entry(feed, n, base) for n in range(ENTRIES))
            + "</channel></rss>"
        )
        etag = f'"v-{feed}"'

        def handler(request: object, body: str = body, etag: str = etag) -> Reply:
            if getattr(request, "headers", {}).get("if-none-match") == etag:
                return Reply(304, b"", {"ETag": etag})
            return Reply(200, body, {**RSS_TYPE, "ETag": etag})

        server.route(f"/feed/{feed}.xml", handler)
    return "".join(
        f"- id: feed-{feed}\n  kind: feed\n  url: {base}/feed/{feed}.xml\n" for feed in range(FEEDS)
    )


def test_a_pass_never_holds_the_loop(server: FeedServer, db_url: str) -> None:
    config = make_config(serve_feeds(server), settings="timeout: 30\n")  # a loaded CI machine
    store = open_store(config, db_url)

    async def two_passes() -> tuple[int, int]:
        async with Fetcher(fetch_options(config)) as fetcher:
            collector = Collector(config, store, fetcher)
            first = await run_due(collector)
            due = [f"feed-{f}" for f in range(FEEDS)]
            await asyncio.to_thread(store.reset_source_checks, due, now=datetime.now(UTC))
            second = await run_due(collector)
        return sum(r.new for r in first), sum(r.outcome == "not_modified" for r in second)

    with LoopWatch() as watch:
        new, not_modified = asyncio.run(two_passes())
    assert (new, not_modified) == (FEEDS * ENTRIES, FEEDS)
    assert watch.callbacks > 100  # the watch saw the pass
    assert not watch.sql_on_loop, "SQL on the event loop's thread:\n" + "\n".join(
        watch.sql_on_loop[:5]
    )
    assert watch.worst_cpu < 0.1, watch.describe()
