"""Leases, idempotent concurrent writes and the one-collector guard, on SQLite and PostgreSQL.

Tests taking ``db_url`` run on SQLite and, when ``CLIPPINGS_TEST_POSTGRES_URL``
is set, again on PostgreSQL; tests taking ``pg_url`` run on PostgreSQL only.
"""

from __future__ import annotations

import contextlib
import random
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect

from scraper.models.stored import FetchRecord, SourceSpec, StoryData
from scraper.pipeline.wiring import open_store
from storage.db import is_current, open_database
from storage.leases import (
    LEASE,
    CollectorBusy,
    claim_due,
    collector_lock,
    lease_holders,
    lock_path,
    release,
    renew,
)
from storage.store import Store
from tests.conftest import write_sources
from tests.pg import SKIP_REASON, fresh_schema, server_url

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2024, 3, 5, 12, 0, tzinfo=UTC)


@pytest.fixture
def pg_url() -> Iterator[str]:
    base = server_url()
    if base is None:
        pytest.skip(SKIP_REASON)
    with fresh_schema(base) as url:
        yield url


def make_store(url: str, count: int) -> Store:
    store = open_store(url)
    specs = [
        SourceSpec(f"s{i:03d}", "feed", f"https://example.org/{i}.xml", None, None, True, 1800)
        for i in range(count)
    ]
    store.sync_sources(specs, now=NOW)
    return store


def story(n: int, *, via: str = "a") -> StoryData:
    """Story ``n`` as reached through link variant ``via`` (same story, another key order)."""
    url = f"https://news.example.org/story/{n}"
    keys = (("url", f"news.example.org/story/{n}"), ("url", f"news.example.org/s?id={n}"))
    return StoryData(
        url=url,
        canonical_url=url,
        url_key=f"news.example.org/story/{n}",
        keys=keys if via == "a" else keys[::-1],
        title_key=None,
        outlet="Harbor Weekly",
        headline=f"Invented story number {n}",
        published_at=NOW,
    )


# --- leases -------------------------------------------------------------------


def test_claims_are_disjoint_and_limited(db_url: str) -> None:
    store = make_store(db_url, 10)
    first = claim_due(store, owner="a", now=NOW, limit=4)
    second = claim_due(store, owner="b", now=NOW, limit=4)
    third = claim_due(store, owner="c", now=NOW, limit=4)
    ids = [s.id for s in (*first, *second, *third)]
    assert (len(first), len(second), len(third)) == (4, 4, 2)
    assert sorted(ids) == [f"s{i:03d}" for i in range(10)]
    holders = lease_holders(store, now=NOW)
    assert {holders[s.id] for s in second} == {"b"}
    assert claim_due(store, owner="d", now=NOW, limit=4) == []


@pytest.mark.parametrize(
    ("later", "claimed"),
    [
        pytest.param(LEASE - timedelta(seconds=1), 0, id="lease still running"),
        pytest.param(LEASE + timedelta(seconds=1), 3, id="dead worker's lease ended"),
    ],
)
def test_an_ended_lease_can_be_claimed_again(db_url: str, later: timedelta, claimed: int) -> None:
    store = make_store(db_url, 3)
    assert len(claim_due(store, owner="dead", now=NOW, limit=10)) == 3
    again = claim_due(store, owner="alive", now=NOW + later, limit=10)
    assert len(again) == claimed


def test_record_fetch_ends_the_lease_and_renew_extends_only_own(db_url: str) -> None:
    store = make_store(db_url, 3)
    claimed = [s.id for s in claim_due(store, owner="a", now=NOW, limit=3)]
    assert renew(store, owner="b", source_ids=claimed, until=NOW + LEASE * 2) == 0
    assert renew(store, owner="a", source_ids=claimed, until=NOW + LEASE * 2) == 3
    store.record_fetch(
        FetchRecord(
            source_id=claimed[0],
            url="https://example.org/0.xml",
            started_at=NOW,
            duration_ms=5,
            outcome="not_modified",
            status=304,
            next_check_at=NOW + timedelta(minutes=30),
        )
    )
    assert set(lease_holders(store, now=NOW)) == set(claimed[1:])
    assert release(store, owner="b") == 0
    assert release(store, owner="a", source_ids=[claimed[1]]) == 1
    assert set(lease_holders(store, now=NOW)) == {claimed[2]}
    # released but not recorded: due again at once; recorded: not before its next check
    assert [s.id for s in claim_due(store, owner="c", now=NOW, limit=10)] == [claimed[1]]


