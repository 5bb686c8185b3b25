"""clippings beside a real feed reader: newsboat and clippings on the same generated feeds.

Usage::

    .venv/bin/python bench/bench_peer.py                          # 1,000 feeds on 100 hosts
    .venv/bin/python bench/bench_peer.py --feeds 200 --stored 1000 50000
    .venv/bin/python bench/bench_peer.py --postgres postgresql+psycopg://...   # fresh schema
    nice -n 10 .venv/bin/python bench/bench_peer.py --stored 1000 50000 1000000

A local server in its own process (``bench/feedserver_fast.py --hosts``)
serves ``--feeds`` feeds of ``--entries`` distinct invented entries each
(``bench/feedgen.py``), spread over ``--hosts`` loopback addresses
(127.77.0.1, 127.77.0.2, ...), with an ETag and 304 to a matching
``If-None-Match``. Both readers get the same URLs, 16 requests at a time, no
per-host gap, and no article pages:

- **newsboat** (Debian's ``newsboat``, a C++ feed reader): ``newsboat -x
  reload`` with ``reload-threads 16`` on an empty cache, then again on the
  same cache (its second pass);
- **clippings**: ``scraper.schedule.run_due`` over every source on an empty
  database (all new: parse, dedup, analysis, store), then again (every feed
  answers 304); then the 304 pass on databases already holding ``--stored``
  stories (filled in bulk as ``bench/bench_growth.py`` does), to show that a
  pass does not cost more when more is stored.

Each pass runs in a process of its own. Printed per pass: wall seconds,
milliseconds per story (all new) or per source (304), requests and 304s the
server answered, sources that failed (and how many of those timed out), the
slowest source's recorded fetch time, and peak memory: the reader's own
(``VmHWM`` / ``wait4``) plus, for clippings, the highest sum of its worker
processes. The load average is printed before and after: on a shared
machine, compare figures taken side by side, not across runs.

This script installs nothing. Without newsboat it says how to get it and
measures clippings alone.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_poll import WorkerMemory, _descendants, database, peak_rss_mb  # noqa: E402
from feedserver_fast import feed_url  # noqa: E402

CONCURRENCY = 16  # requests in flight, both readers
NEWSBOAT_HINT = (
    "newsboat is not installed: on Debian or Ubuntu `sudo apt-get install newsboat` "
    "(or see https://newsboat.org/); measuring clippings alone"
)


# --- clippings, in a child process -------------------------------------------------


def bench_config(port: int, feeds: int, hosts: int, concurrency: int) -> Any:
    from scraper.config.schema import Config, Settings, Source

    settings = Settings(
        fetch_articles=False,
        allow_private_networks=True,
        concurrency=concurrency,
        per_host_concurrency=concurrency,  # as newsboat: no per-host limit below the global one
        per_host_delay=0,
        respect_robots=False,  # newsboat reads no robots.txt either
    )
    sources = [
        Source(
            id=f"feed-{i:05d}",
            kind="feed",
            url=feed_url(i, port=port, hosts=hosts),
            interval="1h",
        )
        for i in range(feeds)
    ]
    return Config(settings=settings, sources=sources)


def cpu_seconds() -> float:
    """CPU time (user + system) of this process and its living descendants (the workers).

    Unlike wall time, this does not grow when other processes take the cores: on a
    shared machine it is the figure to compare. (A worker replaced meanwhile takes
    its share with it: rare, after thousands of tasks.)
    """
    own = resource.getrusage(resource.RUSAGE_SELF)
    total = own.ru_utime + own.ru_stime
    ticks = os.sysconf("SC_CLK_TCK")
    for pid in _descendants(os.getpid()):
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
        except (OSError, ValueError, IndexError):
            continue
    return total


async def clippings_pass(args: argparse.Namespace) -> dict[str, Any]:
    from datetime import UTC, datetime

    from scraper.fetch.client import Fetcher
    from scraper.pipeline.adapters import fetch_options, source_specs
    from scraper.pipeline.collector import Collector
    from scraper.pipeline.wiring import open_store
    from scraper.schedule.loop import run_due

    config = bench_config(args.port, args.feeds, args.hosts, args.concurrency)
    store = open_store(args.db)
    now = datetime.now(UTC)
    store.sync_sources(source_specs(config), now=now)
    store.reset_source_checks([s.id for s in config.sources], now=now)
    with WorkerMemory() as workers:
        async with Fetcher(fetch_options(config)) as fetcher:
            collector = Collector(config, store, fetcher)
            started, cpu = time.perf_counter(), cpu_seconds()
            reports = await run_due(collector, limit=args.feeds)
            seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    errors = [r.error or "" for r in reports if r.outcome == "error"]
    durations = sorted(r.seconds for r in reports)
    result = {
        "seconds": seconds,
        "cpu": cpu,
        "sources": len(reports),
        "outcomes": dict(Counter(r.outcome for r in reports)),
        "new": sum(r.new for r in reports),
        "failed": len(errors),
        "timed_out": sum("timed out" in e for e in errors),
        "errors": dict(Counter(errors).most_common(3)),
        "slowest": durations[-1] if durations else 0.0,
        "median": durations[len(durations) // 2] if durations else 0.0,
        "rss_mb": peak_rss_mb(),
        "workers_mb": workers.peak_kb / 1024,
        "items": store.count_items(),
    }
    store.engine.dispose()
    return result


def run_clippings(args: argparse.Namespace, port: int, db: str) -> dict[str, Any]:
    command = [sys.executable, __file__, "--child", "--port", str(port), "--db", db]
    command += ["--feeds", str(args.feeds), "--hosts", str(args.hosts)]
    command += ["--concurrency", str(args.concurrency)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
    for row in done.stdout.splitlines():
        if row.startswith("RESULT "):
            result: dict[str, Any] = json.loads(row[7:])
            return result
    raise RuntimeError(f"clippings pass failed:\n{done.stderr[-3000:]}")


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


def prepare(db: str, args: argparse.Namespace, port: int) -> None:
    """The sources table as clippings writes it on start, with the ETags of a first pass."""
    from datetime import UTC, datetime

    from scraper.pipeline.adapters import source_specs
    from scraper.pipeline.wiring import open_store

    store = open_store(db)
    config = bench_config(port, args.feeds, args.hosts, args.concurrency)
    store.sync_sources(source_specs(config), now=datetime.now(UTC))
    store.engine.dispose()
    seed_etags(db, args.feeds)


def fill_to(db: str, stored: int) -> int:
    """Add invented stories (``bench_growth.fill``) until ``stored`` are stored; returns the count."""
    from bench_growth import fill

    from scraper.pipeline.wiring import open_store

    store = open_store(db)
    have = store.count_items()
    if stored > have:
        # Story numbers far above the feeds' own, so no filled story is one of theirs.
        fill(store, 10_000_000 + have, 10_000_000 + stored)
    count = store.count_items()
    if store.dialect == "sqlite":
        # The bulk fill leaves every new page in the WAL; a collector that stored these
        # stories over months checkpointed all along. Without this, the timed pass would
        # pay for copying the whole fill into the database file (one-off, bench-made).
        with store.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    store.engine.dispose()
    return count


# --- newsboat ----------------------------------------------------------------------


def run_newsboat(folder: Path) -> dict[str, Any]:
    """One ``newsboat -x reload`` in ``folder`` (its urls, config and cache live there)."""
    command = ["newsboat", "-x", "reload", "-u", "urls", "-c", "cache.db", "-C", "config"]
    env = {**os.environ, "HOME": str(folder)}
    started = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=folder, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
    if process.returncode != 0:
        raise RuntimeError(f"newsboat failed ({process.returncode}): {stderr[-2000:]}")
    with sqlite3.connect(folder / "cache.db") as cache:
        items = int(cache.execute("SELECT count(*) FROM rss_item").fetchone()[0])
    cpu = usage.ru_utime + usage.ru_stime
    return {"seconds": seconds, "cpu": cpu, "rss_mb": usage.ru_maxrss / 1024, "items": items}


def newsboat_folder(tmp: str, args: argparse.Namespace, port: int) -> Path:
    folder = Path(tmp) / "newsboat"
    folder.mkdir()
    urls = (feed_url(i, port=port, hosts=args.hosts) for i in range(args.feeds))
    (folder / "urls").write_text("".join(f"{u}\n" for u in urls))
    (folder / "config").write_text(f"reload-threads {args.concurrency}\n")
    return folder


# --- the orchestrator --------------------------------------------------------------


def server_stats(port: int) -> dict[str, int]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/stats", timeout=10) as answer:
        stats: dict[str, int] = json.loads(answer.read())
        return stats


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


class Table:
    """Prints one row per pass as it is measured."""

    HEAD = (
        f"{'reader':<10} {'pass':<26} {'seconds':>8} {'ms/unit':>9} {'CPU ms':>8} "
        f"{'requests':>8} {'304s':>6} "
        f"{'failed':>6} {'timeout':>7} {'slowest':>7} {'RSS MB':>7} {'workers':>7}"
    )

    def __init__(self, port: int) -> None:
        self.port = port
        self.before = server_stats(port)
        print(self.HEAD, flush=True)

    def row(self, reader: str, name: str, result: dict[str, Any], *, units: int) -> None:
        after = server_stats(self.port)
        requests = after["requests"] - self.before["requests"]
        cached = after["not_modified"] - self.before["not_modified"]
        self.before = after
        per = 1000 * result["seconds"] / max(1, units)
        cpu = 1000 * result["cpu"] / max(1, units)
        workers = f"{result['workers_mb']:7.0f}" if "workers_mb" in result else "      -"
        failed = f"{result['failed']:6d}" if "failed" in result else "     -"
        timeouts = f"{result['timed_out']:7d}" if "timed_out" in result else "      -"
        slowest = f"{result['slowest']:7.1f}" if "slowest" in result else "      -"
        print(
            f"{reader:<10} {name:<26} {result['seconds']:8.1f} {per:9.2f} {cpu:8.2f} {requests:8d} "
            f"{cached:6d} {failed} {timeouts} {slowest} {result['rss_mb']:7.0f} {workers}",
            flush=True,
        )
        if result.get("errors"):
            print(f"           errors: {result['errors']}", flush=True)


def mkdir(parent: str, name: str) -> str:
    path = Path(parent) / name
    path.mkdir()
    return str(path)


def measure(args: argparse.Namespace, port: int) -> None:
    stories = args.feeds * args.entries
    table = Table(port)
    with tempfile.TemporaryDirectory(prefix="bench-peer-") as tmp:
        if shutil.which("newsboat") and not args.skip_newsboat:
            folder = newsboat_folder(tmp, args, port)
            first = run_newsboat(folder)
            table.row("newsboat", f"all new ({first['items']:,} stored)", first, units=stories)
            again = run_newsboat(folder)
            table.row("newsboat", "again, unchanged", again, units=args.feeds)
        if not args.skip_new:
            with database(args.postgres, mkdir(tmp, "new")) as db:
                new = run_clippings(args, port, db)
                table.row("clippings", f"all new ({new['items']:,} stored)", new, units=stories)
                again = run_clippings(args, port, db)
                table.row("clippings", "again, 304s", again, units=args.feeds)
        if args.stored:
            with database(args.postgres, mkdir(tmp, "stored")) as db:
                prepare(db, args, port)
                for stored in sorted(args.stored):
                    count = fill_to(db, stored)
                    result = run_clippings(args, port, db)
                    table.row("clippings", f"304s, {count:,} stored", result, units=args.feeds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--hosts", type=int, default=100, help="loopback hosts the feeds are on")
    parser.add_argument("--concurrency", type=int, default=CONCURRENCY)
    parser.add_argument(
        "--stored",
        type=int,
        nargs="*",
        default=[1000, 50_000],
        metavar="N",
        help="also time the 304 pass with N stories stored (1000000 takes minutes to fill)",
    )
    parser.add_argument("--skip-new", action="store_true", help="no all-new pass of clippings")
    parser.add_argument("--skip-newsboat", action="store_true", help="measure clippings alone")
    parser.add_argument("--postgres", metavar="URL", help="clippings on this PostgreSQL server")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.entries = 50  # bench/feedserver_fast.py serves 50 entries a feed
    if args.child:
        print("RESULT " + json.dumps(asyncio.run(clippings_pass(args))), flush=True)
        return
    if not shutil.which("newsboat") and not args.skip_newsboat:
        print(NEWSBOAT_HINT, flush=True)
    server = subprocess.Popen(
        [
            *(sys.executable, str(ROOT / "bench" / "feedserver_fast.py")),
            *("--feeds", str(args.feeds), "--hosts", str(args.hosts)),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        port = int(server.stdout.readline().split()[1])
        print(
            f"{args.feeds:,} feeds x {args.entries} entries on {args.hosts} loopback hosts, "
            f"{args.concurrency} at a time; {os.cpu_count()} CPUs; "
            f"{'PostgreSQL' if args.postgres else 'SQLite'}; {load()}",
            flush=True,
        )
        print(
            "ms/unit and CPU ms (all processes, workers included): per story for an all-new "
            "pass, per source for the others",
            flush=True,
        )
        measure(args, port)
        print(load(), flush=True)
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
