"""Poll cycle: one full collection pass over N feeds, against a bare httpx loop.

Usage::

    .venv/bin/python bench/bench_poll.py                      # N = 1,000 5,000 20,000
    .venv/bin/python bench/bench_poll.py --sizes 200 1000     # a quick run
    .venv/bin/python bench/bench_poll.py --new-sizes 1000     # all-new pass only at these N

A local server in its own process (``bench/feedserver_fast.py``) serves N
feeds of 50 invented entries. For each N, each measurement runs in a fresh
process of its own, so its peak memory is its own:

- ``baseline 200`` / ``baseline 304``: a minimal httpx loop, the same
  concurrency, nothing else (GET and read the body; or GET with
  ``If-None-Match`` and get 304);
- ``clippings all-new``: ``scraper.schedule.loop.run_due`` over N due sources on an
  empty database: claim with leases, fetch, parse (sandboxed workers),
  dedup, analyse the feed text, store 50 new stories per feed, record the
  fetch (``fetch_articles: false``: article pages are not fetched);
- ``clippings all-304``: the same pass when every feed answers 304.

Figures: wall seconds, sources/s, peak RSS of the collector process (``VmHWM``)
and, separately, the highest sum of its parse workers' RSS. Targets: the
304 pass reaches 80 % of the 304 baseline's sources/s; peak RSS < 300 MB at
N = 20,000. The database is a SQLite file in a temporary folder, or with
``--postgres URL`` a fresh schema on that server for each N.

The all-new pass stores 50 x N stories and is bound by the analysis stage;
``--new-sizes`` picks the N it runs at (default: 1,000 only; ``all``; ``none``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CONCURRENCY = 16  # the default `concurrency` setting


# --- measuring ------------------------------------------------------------------


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
    except (OSError, ValueError, IndexError):
        return 0


def _descendants(pid: int) -> list[int]:
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                ppid = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        parents.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


class WorkerMemory:
    """Samples the summed RSS of this process's descendants (the parse workers)."""

    def __init__(self, every: float = 0.25) -> None:
        self.every = every
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = os.getpid()
        while not self._stop.wait(self.every):
            total = sum(_rss_kb(pid) for pid in _descendants(me))
            self.peak_kb = max(self.peak_kb, total)

    def __enter__(self) -> WorkerMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def peak_rss_mb() -> float:
    """This process's peak RSS (VmHWM: unlike ru_maxrss, not inherited across exec)."""
    with open("/proc/self/status") as status:
        for row in status:
            if row.startswith("VmHWM:"):
                return int(row.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


# --- the measured processes -------------------------------------------------------


async def baseline(base: str, feeds: int, concurrency: int, *, conditional: bool) -> dict[str, Any]:
    import httpx

    statuses: Counter[int] = Counter()
    todo = iter(range(feeds))
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=60) as client:

        async def worker() -> None:
            for i in todo:
                headers = {"If-None-Match": f'"v1-{i}"'} if conditional else {}
                response = await client.get(f"{base}/feed/{i}.xml", headers=headers)
                statuses[response.status_code] += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "statuses": dict(statuses), "rss_mb": peak_rss_mb()}


def bench_config(base: str, feeds: int, concurrency: int) -> Any:
    from scraper.config.schema import Config, Settings, Source

    settings = Settings(
        fetch_articles=False,
        allow_private_networks=True,
        concurrency=concurrency,
        per_host_concurrency=concurrency,  # every feed is on 127.0.0.1
        per_host_delay=0,
    )
    sources = [
        Source(id=f"feed-{i:05d}", kind="feed", url=f"{base}/feed/{i}.xml", interval="1h")
        for i in range(feeds)
    ]
    return Config(settings=settings, sources=sources)


async def clippings_pass(
    base: str, feeds: int, concurrency: int, db_url: str, *, variant: str
) -> dict[str, Any]:
    from datetime import UTC, datetime

    from scraper.fetch.client import Fetcher
    from scraper.pipeline.adapters import fetch_options, source_specs
    from scraper.pipeline.collector import Collector
    from scraper.pipeline.wiring import open_store
    from scraper.schedule.loop import run_due

    config = bench_config(base, feeds, concurrency)
    store = open_store(db_url)
    now = datetime.now(UTC)
    store.sync_sources(source_specs(config), now=now)
    if variant == "304":  # every source known with its ETag, and due now
        store.reset_source_checks([s.id for s in config.sources], now=now)
    with WorkerMemory() as workers:
        async with Fetcher(fetch_options(config)) as fetcher:
            collector = Collector(config, store, fetcher)
            started = time.perf_counter()
            reports = await run_due(collector, limit=feeds)
            seconds = time.perf_counter() - started
    outcomes = Counter(r.outcome for r in reports)
    errors = Counter(r.error for r in reports if r.error)
    return {
        "seconds": seconds,
        "sources": len(reports),
        "outcomes": dict(outcomes),
        "new": sum(r.new for r in reports),
        "errors": dict(errors.most_common(3)),
        "rss_mb": peak_rss_mb(),
        "workers_mb": workers.peak_kb / 1024,
        "items": store.count_items(),
    }


def child(args: argparse.Namespace) -> None:
    if args.child == "baseline-200":
        result = asyncio.run(baseline(args.base, args.feeds, args.concurrency, conditional=False))
    elif args.child == "baseline-304":
        result = asyncio.run(baseline(args.base, args.feeds, args.concurrency, conditional=True))
    else:
        variant = "new" if args.child == "clippings-new" else "304"
        result = asyncio.run(
            clippings_pass(args.base, args.feeds, args.concurrency, args.db, variant=variant)
        )
    print("RESULT " + json.dumps(result), flush=True)


