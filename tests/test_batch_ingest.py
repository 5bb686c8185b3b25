"""A feed's new stories: stored first in one transaction, analysed after, written in one more.

``Collector.ingest_entries`` -> ``scraper.pipeline.batch_ingest`` -> ``storage.ingest``:
the transactions a feed costs, what a crash between storing and analysing
leaves (pending items, found again by ``recover``), and the two races: a
story stored by another writer meanwhile, and a page naming another item's
canonical URL.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, func, select

from scraper.fetch.client import Fetcher
from scraper.identity.neardup import fingerprint
from scraper.models import Entry
from scraper.models.stored import StoryData
from scraper.pipeline import batch_ingest
from scraper.pipeline.adapters import fetch_options
from scraper.pipeline.collector import Collector, SourceReport
from storage import ingest
from storage.store import Store
from storage.story_tables import StoryBandRow
from storage.tables import ItemKeyRow, ItemRow, SightingRow
from tests.collecting import make_config, open_store

NOW = datetime(2024, 3, 5, 12, 0, tzinfo=UTC)
SOURCES = "- id: ledger\n  kind: feed\n  url: https://ledger.example/feed.xml\n"


def entries(count: int, *, start: int = 0) -> list[Entry]:
    return [
        Entry(
            url=f"https://ledger.example/news/{n}.html",
            title=f"Riverton council story number {n} about the Ceasefire program",
            summary=f"Officials in Riverton met about Ceasefire outreach, meeting {n}.",
            guid=f"story-{n}",
            published=NOW - timedelta(minutes=n),
        )
        for n in range(start, start + count)
    ]


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    config = make_config(SOURCES)
    store = open_store(config, db_url)
    yield store
    store.engine.dispose()


def ingest_feed(store: Store, feed: list[Entry]) -> SourceReport:
    config = make_config(SOURCES)

    async def go() -> SourceReport:
        async with Fetcher(fetch_options(config)) as fetcher:
            collector = Collector(config, store, fetcher)
            [source] = [s for s in store.sources() if s.id == "ledger"]
            report = SourceReport("ledger")
            await collector.ingest_entries(feed, source=source, report=report)
            return report

    return asyncio.run(go())


def count_commits(store: Store) -> list[int]:
    commits = [0]

    def on_commit(_connection: object) -> None:
        commits[0] += 1

    event.listen(store.engine, "commit", on_commit)
    return commits


def test_a_feed_of_new_stories_costs_two_transactions(store: Store) -> None:
    commits = count_commits(store)
    report = ingest_feed(store, entries(30))
    assert (report.new, report.seen) == (30, 0)
    assert commits[0] == 2  # the pending items, then their analyses
    with store.session() as session:
        statuses = set(session.scalars(select(ItemRow.status)))
        stories = session.scalar(select(func.count()).where(ItemRow.story_id.is_not(None)))
        sightings = session.scalar(select(func.count(SightingRow.id)))
    assert statuses <= {"candidate", "filtered"}
    assert (stories, sightings) == (30, 30)
    with store.session() as session:
        analysed = session.scalar(select(func.count()).where(ItemRow.analysed_at.is_not(None)))
    assert analysed == 30
    assert all(i["excerpt"] for i in store.items())


def test_the_same_feed_again_stores_nothing_new(store: Store) -> None:
    ingest_feed(store, entries(10))
    report = ingest_feed(store, entries(12))
    assert (report.new, report.seen) == (2, 10)
    assert store.count_items() == 12


def test_a_crash_before_the_analysis_loses_nothing(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def killed(*_args: object, **_kwargs: object) -> dict[int, int]:
        raise KeyboardInterrupt  # the process dies after storing, before analysing

    monkeypatch.setattr(batch_ingest, "analyse_and_finish", killed)
    with pytest.raises(KeyboardInterrupt):
        ingest_feed(store, entries(5))
    monkeypatch.undo()
    assert [p.headline for p in ingest.pending(store)] == [e.title for e in entries(5)]
    # The next pass knows them (no duplicate) and finishes them first.
    report = ingest_feed(store, entries(5))
    assert (report.new, report.seen) == (0, 5)
    config = make_config(SOURCES)

    async def recover() -> int:
        async with Fetcher(fetch_options(config)) as fetcher:
            # At once (on PostgreSQL a live run waits RECOVER_AFTER: another collector's).
            collector = Collector(config, store, fetcher)
            return await batch_ingest.recover(collector, older_than=timedelta(0))

    assert asyncio.run(recover()) == 5
    assert ingest.pending(store) == []
    with store.session() as session:
        bands = session.scalar(select(func.count(StoryBandRow.item_id)))
        analysed = session.scalar(select(func.count()).where(ItemRow.analysed_at.is_not(None)))
    assert (bands or 0) > 0
    assert analysed == 5


def pending_story(n: int, *, url: str | None = None) -> ingest.PendingStory:
    url = url or f"https://ledger.example/news/{n}.html"
    key = url.removeprefix("https://")
    return ingest.PendingStory(
        url=url,
        url_key=key,
        keys=(("url", key),),
        title_key=None,
        outlet="Ledger",
        headline=f"Story {n}",
        published_at=NOW,
        summary="A summary.",
    )


def test_a_story_stored_meanwhile_by_another_writer_becomes_a_sighting(store: Store) -> None:
    [(_, first)] = ingest.add_pending(store, [pending_story(1)], source_id="ledger", now=NOW)
    batch = [pending_story(0), pending_story(1), pending_story(2)]
    outcomes = ingest.add_pending(store, batch, source_id="ledger", now=NOW)
    assert [o for o, _ in outcomes] == ["new", "seen", "new"]
    assert outcomes[1][1] == first
    assert store.count_items() == 3


def test_a_page_naming_another_items_canonical_url_merges_into_it(store: Store) -> None:
    [(_, older)] = ingest.add_pending(store, [pending_story(1)], source_id="ledger", now=NOW)
    [(_, copy)] = ingest.add_pending(
        store, [pending_story(2, url="https://ledger.example/amp/1")], source_id="ledger", now=NOW
    )
    canonical = ("url", "ledger.example/news/1.html")
    story = StoryData(
        url="https://ledger.example/amp/1",
        canonical_url="https://ledger.example/news/1.html",
        url_key="ledger.example/amp/1",
        keys=(("url", "ledger.example/amp/1"), canonical),
        title_key=None,
        outlet="Ledger",
        headline="Story 1",
        published_at=NOW,
        text="Some text.",
        fingerprint=fingerprint("Story 1", "Some text."),
    )
    final = ingest.finish(
        store,
        [ingest.Analysed(copy, story, "ledger", "https://ledger.example/amp/1")],
        now=NOW,
    )
    assert final == {copy: older}
    assert store.count_items() == 1
    with store.session() as session:
        keys = {
            (r.item_id, r.value)
            for r in session.execute(select(ItemKeyRow.item_id, ItemKeyRow.value))
        }
    assert (older, "ledger.example/amp/1") in keys  # the copy's link is now an alias
    assert {s["url"] for s in store.item(older)["seen_at"]} == {  # type: ignore[index]
        "https://ledger.example/news/1.html",
        "https://ledger.example/amp/1",
    }
