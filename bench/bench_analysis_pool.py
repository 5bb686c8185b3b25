"""Analysis throughput with 1 and with N worker processes (``scraper.pipeline.analysis_pool``).

Usage::

    .venv/bin/python bench/bench_analysis_pool.py                # 2,000 stories, 1 and 2 workers
    .venv/bin/python bench/bench_analysis_pool.py --stories 500 --workers 1 2 4

The stories are ``bench/feedgen.py`` entries with an invented article page
each (a few paragraphs naming programs, places and speakers), analysed as a
pass does it: ``analyse_batch`` (analysis, stored form, near-duplicate
fingerprint) in chunks of ``batch_ingest.CHUNK``, all chunks submitted at
once. Each pool is warmed first (every worker has loaded its vocabularies),
so the figure is steady-state throughput. With two cores, two workers should
give close to twice the stories a second of one; on a shared machine compare
the ratio, not the absolute figures, and note the load average printed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from feedgen import story_fields  # noqa: E402

from scraper.config.schema import Config  # noqa: E402
from scraper.models import Entry  # noqa: E402
from scraper.pipeline.analysis_pool import Job, analyse_batch, analysis_config  # noqa: E402
from scraper.pipeline.batch_ingest import CHUNK  # noqa: E402
from scraper.sources.sandbox import Sandbox  # noqa: E402

NOW = datetime(2024, 3, 5, tzinfo=UTC)


def page(n: int) -> bytes:
    f = story_fields(n)
    paragraphs = "".join(
        f"<p>{f['description']} The meeting was number {n + k} this year, and residents of "
        f"the neighborhood asked about the budget, the schedule and the outreach workers.</p>"
        for k in range(6)
    )
    return (
        f"<html><head><title>{f['title']}</title></head><body><article><h1>{f['title']}</h1>"
        f"<p class='byline'>By {f['author']}</p>{paragraphs}</article></body></html>"
    ).encode()


def jobs(count: int) -> list[Job]:
    out = []
    for n in range(count):
        f = story_fields(n)
        url = f"https://bench.example/news/{n}.html"
        entry = Entry(url=url, title=f["title"], summary=f["description"], author=f["author"])
        out.append(Job(entry, url, "bench", "Bench Ledger", None, page(n)))
    return out


async def throughput(workers: int, todo: list[Job], config: Config) -> float:
    pool = Sandbox(workers=workers, time_limit=600, task="analysis")
    try:
        warm = [analyse_batch for _ in range(workers)]
        await asyncio.gather(*(pool.run(fn, config, todo[:2], NOW) for fn in warm))
        chunks = [todo[i : i + CHUNK] for i in range(0, len(todo), CHUNK)]
        started = time.perf_counter()
        done = await asyncio.gather(*(pool.run(analyse_batch, config, c, NOW) for c in chunks))
        seconds = time.perf_counter() - started
        assert sum(len(d) for d in done) == len(todo)
        return len(todo) / seconds
    finally:
        pool.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stories", type=int, default=2000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    config = analysis_config(Config())
    todo = jobs(args.stories)
    print(f"{args.stories:,} stories with pages; {os.cpu_count()} CPUs")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    first: float | None = None
    for workers in args.workers:
        rate = asyncio.run(throughput(workers, todo, config))
        first = first or rate
        print(
            f"{workers} worker(s): {rate:8.1f} stories/s  {1000 / rate:6.2f} ms a story  "
            f"x{rate / first:.2f}",
            flush=True,
        )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
