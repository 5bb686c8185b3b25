"""Publishing figures: build time, site size, per-request cost and 304s for N approved items.

    .venv/bin/python bench/bench_publish.py [N ...]     (default: 200 2000)

Invented stories in a temporary SQLite database; prints one block per N.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from starlette.applications import Starlette

from scraper.config.schema import Config
from scraper.models.stored import StoryData
from scraper.pipeline.wiring import open_store
from scraper.publish.export import SiteExporter
from scraper.publish.publisher import Publisher
from scraper.publish.web import public_routes
from storage.publishing import approve_items, public_fingerprint
from storage.store import Store

PROGRAMS = ["Group Violence Intervention", "Project Safe Neighborhoods", "Reconciliation"]
CITIES = [f"Town {n}, PA" for n in range(40)]
NOW = datetime(2024, 3, 5, tzinfo=UTC)


def fill(store: Store, count: int) -> None:
    ids = []
    for n in range(count):
        url = f"https://paper{n % 30}.example.com/story/{n}"
        story = StoryData(
            url=url,
            canonical_url=url,
            url_key=url,
            keys=(("url", url),),
            title_key=None,
            outlet=f"Paper {n % 30}",
            headline=f"Story {n}: outreach workers meet families in the evening",
            published_at=NOW - timedelta(hours=n),
            excerpt=f"“We keep showing up for every family,” said worker number {n}.",
            text="Invented article text. " * 200,
            programs=[PROGRAMS[n % 3]],
            cities=[CITIES[n % 40], CITIES[(n * 7) % 40]],
        )
        ids.append(store.save_story(story, source_id="bench", seen_url=url, now=NOW)[1])
    approve_items(store, ids, now=NOW)


def timed(function: object, repeat: int = 20) -> float:
    """Median milliseconds of ``function()``."""
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()  # type: ignore[operator]
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


async def requests(config: Config, store: Store) -> tuple[float, float]:
    app = Starlette(routes=public_routes(config, store))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        first = await client.get("/feeds/all.atom")  # builds the site
        etag = first.headers["etag"]
        full, cached = [], []
        for _ in range(50):
            started = time.perf_counter()
            await client.get("/news/")
            full.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            answer = await client.get("/feeds/all.atom", headers={"If-None-Match": etag})
            cached.append((time.perf_counter() - started) * 1000)
            assert answer.status_code == 304
    return statistics.median(full), statistics.median(cached)


def main(sizes: list[int]) -> None:
    config = Config()
    for size in sizes:
        with tempfile.TemporaryDirectory() as folder:
            store = open_store(f"sqlite:///{folder}/bench.db")
            fill(store, size)
            started = time.perf_counter()
            build = Publisher(config, store).current()
            build_s = time.perf_counter() - started
            site = build.site
            total = sum(len(r.body) for r in site.files.values())
            fingerprint_ms = timed(lambda store=store: public_fingerprint(store))
            started = time.perf_counter()
            SiteExporter(config, store, Path(folder) / "site").export()
            export_s = time.perf_counter() - started
            page_ms, not_modified_ms = asyncio.run(requests(config, store))
            print(f"{size} approved items")
            print(f"  build (load, render, mark published): {build_s:.2f} s")
            print(f"  site: {len(site.files)} files, {total / 1e6:.1f} MB")
            print(f"  fingerprint check per request: {fingerprint_ms:.1f} ms")
            print(f"  clippings publish (build + write + swap): {export_s:.2f} s")
            print(
                f"  GET /news/ (site built): {page_ms:.1f} ms; 304 for a feed: {not_modified_ms:.1f} ms"
            )


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [200, 2000])
