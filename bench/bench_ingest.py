"""Ingest throughput: items/s through parse, dedup, matching and store, against feedparser alone.

Usage::

    .venv/bin/python bench/bench_ingest.py [--feeds 40] [--db URL]

The same feed bytes (``bench/feedgen.py``: 50 invented stories per feed) go
through:

1. ``feedparser.parse`` alone: the floor nothing built on feedparser can beat;
2. ``scraper.sources.parse.parse_feed`` as the pipeline runs it (in the parse sandbox's
   worker processes);
3. the whole ingest of a new story: parse (2), then per entry ``Collector.ingest``
   (canonical URL, identity keys, lookup, analysis of the feed text: quotes,
   programs, cities, relevance; and the store), article fetching off;
4. the same entries again: every story already stored (lookup + sighting);
5. the analysis stage of (3) alone, to show where the time goes;
6. (3) on other feeds of the same size with the analysis stage replaced by a
   stub (the entry's own title and summary): parse, dedup and store only.

Entries go through ``Collector.ingest_entries`` as a collection pass runs them
(one lookup for the whole feed, known stories' sightings in one transaction,
each new story in one transaction).

Target: (3) at least 50 % of (1). The database is a fresh SQLite file in a
temporary folder unless ``--db`` names another (it must be empty).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import feedparser
from feedgen import rss

from scraper.config.schema import Config, Settings, Source
from scraper.fetch.client import Fetcher
from scraper.models import Analysis, Entry
from scraper.pipeline import entries as pipeline
from scraper.pipeline.adapters import fetch_options, source_specs
from scraper.pipeline.collector import Collector, SourceReport
from scraper.pipeline.wiring import open_store
from scraper.sources.parse import ParsedFeed, parse_feed
from scraper.understand.analyze import analyze, article_from_entry

BASE = "https://bench.example.org"
ENTRIES = 50


def stub_analysis(*, url: str, entry: Entry, outlet: str | None, **_: object) -> Analysis:
    """What the pipeline stores when analysis fails: the entry's own fields, not relevant."""
    return Analysis(
        article=article_from_entry(entry, url=url, outlet=outlet),
        excerpt=entry.summary or "",
        relevant=False,
        relevance_reason="bench: analysis stubbed",
    )


def bench_config(feeds: int) -> Config:
    settings = Settings(fetch_articles=False, allow_private_networks=True)
    sources = [
        Source(id=f"feed-{i}", kind="feed", url=f"{BASE}/feed/{i}.xml") for i in range(feeds)
    ]
    return Config(settings=settings, sources=sources)


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:10,.0f} items/s  ({seconds:6.2f} s for {count:,})"


async def run(feeds: int, db_url: str) -> None:
    bodies = [rss(i, base=BASE, entries=ENTRIES) for i in range(feeds)]
    total = feeds * ENTRIES
    print(f"{feeds} feeds x {ENTRIES} entries = {total:,} items, {sum(map(len, bodies)):,} bytes")

    started = time.perf_counter()
    count = sum(len(feedparser.parse(body)["entries"]) for body in bodies)
    floor = time.perf_counter() - started
    assert count == total
    print(f"1. feedparser alone          {rate(total, floor)}")

    config = bench_config(2 * feeds)  # the second half for (6)
    store = open_store(db_url)
    store.sync_sources(source_specs(config), now=datetime.now(UTC))
    states = {s.id: s for s in store.sources()}
    async with Fetcher(fetch_options(config)) as fetcher:
        collector = Collector(config, store, fetcher)
        sandbox = collector.sandbox
        await sandbox.run(parse_feed, bodies[0], url=f"{BASE}/feed/0.xml")  # start the workers

        started = time.perf_counter()
        parsed: list[ParsedFeed] = []
        for i, body in enumerate(bodies):
            parsed.append(await sandbox.run(parse_feed, body, url=f"{BASE}/feed/{i}.xml"))
        parse_seconds = time.perf_counter() - started
        print(f"2. parse_feed (sandboxed)    {rate(total, parse_seconds)}")

        async def ingest_all(first: int = 0) -> tuple[int, int]:
            new = seen = 0
            for i in range(first, first + feeds):
                body = bodies[i - first] if first == 0 else rss(i, base=BASE, entries=ENTRIES)
                feed = await sandbox.run(parse_feed, body, url=f"{BASE}/feed/{i}.xml")
                report = SourceReport(f"feed-{i}")
                await collector.ingest_entries(
                    feed.entries, source=states[f"feed-{i}"], report=report
                )
                new += report.new
                seen += report.seen
            return new, seen

        warm = parsed[0].entries[0]  # the analysis vocabularies load on first use (~2 s)
        analyze(url=warm.url, config=config, entry=warm, outlet=None)
        started = time.perf_counter()
        new, _seen = await ingest_all()
        ingest = time.perf_counter() - started
        assert new == total, f"{new} new of {total}"
        print(f"3. full ingest, all new      {rate(total, ingest)}")

        started = time.perf_counter()
        _new, seen = await ingest_all()
        again = time.perf_counter() - started
        assert seen == total, f"{seen} seen of {total}"
        print(f"4. full ingest, all seen     {rate(total, again)}")
        entries = [entry for feed in parsed for entry in feed.entries]
        started = time.perf_counter()
        for entry in entries:
            analyze(url=entry.url, config=config, entry=entry, outlet=None)
        alone = time.perf_counter() - started
        print(f"5. analysis alone (of 3)     {rate(total, alone)}")

        real = vars(pipeline)["analyze"]
        setattr(pipeline, "analyze", stub_analysis)  # noqa: B010 (patched for (6) only)
        try:
            started = time.perf_counter()
            new, _seen = await ingest_all(feeds)
            stubbed = time.perf_counter() - started
        finally:
            setattr(pipeline, "analyze", real)  # noqa: B010
        assert new == total, f"{new} new of {total}"
        print(f"6. full ingest, no analysis  {rate(total, stubbed)}")
    share = floor / ingest
    verdict = "meets" if share >= 0.5 else "misses"
    print(f"\nnew-item ingest runs at {share:.0%} of feedparser-alone ({verdict} the 50 % target)")
    print(f"without the analysis stage: {floor / stubbed:.0%}; analysis alone: {floor / alone:.0%}")
    print(f"database: {store.engine.url.render_as_string()} ({store.dialect})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=40, help="feeds of 50 entries (default 40)")
    parser.add_argument("--db", help="an empty database URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(run(args.feeds, args.db or f"sqlite:///{tmp}/bench.db"))


if __name__ == "__main__":
    main()
