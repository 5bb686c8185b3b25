"""Crash safety: SIGKILL the collector at random points of a pass, many times, and restart.

After every kill the database must be consistent (SQLite integrity and
foreign keys, every item with its keys and a sighting), nothing stored before
must be gone, and nothing may be stored twice. After the last kill one
uninterrupted pass must collect every source again and end with exactly the
stories the feeds hold; a further pass adds nothing.

The kill points are random but seeded (``KILL_SEED``): the first during
start-up, the others at a random moment after the pass sent its first request.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.collecting import RSS_TYPE, rss
from tests.feedserver import FeedServer, Reply

ROOT = Path(__file__).resolve().parents[1]
SOURCES = 8
ITEMS_PER_SOURCE = 4
KILLS = 6
KILL_SEED = int(os.environ.get("KILL_SEED", "20261125"))

pytestmark = pytest.mark.slow


def links(source: int) -> list[str]:
    return [f"https://s{source}.example/story/{i}" for i in range(ITEMS_PER_SOURCE)]


def serve(server: FeedServer) -> None:
    for s in range(SOURCES):
        items = [(f"Source {s} story number {i} about outreach", u) for i, u in enumerate(links(s))]
        server.route(f"/f{s}.xml", Reply(200, rss(items), RSS_TYPE, delay=0.05 * s))


def write_sources(tmp_path: Path, server: FeedServer) -> Path:
    lines = [
        "settings:",
        "  allow_private_networks: true",
        "  per_host_delay: 0",
        "  timeout: 5",
        "  fetch_articles: false",
        "sources:",
    ]
    for s in range(SOURCES):
        lines += [f"  - id: s{s}", "    kind: feed", f"    url: {server.url(f'/f{s}.xml')}"]
    path = tmp_path / "sources.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def start(command: str, sources: Path, db: Path) -> subprocess.Popen[bytes]:
    extra = ["--once"] if command == "run" else []
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "scraper",
            command,
            *extra,
            "--sources",
            str(sources),
            "--db",
            f"sqlite:///{db}",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group: the parser workers die with it
    )


def kill(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the collector, then whatever it started (parser workers) by its group id."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    if process.stderr is not None:
        process.stderr.close()


def snapshot(db: Path) -> dict[int, str]:
    """Check consistency; return item id -> URL."""
    with contextlib.closing(sqlite3.connect(db, timeout=30)) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        if "items" not in tables:  # killed before the first migration committed: all or nothing
            assert not tables & {"sources", "fetches", "item_keys", "sightings"}, tables
            return {}
        items = dict(connection.execute("SELECT id, url FROM items").fetchall())
        without_key = connection.execute(
            "SELECT count(*) FROM items WHERE id NOT IN (SELECT item_id FROM item_keys)"
        ).fetchone()[0]
        without_sighting = connection.execute(
            "SELECT count(*) FROM items WHERE id NOT IN (SELECT item_id FROM sightings)"
        ).fetchone()[0]
    assert (without_key, without_sighting) == (0, 0)
    return items


def source_state(db: Path) -> dict[str, tuple[str | None, str | None]]:
    with contextlib.closing(sqlite3.connect(db, timeout=30)) as connection:
        rows = connection.execute("SELECT id, last_success_at, last_error FROM sources")
        return {row[0]: (row[1], row[2]) for row in rows}


def test_sigkill_at_random_points_loses_and_duplicates_nothing(
    server: FeedServer, tmp_path: Path
) -> None:
    serve(server)
    sources = write_sources(tmp_path, server)
    db = tmp_path / "clippings.db"
    expected = {u for s in range(SOURCES) for u in links(s)}
    rng = random.Random(KILL_SEED)
    seen: dict[int, str] = {}
    delays = []
    for n in range(KILLS):
        command = "run" if n % 3 == 2 else "collect"
        server.requests.clear()
        process = start(command, sources, db)
        if n == 0:  # during start-up: imports, migrations
            delay = rng.uniform(0.2, 2.0)
        else:  # during the pass: fetching, parsing, storing
            deadline = time.monotonic() + 30
            while not server.requests and time.monotonic() < deadline:
                if process.poll() is not None:
                    break  # `run --once` with nothing due: sources leased by a killed run
                time.sleep(0.01)
            delay = rng.uniform(1.0, 6.0)
        delays.append(round(delay, 2))
        time.sleep(delay)
        kill(process)
        if not db.exists():
            continue  # killed before the database was created
        now = snapshot(db)
        context = f"seed {KILL_SEED}, kill {n} after {delay:.2f} s ({command})"
        lost = {i: u for i, u in seen.items() if now.get(i) != u}
        assert not lost, f"{context}: lost {lost}"
        urls = list(now.values())
        assert len(urls) == len(set(urls)), f"{context}: duplicated"
        assert set(urls) <= expected, context
        seen = now

    killed_at = datetime.now(UTC).replace(tzinfo=None)
    stored_before = len(seen)
    final = subprocess.run(
        [
            sys.executable,
            "-m",
            "scraper",
            "collect",
            "--sources",
            str(sources),
            "--db",
            f"sqlite:///{db}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert final.returncode == 0, final.stderr
    items = snapshot(db)
    assert sorted(items.values()) == sorted(expected)
    assert all(items.get(i) == u for i, u in seen.items())
    states = source_state(db)
    assert all(
        ok is not None and datetime.fromisoformat(ok) >= killed_at and err is None
        for ok, err in states.values()
    ), states
    again = subprocess.run(
        [
            sys.executable,
            "-m",
            "scraper",
            "collect",
            "--json",
            "--sources",
            str(sources),
            "--db",
            f"sqlite:///{db}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert again.returncode == 0, again.stderr
    assert '"new": 0' in again.stdout
    assert '"new": 1' not in again.stdout
    assert snapshot(db) == items
    print(
        f"kills after {delays} s; {stored_before} of {len(expected)} items stored before the "
        "uninterrupted pass"
    )
