"""Batched writes: fetch records per batch, a feed's lookups in one query, sightings in one go.

Each batched call must leave the database exactly as the one-at-a-time
calls would (``record_fetch``, ``find_story``, ``record_sighting``).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from scraper.identity.keys import story_keys
from scraper.models.stored import FetchRecord, Sighting, SourceSpec, StoryData, StoryLookup
from scraper.pipeline.wiring import open_store
from storage.fetch_writer import FetchWriter
from storage.leases import claim_due, lease_holders
from storage.store import Store
from storage.story_tables import EntryStateRow
from storage.tables import ItemKeyRow, SightingRow

NOW = datetime(2024, 3, 5, 12, 0, tzinfo=UTC)
LATER = NOW + timedelta(minutes=30)


@pytest.fixture
def store(db_url: str) -> Store:
    return open_store(db_url)


def spec(source_id: str) -> SourceSpec:
    return SourceSpec(
        id=source_id,
        kind="feed",
        url=f"https://x.org/{source_id}.xml",
        outlet=None,
        city=None,
        enabled=True,
        interval_seconds=1800,
    )


def record(source_id: str, outcome: str, **fields: object) -> FetchRecord:
    base = FetchRecord(
        source_id=source_id,
        url=f"https://x.org/{source_id}.xml",
        started_at=NOW,
        duration_ms=3,
        outcome="ok",
        next_check_at=LATER,
    )
    return replace(base, outcome=outcome, **fields)  # type: ignore[arg-type]


def story(url: str, *, guid: str | None = None, title: str = "Riverton council meets") -> StoryData:
    keys = story_keys(
        source_id="s1", url=url, guid=guid, canonical_url=None, outlet="Ledger", title=title
    )
    return StoryData(
        url=url,
        canonical_url=url,
        url_key=keys.url_key,
        keys=keys.keys,
        title_key=keys.title_key,
        outlet="Ledger",
        headline=title,
        published_at=NOW,
    )


STATE_CASES = [
    pytest.param(
        [record("a", "ok", status=200, etag='"e1"', items_new=4, check_interval_seconds=900)],
        {"etag": '"e1"', "items_found": 4, "error_count": 0, "check_interval_seconds": 900},
        id="ok sets validators and counts new items",
    ),
    pytest.param(
        [record("a", "ok", etag='"e1"'), record("a", "not_modified", status=304)],
        {"etag": '"e1"', "last_status": 304, "error_count": 0},
        id="304 keeps the validators",
    ),
    pytest.param(
        [record("a", "error", error="HTTP 500"), record("a", "error", error="HTTP 502")],
        {"error_count": 2, "last_error": "HTTP 502", "last_success_at": None},
        id="errors count up in one batch",
    ),
    pytest.param(
        [record("a", "error", error="x", unhealthy=True), record("a", "not_modified")],
        {"error_count": 0, "last_error": None, "unhealthy_since": None},
        id="success clears errors and unhealthy",
    ),
    pytest.param(
        [record("a", "error", error="x", unhealthy=True)],
        {"unhealthy_since": NOW, "next_check_at": LATER},
        id="unhealthy since the failing fetch",
    ),
]


@pytest.mark.parametrize(("records", "expected"), STATE_CASES)
def test_record_fetches_sets_state_like_record_fetch(
    db_url: str, records: list[FetchRecord], expected: dict[str, object]
) -> None:
    batched = open_store(db_url)
    batched.sync_sources([spec("a")], now=NOW)
    batched.record_fetches(records)
    state = batched.source("a")
    assert state is not None
    for name, value in expected.items():
        assert getattr(state, name) == value, name
    assert len(batched.fetches("a")) == len(records)


def test_record_fetches_ends_leases_in_the_same_transaction(store: Store) -> None:
    store.sync_sources([spec("a"), spec("b"), spec("c")], now=NOW)
    claimed = claim_due(store, owner="me", now=NOW, limit=3)
    assert [s.id for s in claimed] == ["a", "b", "c"]
    store.record_fetches([record("a", "not_modified"), record("c", "ok")])
    assert set(lease_holders(store, now=NOW)) == {"b"}


def test_fetch_writer_flushes_by_size_by_age_and_on_demand(store: Store) -> None:
    store.sync_sources([spec(f"s{n}") for n in range(5)], now=NOW)
    now = [0.0]
    writer = FetchWriter(store, batch=2, max_wait=1.0, clock=lambda: now[0])
    writer.add(record("s0", "ok"))
    assert (writer.pending, writer.written) == (1, 0)
    writer.add(record("s1", "ok"))  # batch full
    assert (writer.pending, writer.written, writer.transactions) == (0, 2, 1)
    writer.add(record("s2", "ok"))
    now[0] = 0.5
    assert writer.due_in() == 0.5
    assert writer.flush_due() == 0
    now[0] = 1.0  # the oldest record has waited max_wait
    assert writer.flush_due() == 1
    writer.add(record("s3", "ok"))
    assert writer.flush() == 1
    assert writer.flush() == 0
    assert writer.due_in() is None
    assert [len(store.fetches(f"s{n}")) for n in range(5)] == [1, 1, 1, 1, 0]


def test_find_stories_answers_like_find_story(store: Store) -> None:
    first = store.save_story(
        story("https://x.org/a", guid="g-a"), source_id="s1", seen_url="https://x.org/a", now=NOW
    )[1]
    second = store.save_story(
        story("https://x.org/b", title="Another headline of six words here"),
        source_id="s1",
        seen_url="https://x.org/b",
        now=NOW,
    )[1]
    by_guid = story("https://x.org/moved", guid="g-a", title="Changed words")
    by_title = story("https://y.org/copy", title="Another headline of six words here")
    far = replace(by_title, published_at=NOW + timedelta(days=30))
    unknown = story("https://x.org/new", title="Nothing like it")
    lookups = [
        StoryLookup(s.keys, s.title_key, s.published_at) for s in (by_guid, by_title, far, unknown)
    ]
    expected = [
        store.find_story(lk.keys, title_key=lk.title_key, published_at=lk.published_at)
        for lk in lookups
    ]
    assert expected == [first, second, None, None]
    assert store.find_stories(lookups) == expected
    assert store.find_stories([]) == []


def test_record_sightings_counts_adds_aliases_and_reports_changed_entries(store: Store) -> None:
    a = store.save_story(
        story("https://x.org/a"),
        source_id="s1",
        seen_url="https://x.org/a",
        now=NOW,
        entry_hash="h1",
    )[1]
    b = store.save_story(
        story("https://x.org/b", title="Second story words"),
        source_id="s1",
        seen_url="https://x.org/b",
        now=NOW,
    )[1]
    changed = store.record_sightings(
        [
            Sighting(a, "https://x.org/a", (("guid", "s1:new-guid"),), entry_hash="h2"),
            Sighting(b, "https://x.org/b", (), entry_hash="first"),
            Sighting(b, "https://x.org/b2", ()),
        ],
        source_id="s1",
        now=LATER,
    )
    assert changed == {a}  # b's first entry from s1 is recorded, never a change
    with store.session() as session:
        times = {
            r.url: r.times
            for r in session.execute(
                select(SightingRow.url, SightingRow.times).where(SightingRow.source_id == "s1")
            )
        }
        alias = session.scalar(
            select(func.count()).where(ItemKeyRow.item_id == a, ItemKeyRow.value == "s1:new-guid")
        )
        hashes = {
            r.item_id: r.entry_hash
            for r in session.execute(select(EntryStateRow.item_id, EntryStateRow.entry_hash))
        }
    assert times == {"https://x.org/a": 2, "https://x.org/b": 2, "https://x.org/b2": 1}
    assert alias == 1
    assert hashes == {a: "h1", b: "first"}  # a's changed entry is left for the refresh
    item = store.item(a)
    assert item is not None
    assert item["last_seen"] == LATER.isoformat()