# --- the orchestrator -------------------------------------------------------------


def run_child(kind: str, base: str, feeds: int, concurrency: int, db: str) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", kind, "--base", base]
    command += ["--feeds", str(feeds), "--concurrency", str(concurrency), "--db", db]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            result: dict[str, Any] = json.loads(line[7:])
            return result
    raise RuntimeError(f"{kind} failed:\n{done.stderr[-3000:]}")


def prepare_sources(db: str, base: str, feeds: int, concurrency: int) -> None:
    """The sources table as clippings would write it on start."""
    from datetime import UTC, datetime

    from scraper.pipeline.adapters import source_specs
    from scraper.pipeline.wiring import open_store

    store = open_store(db)
    store.sync_sources(source_specs(bench_config(base, feeds, concurrency)), now=datetime.now(UTC))
    store.engine.dispose()


def seed_etags(db: str, feeds: int) -> None:
    """Give every source the ETag the server sends, as after a first pass."""
    from sqlalchemy import bindparam, update

    from storage.db import open_database
    from storage.tables import SourceRow

    engine = open_database(db)
    with engine.begin() as connection:
        connection.execute(
            update(SourceRow).where(SourceRow.id == bindparam("sid")).values(etag=bindparam("tag")),
            [{"sid": f"feed-{i:05d}", "tag": f'"v1-{i}"'} for i in range(feeds)],
        )
    engine.dispose()


def line(name: str, feeds: int, result: dict[str, Any], *, floor: float | None = None) -> str:
    rate = feeds / result["seconds"]
    share = f"{rate / floor:6.0%}" if floor else "      "
    workers = f"{result['workers_mb']:7.0f}" if "workers_mb" in result else "      -"
    return (
        f"{feeds:>7,} {name:<18} {result['seconds']:8.1f} {rate:10,.0f} {share} "
        f"{result['rss_mb']:8.0f} {workers}"
    )


@contextlib.contextmanager
def database(postgres: str | None, tmp: str) -> Iterator[str]:
    """A fresh SQLite file, or a fresh schema on the PostgreSQL server ``postgres``."""
    if postgres is None:
        yield f"sqlite:///{tmp}/bench.db"
        return
    from tests.pg import fresh_schema

    with fresh_schema(postgres) as url:
        yield url


def best(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The fastest of repeated runs (the machine's noise only ever slows a run down)."""
    return min(runs, key=lambda r: float(r["seconds"]))


def measure(
    feeds: int, concurrency: int, db: str | None, *, with_new: bool, repeat: int
) -> list[str]:
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "feedserver_fast.py"), "--feeds", str(feeds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    rows: list[str] = []
    try:
        assert server.stdout is not None
        base = f"http://127.0.0.1:{server.stdout.readline().split()[1]}"
        with tempfile.TemporaryDirectory() as tmp, database(db, tmp) as url:
            first = best(
                [run_child("baseline-200", base, feeds, concurrency, url) for _ in range(repeat)]
            )
            rows.append(line("baseline 200", feeds, first))
            if with_new:
                new = run_child("clippings-new", base, feeds, concurrency, url)
                assert new["new"] == feeds * 50, new
                rows.append(line("clippings all-new", feeds, new, floor=feeds / first["seconds"]))
            else:
                prepare_sources(url, base, feeds, concurrency)
                seed_etags(url, feeds)
            # Alternate the two so that load from elsewhere hits both alike.
            floors, passes = [], []
            for _ in range(repeat):
                floors.append(run_child("baseline-304", base, feeds, concurrency, url))
                passes.append(run_child("clippings-304", base, feeds, concurrency, url))
                assert passes[-1]["outcomes"] == {"not_modified": feeds}, passes[-1]
            floor, cached = best(floors), best(passes)
            rows.append(line("baseline 304", feeds, floor))
            rows.append(line("clippings all-304", feeds, cached, floor=feeds / floor["seconds"]))
    finally:
        server.terminate()
        server.wait()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000])
    parser.add_argument(
        "--new-sizes", nargs="+", default=["1000"], help="N for the all-new pass, 'all' or 'none'"
    )
    parser.add_argument("--concurrency", type=int, default=CONCURRENCY)
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of each baseline and 304 pass; the best counts"
    )
    parser.add_argument(
        "--postgres", metavar="URL", help="run on this PostgreSQL server (default: SQLite)"
    )
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--base", help=argparse.SUPPRESS)
    parser.add_argument("--feeds", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    new_sizes = (
        set(args.sizes)
        if "all" in args.new_sizes
        else {int(n) for n in args.new_sizes if n.isdigit()}  # "none": no all-new pass
    )
    print(f"concurrency {args.concurrency}; {os.cpu_count()} CPUs; Python {sys.version.split()[0]}")
    print(
        f"{'N':>7} {'pass':<18} {'seconds':>8} {'sources/s':>10} {'of base':>6} {'RSS MB':>8} "
        f"{'workers':>7}"
    )
    for feeds in args.sizes:
        for row in measure(
            feeds, args.concurrency, args.postgres, with_new=feeds in new_sizes, repeat=args.repeat
        ):
            print(row, flush=True)


if __name__ == "__main__":
    main()
