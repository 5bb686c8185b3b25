"""Four ``clippings run`` processes on one PostgreSQL database share the work.

One local feed server serves feeds whose stories overlap (each story is in
two feeds), slowly, so the collectors really run side by side. Checked on the
server side: every feed was fetched exactly once and never by two collectors
at once; in the database: every story is stored exactly once, with a
sighting from each feed that carries it.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from scraper.pipeline.wiring import open_store
from tests.conftest import write_sources
from tests.feedserver import FeedServer, Reply, Request
from tests.pg import SKIP_REASON, fresh_schema, server_url

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[1]
FEEDS = 24
PER_FEED = 10
STEP = 5  # feed i carries stories i*STEP .. i*STEP+PER_FEED-1: each story is in two feeds
COLLECTORS = 4
SLOW = 0.3  # seconds each feed takes to answer


@pytest.fixture
def pg_url() -> Iterator[str]:
    base = server_url()
    if base is None:
        pytest.skip(SKIP_REASON)
    with fresh_schema(base) as url:
        yield url


def stories_of(feed: int) -> range:
    return range(feed * STEP, feed * STEP + PER_FEED)


def rss(feed: int, base: str) -> str:
    items = "".join(
        f"<item><title>Invented story {n} about the Riverton call-in</title>"
        f"<link>{base}/story/{n}?utm_source=feed{feed}</link>"
        f"<pubDate>Tue, 05 Mar 2024 14:{n % 60:02d}:00 GMT</pubDate>"
        f"<description>Outreach workers met {n} families.</description></item>"
        for n in stories_of(feed)
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel>'
        f"<title>Feed {feed}</title><link>{base}/</link>{items}</channel></rss>"
    )


class Watch:
    """Per-feed request counts and the most requests to one feed in flight at once."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.in_flight: Counter[str] = Counter()
        self.most: Counter[str] = Counter()
        self.hits: Counter[str] = Counter()

    def handler(self, body: str) -> object:
        def handle(request: Request) -> Reply:
            with self.lock:
                self.hits[request.path] += 1
                self.in_flight[request.path] += 1
                self.most[request.path] = max(self.most[request.path], self.in_flight[request.path])
            time.sleep(SLOW)  # inside the count: overlap would show
            with self.lock:
                self.in_flight[request.path] -= 1
            return Reply(200, body, {"Content-Type": "application/rss+xml; charset=utf-8"})

        return handle


def test_four_collectors_share_one_postgres(
    server: FeedServer, pg_url: str, tmp_path: Path
) -> None:
    base = server.url("").rstrip("/")
    watch = Watch()
    for feed in range(FEEDS):
        server.route(f"/feed/{feed}.xml", watch.handler(rss(feed, base)))  # type: ignore[arg-type]
    block = "".join(
        f"- id: feed-{feed:02d}\n  kind: feed\n  url: {base}/feed/{feed}.xml\n  interval: 1h\n"
        for feed in range(FEEDS)
    )
    sources = write_sources(
        tmp_path,
        block,
        extra_settings="fetch_articles: false\nconcurrency: 2\nper_host_concurrency: 2\n",
    )
    # The schema exists before the collectors start: they race on data, not on migrations.
    store = open_store(pg_url)

    command = [sys.executable, "-m", "scraper", "-v", "run", "--tick", "1"]
    command += ["--sources", str(sources), "--db", pg_url]
    logs = [(tmp_path / f"collector-{i}.log").open("w+") for i in range(COLLECTORS)]
    processes = [
        subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log) for log in logs
    ]
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            states = store.sources()
            if len(states) == FEEDS and all(s.last_checked_at for s in states):
                break
            time.sleep(0.2)
        time.sleep(1.5)  # a second tick of every collector finds nothing left to do
    finally:
        for process in processes:
            process.send_signal(signal.SIGINT)
        codes = [process.wait(timeout=30) for process in processes]
    output = []
    for log in logs:
        log.seek(0)
        output.append(log.read())
        log.close()

    assert codes == [0] * COLLECTORS, output
    assert all(s.last_checked_at for s in store.sources()), "not every feed was collected"
    # server side: each feed fetched once, never by two collectors at the same time
    assert sorted(watch.hits.values()) == [1] * FEEDS, watch.hits
    assert max(watch.most.values()) == 1
    # the work was shared
    done = [sum(int(n) for n in re.findall(r"pass done: (\d+) source", text)) for text in output]
    assert sum(done) == FEEDS, done
    assert sum(1 for n in done if n > 0) >= 2, done
    # database side: every story exactly once, seen through both of its feeds
    items = store.items()
    expected = {n for feed in range(FEEDS) for n in stories_of(feed)}
    assert len(items) == len(expected)
    assert sorted(int(item["url"].rsplit("/", 1)[1]) for item in items) == sorted(expected)
    for item in items:
        n = int(item["url"].rsplit("/", 1)[1])
        carriers = {f"feed-{f:02d}" for f in range(FEEDS) if n in stories_of(f)}
        assert set(item["sources"]) == carriers, item["url"]