def test_concurrent_claims_never_overlap(db_url: str) -> None:
    store = make_store(db_url, 120)
    got: dict[str, list[str]] = {}
    errors: list[BaseException] = []

    def worker(owner: str) -> None:
        mine = got.setdefault(owner, [])
        try:
            while batch := claim_due(store, owner=owner, now=NOW, limit=7):
                mine.extend(s.id for s in batch)
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    claimed = [source for ids in got.values() for source in ids]
    assert sorted(claimed) == [f"s{i:03d}" for i in range(120)]  # each exactly once


# --- idempotent writes under concurrency ----------------------------------------


def test_concurrent_writers_store_each_story_once(db_url: str) -> None:
    store = make_store(db_url, 4)
    results: list[tuple[str, int]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def writer(source: str, seed: int) -> None:
        order = list(range(40))
        random.Random(seed).shuffle(order)
        try:
            for n in order:
                outcome = store.save_story(
                    story(n, via="ab"[seed % 2]),
                    source_id=source,
                    seen_url=f"https://news.example.org/story/{n}",
                    now=NOW,
                )
                with lock:
                    results.append(outcome)
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(f"s{i:03d}", i)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert store.count_items() == 40
    assert sum(1 for outcome, _ in results if outcome == "new") == 40
    for item in store.items():
        assert sorted(item["sources"]) == [f"s{i:03d}" for i in range(4)]


# --- PostgreSQL only --------------------------------------------------------------


@pytest.mark.postgres
def test_migrations_give_the_same_schema_on_postgres(pg_url: str) -> None:
    engine = open_database(pg_url)
    assert is_current(engine)
    inspector = inspect(engine)
    tables = set(inspector.get_table_names())
    assert {"sources", "fetches", "items", "item_keys", "sightings", "item_tags"} <= tables
    unique = {c["name"] for c in inspector.get_unique_constraints("item_keys")}
    assert "uq_item_keys_kind_value" in unique
    columns = {c["name"]: c for c in inspector.get_columns("items")}
    assert columns["published_at"]["type"].timezone is True  # type: ignore[attr-defined]
    open_database(pg_url)  # a second start applies nothing and fails on nothing
    engine.dispose()


# --- SQLite: one collector -----------------------------------------------------------


HOLD_LOCK = """
import sys, time
from scraper.pipeline.wiring import open_store
from storage.leases import collector_lock
with collector_lock(open_store(sys.argv[1])):
    print("holding", flush=True)
    time.sleep(60)
"""


@contextlib.contextmanager
def held_in_other_process(url: str) -> Iterator[None]:
    """Another process holding the collector lock of ``url`` (killed afterwards)."""
    with subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, url], cwd=ROOT, stdout=subprocess.PIPE, text=True
    ) as holder:
        assert holder.stdout is not None
        try:
            assert holder.stdout.readline().strip() == "holding"
            yield
        finally:
            holder.kill()


def test_lock_file_sits_next_to_a_sqlite_file_only(tmp_path: Path) -> None:
    assert lock_path(f"sqlite:///{tmp_path / 'c.db'}") == tmp_path / "c.db.collector.lock"
    assert lock_path("sqlite://") is None
    assert lock_path("postgresql+psycopg://u@h/db") is None


def test_second_collector_on_sqlite_is_refused(sqlite_url: str) -> None:
    store = make_store(sqlite_url, 1)
    with collector_lock(store), collector_lock(store):
        pass  # re-entrant within one process
    with (
        held_in_other_process(sqlite_url),
        pytest.raises(CollectorBusy, match="another collector is already running"),
        collector_lock(store),
    ):
        pass
    with collector_lock(store):  # the kernel dropped the dead holder's lock
        pass


def test_clippings_run_says_so_when_a_collector_already_runs(
    sqlite_url: str, tmp_path: Path
) -> None:
    sources = write_sources(
        tmp_path,
        """\
        - id: only
          kind: feed
          url: http://127.0.0.1:9/feed.xml
        """,
    )
    make_store(sqlite_url, 0)
    started = time.monotonic()
    with held_in_other_process(sqlite_url):
        result = subprocess.run(
            [sys.executable, "-m", "scraper", "run", "--sources", str(sources), "--db", sqlite_url],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert result.returncode != 0
    assert "another collector is already running" in result.stderr
    assert "use PostgreSQL" in result.stderr
    assert "Traceback" not in result.stderr
    assert time.monotonic() - started < 30
