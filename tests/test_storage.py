"""Storage: migrations on start, WAL, dedup enforced by unique constraints, sightings, source state."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from scraper.identity.keys import story_keys
from scraper.models.stored import FetchRecord, SourceSpec, StoryData
from scraper.pipeline.wiring import open_store
from storage.db import is_current, open_database
from storage.store import Store

NOW = datetime(2024, 3, 5, 12, 0, tzinfo=UTC)


def story(
    url: str,
    *,
    guid: str | None = None,
    source: str = "s1",
    title: str = "A headline of five words",
) -> StoryData:
    keys = story_keys(
        source_id=source, url=url, guid=guid, canonical_url=None, outlet="Ledger", title=title
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
        programs=["Group Violence Intervention"],
        cities=["Riverton, IL"],
    )


@pytest.fixture
def store(db_url: str) -> Store:
    return open_store(db_url)


def test_migrations_are_applied_on_start_and_sqlite_uses_wal(sqlite_url: str) -> None:
    db_url = sqlite_url
    engine = open_database(db_url)
    assert is_current(engine)
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        tables = {
            r[0]
            for r in connection.execute(text("SELECT name FROM sqlite_master WHERE type='table'"))
        }
    assert {"sources", "fetches", "items", "item_keys", "sightings", "item_tags"} <= tables
    open_database(db_url)  # a second start is a no-op


def test_same_story_twice_is_one_item_with_two_sightings(store: Store) -> None:
    first = store.save_story(
        story("https://x.org/a"), source_id="s1", seen_url="https://x.org/a", now=NOW
    )
    again = store.save_story(
        story("https://x.org/a"), source_id="s1", seen_url="https://x.org/a", now=NOW
    )
    other = store.save_story(
        story("https://x.org/a", source="s2"),
        source_id="s2",
        seen_url="https://x.org/a?utm_source=x",
        now=NOW,
    )
    assert first[0] == "new"
    assert again == ("seen", first[1])
    assert other == ("seen", first[1])
    assert store.count_items() == 1
    item = store.item(first[1])
    assert item is not None
    assert item["sources"] == ["s1", "s2"]
    assert [s["times"] for s in item["seen_at"]] == [2, 1]


def test_guid_match_finds_a_story_whose_url_changed(store: Store) -> None:
    _, item_id = store.save_story(
        story("https://x.org/a", guid="g1"), source_id="s1", seen_url="https://x.org/a", now=NOW
    )
    outcome = store.save_story(
        story("https://x.org/a-renamed", guid="g1"),
        source_id="s1",
        seen_url="https://x.org/a-renamed",
        now=NOW,
    )
    assert outcome == ("seen", item_id)
    # the new URL became an alias: a third sighting under it matches by URL alone
    assert (
        store.find_story(
            story_keys(
                source_id="s9",
                url="https://x.org/a-renamed",
                guid=None,
                canonical_url=None,
                outlet=None,
                title=None,
            ).keys
        )
        == item_id
    )


def test_title_fallback_matches_only_within_a_week(store: Store) -> None:
    base = story("https://x.org/first", title="Council approves new violence strategy budget")
    _, item_id = store.save_story(base, source_id="s1", seen_url=base.url, now=NOW)
    relinked = story("https://x.org/second", title="Council approves new violence strategy budget")
    assert store.save_story(relinked, source_id="s1", seen_url=relinked.url, now=NOW) == (
        "seen",
        item_id,
    )
    later = replace(
        relinked,
        url="https://x.org/third",
        url_key="x.org/third",
        keys=(("url", "x.org/third"),),
        published_at=NOW + timedelta(days=30),
    )
    assert store.save_story(later, source_id="s1", seen_url=later.url, now=NOW)[0] == "new"


def test_unique_constraints_are_in_the_database(store: Store) -> None:
    _, item_id = store.save_story(
        story("https://x.org/a"), source_id="s1", seen_url="https://x.org/a", now=NOW
    )
    with store.engine.begin() as connection, pytest.raises(IntegrityError):
        connection.execute(
            text("INSERT INTO item_keys (item_id, kind, value) VALUES (:i, 'url', 'x.org/a')"),
            {"i": item_id},
        )
    with store.engine.begin() as connection, pytest.raises(IntegrityError):
        connection.execute(
            text(
                "INSERT INTO sightings (item_id, source_id, url, first_seen_at, last_seen_at, times) "
                "VALUES (:i, 's1', 'https://x.org/a', '2024-01-01', '2024-01-01', 1)"
            ),
            {"i": item_id},
        )


def test_datetimes_come_back_timezone_aware(store: Store) -> None:
    _, item_id = store.save_story(
        story("https://x.org/a"), source_id="s1", seen_url="https://x.org/a", now=NOW
    )
    item = store.item(item_id)
    assert item is not None
    assert item["published"] == "2024-03-05T12:00:00+00:00"


def test_naive_datetimes_are_refused(store: Store) -> None:
    naive = replace(story("https://x.org/n"), published_at=datetime(2024, 1, 1))
    with pytest.raises(Exception, match="naive datetime"):
        store.save_story(naive, source_id="s1", seen_url="https://x.org/n", now=NOW)


def spec(source_id: str, url: str = "https://x.org/feed", *, enabled: bool = True) -> SourceSpec:
    return SourceSpec(
        id=source_id,
        kind="feed",
        url=url,
        outlet=None,
        city=None,
        enabled=enabled,
        interval_seconds=1800,
    )


def test_sync_sources_keeps_state_and_marks_removed(store: Store) -> None:
    store.sync_sources([spec("a"), spec("b")], now=NOW)
    assert [s.id for s in store.due_sources(now=NOW)] == ["a", "b"]
    store.record_fetch(
        FetchRecord(
            source_id="a",
            url="https://x.org/feed",
            started_at=NOW,
            duration_ms=5,
            outcome="ok",
            next_check_at=NOW + timedelta(minutes=30),
            status=200,
            etag='"e"',
            items_new=3,
        )
    )
    store.sync_sources([spec("a"), spec("c", enabled=False)], now=NOW)
    states = {s.id: s for s in store.sources(include_removed=True)}
    assert states["a"].etag == '"e"'
    assert states["a"].items_found == 3
    assert states["b"].removed
    assert [s.id for s in store.due_sources(now=NOW)] == []
    assert [s.id for s in store.due_sources(now=NOW + timedelta(hours=1))] == ["a"]
    store.sync_sources([spec("a", url="https://x.org/new-feed")], now=NOW)
    moved = store.source("a")
    assert moved is not None
    assert moved.etag is None
    assert moved.next_check_at == NOW


def test_failures_count_up_and_success_resets(store: Store) -> None:
    store.sync_sources([spec("a")], now=NOW)
    for n in range(3):
        store.record_fetch(
            FetchRecord(
                source_id="a",
                url="u",
                started_at=NOW,
                duration_ms=1,
                outcome="error",
                next_check_at=NOW,
                error=f"HTTP 500 server error #{n}",
            )
        )
    state = store.source("a")
    assert state is not None
    assert state.error_count == 3
    assert state.last_error == "HTTP 500 server error #2"
    store.record_fetch(
        FetchRecord(
            source_id="a",
            url="u",
            started_at=NOW,
            duration_ms=1,
            outcome="not_modified",
            next_check_at=NOW,
        )
    )
    state = store.source("a")
    assert state is not None
    assert state.error_count == 0
    assert state.last_error is None
    assert [f["outcome"] for f in store.fetches("a")][:2] == ["not_modified", "error"]
