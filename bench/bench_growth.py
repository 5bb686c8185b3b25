"""Growth: does ingesting one story and rendering the review queue stay flat as the store grows?

Usage::

    .venv/bin/python bench/bench_growth.py                       # 10k, 100k, 1M items
    .venv/bin/python bench/bench_growth.py --sizes 10000 100000  # a quick run
    .venv/bin/python bench/bench_growth.py --postgres URL        # on PostgreSQL (fresh schema)

The store is filled in bulk (Core ``executemany``) with invented items, each
with its URL key, a sighting and a program tag, in a realistic status mix
(55 % filtered, 30 % candidate, 10 % approved, 5 % rejected). At each size it
times, as the median of many runs:

- ``ingest``: ``Collector.ingest`` of a new feed entry (keys, lookup, analysis
  of the feed text, store; no article fetch);
- ``store new`` / ``store seen``: the database part alone: ``find_story`` +
  ``save_story`` of a new story, and ``find_story`` + ``record_sighting`` of a
  known one;
- ``queue page``: what the review desk's queue page reads on every render
  (``ReviewStore.queue`` first page of candidates + ``counts_by_status``);
- ``queue filtered``: the queue filtered by program and by free text;
- ``facets``: the filter menus (``distinct_values``; the desk caches them for
  a minute).

Flat means the 1M column is close to the 10k column.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from feedgen import PROGRAMS, story_fields
from sqlalchemy import func, insert, select

from scraper.config.schema import Config, Settings, Source
from scraper.fetch.client import Fetcher
from scraper.models import Entry
from scraper.models.stored import StoryData
from scraper.pipeline.adapters import fetch_options, source_specs
from scraper.pipeline.collector import Collector
from scraper.pipeline.wiring import open_store
from storage.queue import QueueFilter
from storage.review import ReviewStore
from storage.store import Store
from storage.tables import ItemKeyRow, ItemRow, ItemTagRow, SightingRow

BASE = "https://growth.example.org"
START = datetime(2024, 1, 1, tzinfo=UTC)
BATCH = 20_000  # rows per executemany
STATUSES = ["filtered"] * 11 + ["candidate"] * 6 + ["approved"] * 2 + ["rejected"]


def fill(store: Store, start: int, stop: int) -> None:
    """Items ``start .. stop-1``, with their key, sighting and tag rows."""
    with store.engine.connect() as connection:
        last = int(connection.scalar(select(func.max(ItemRow.id))) or 0)
    for first in range(start, stop, BATCH):
        numbers = range(first, min(stop, first + BATCH))
        items, keys, sightings, tags = [], [], [], []
        for n in numbers:
            f = story_fields(n)
            seen = START + timedelta(seconds=30 * n)
            url = f"{BASE}/news/{n}/story.html"
            items.append(
                {
                    "id": last + 1 + n - start,
                    "url": url,
                    "canonical_url": url,
                    "url_key": url.removeprefix("https://"),
                    "outlet": f"Outlet {n % 400}",
                    "headline": f["title"],
                    "published_at": seen,
                    "summary": f["description"],
                    "excerpt": f["description"][:200],
                    "status": STATUSES[n % len(STATUSES)],
                    "programs": [PROGRAMS[n % len(PROGRAMS)]],
                    "first_seen_at": seen,
                    "last_seen_at": seen,
                    "updated_at": seen,
                }
            )
            keys.append(
                {
                    "item_id": last + 1 + n - start,
                    "kind": "url",
                    "value": url.removeprefix("https://"),
                }
            )
            sightings.append(
                {
                    "item_id": last + 1 + n - start,
                    "source_id": f"feed-{n % 1000}",
                    "url": url,
                    "first_seen_at": seen,
                    "last_seen_at": seen,
                    "times": 1,
                }
            )
            tags.append(
                {
                    "item_id": last + 1 + n - start,
                    "kind": "program",
                    "value": PROGRAMS[n % len(PROGRAMS)],
                }
            )
        with store.engine.begin() as connection:
            connection.execute(insert(ItemRow), items)
            connection.execute(insert(ItemKeyRow), keys)
            connection.execute(insert(SightingRow), sightings)
            connection.execute(insert(ItemTagRow), tags)
    if store.dialect == "postgresql":
        with store.engine.begin() as connection:
            connection.exec_driver_sql(
                "SELECT setval(pg_get_serial_sequence('items', 'id'), (SELECT max(id) FROM items))"
            )
            connection.exec_driver_sql("ANALYZE")
    else:
        with store.engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")


def median_ms(action: Callable[[int], object], runs: int) -> float:
    times = []
    for run in range(runs):
        started = time.perf_counter()
        action(run)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


async def median_ms_async(action: Callable[[int], Awaitable[object]], runs: int) -> float:
    times = []
    for run in range(runs):
        started = time.perf_counter()
        await action(run)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def story(n: int) -> StoryData:
    url = f"{BASE}/fresh/{n}/story.html"
    return StoryData(
        url=url,
        canonical_url=url,
        url_key=url.removeprefix("https://"),
        keys=(("url", url.removeprefix("https://")),),
        title_key=None,
        outlet="Outlet 1",
        headline=story_fields(n)["title"],
        published_at=START,
    )


async def measure(store: Store, collector: Collector, size: int, tag: int) -> dict[str, float]:
    review = ReviewStore(store)
    source = store.source("feed-0")
    assert source is not None
    now = datetime.now(UTC)
    offset = 10_000_000 * (tag + 1)  # new stories per size never collide

    async def ingest(run: int) -> None:
        n = offset + run
        f = story_fields(n)
        entry = Entry(
            url=f"{BASE}/ingest/{n}/story.html",
            title=f["title"],
            published=START,
            summary=f["description"],
            guid=f"ingest-{n}",
        )
        outcome, _id, _pages = await collector.ingest(entry, source=source, may_fetch=False)
        assert outcome == "new"

    def store_new(run: int) -> None:
        data = story(offset + 500_000 + run)
        assert store.find_story(data.keys) is None
        store.save_story(data, source_id="feed-0", seen_url=data.url, now=now)

    def store_seen(run: int) -> None:
        n = (run * 7919) % size
        url = f"{BASE}/news/{n}/story.html"
        keys = (("url", url.removeprefix("https://")),)
        found = store.find_story(keys)
        assert found is not None
        store.record_sighting(found, source_id="feed-1", url=url, keys=keys, now=now)

    def queue_page(_run: int) -> None:
        page = review.queue(QueueFilter(), page=1, per_page=25)
        assert len(page.items) == 25
        review.counts_by_status()

    def queue_filtered(run: int) -> None:
        review.queue(QueueFilter(program=PROGRAMS[run % 3]), page=1, per_page=25)
        review.queue(QueueFilter(text="council"), page=1, per_page=25)

    return {
        "ingest": await median_ms_async(ingest, 100),
        "store new": median_ms(store_new, 200),
        "store seen": median_ms(store_seen, 200),
        "queue page": median_ms(queue_page, 15),
        "queue filtered": median_ms(queue_filtered, 5),
        "facets": median_ms(lambda _run: review.distinct_values(), 3),
    }


@contextlib.contextmanager
def database(postgres: str | None) -> Iterator[str]:
    if postgres is None:
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{tmp}/growth.db"
        return
    from tests.pg import fresh_schema

    with fresh_schema(postgres) as url:
        yield url


async def run(sizes: list[int], postgres: str | None) -> None:
    settings = Settings(fetch_articles=False)
    sources = [Source(id=f"feed-{i}", kind="feed", url=f"{BASE}/feed/{i}.xml") for i in range(2)]
    config = Config(settings=settings, sources=sources)
    results: dict[int, dict[str, float]] = {}
    with database(postgres) as url:
        store = open_store(url)
        store.sync_sources(source_specs(config), now=datetime.now(UTC))
        async with Fetcher(fetch_options(config)) as fetcher:
            collector = Collector(config, store, fetcher)
            await collector.ingest(  # load the analysis vocabularies before timing
                Entry(url=f"{BASE}/warm", title="Warm up"), source=store.sources()[0]
            )
            filled = 0
            for tag, size in enumerate(sorted(sizes)):
                started = time.perf_counter()
                fill(store, filled, size)
                filled = size
                print(
                    f"filled to {size:,} items in {time.perf_counter() - started:.0f} s", flush=True
                )
                results[size] = await measure(store, collector, size, tag)
        print(f"\ndatabase: {store.dialect}; median milliseconds per operation\n")
        names = list(next(iter(results.values())))
        print(f"{'operation':<16}" + "".join(f"{size:>12,}" for size in sorted(results)))
        for name in names:
            row = "".join(f"{results[size][name]:12.2f}" for size in sorted(results))
            print(f"{name:<16}{row}")
        store.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--postgres", metavar="URL", help="run on this PostgreSQL server")
    args = parser.parse_args()
    asyncio.run(run(args.sizes, args.postgres))


if __name__ == "__main__":
    main()
