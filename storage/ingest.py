"""Batched ingest: a feed's new stories stored first, in one transaction; their analysis after.

The collector stores what a feed says about its new entries before anything
slow happens to them, then analyses them in worker processes and writes the
results in one more transaction::

    add_pending(feed's new stories)   -> items with status "pending", their keys,
                                         sightings and entry states (one transaction)
    ... page fetch, analysis, fingerprints (worker processes) ...
    finish(analysed stories)          -> analysis fields, tags, canonical keys,
                                         near-duplicate bands and story (one transaction)

A crash between the two loses nothing: the pending items are stored, their
keys make the next pass see them as known, and ``pending`` finds them for
analysis again (``Collector.recover``). A pending item is never shown to
reviewers (the desk lists candidates) and never published.

Concurrent writers: the unique item keys refuse a story another collector
stored a moment earlier; the batch is then rolled back and stored one story
per transaction, each looked up first (as ``Store.save_story`` does). A page
read later may name a canonical URL another item already has: the pending
item was a copy stored under another link, so it is removed and its sighting
goes to that item.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, insert, or_, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from scraper.models.stored import Outcome, StoryData
from storage.base import SAVE_ATTEMPTS, _write_conflict
from storage.store import Store
from storage.story_index import join_story
from storage.story_tables import EntryStateRow
from storage.tables import ItemKeyRow, ItemRow, ItemTagRow, SightingRow

PENDING = "pending"  # item status while its analysis is not written yet
TITLE_WINDOW = timedelta(days=7)  # as Store.find_story


@dataclass(frozen=True, slots=True)
class PendingStory:
    """What a feed entry says about a new story, stored before it is analysed."""

    url: str
    url_key: str
    keys: tuple[tuple[str, str], ...]
    title_key: str | None
    outlet: str | None
    headline: str | None
    published_at: datetime | None
    summary: str | None
    authors: tuple[str, ...] = ()
    entry_hash: str | None = None  # the source's entry (update detection)


@dataclass(frozen=True, slots=True)
class Analysed:
    """A pending item's analysis (with its ``fingerprint``), ready to be written."""

    item_id: int
    story: StoryData
    source_id: str
    seen_url: str


@dataclass(frozen=True, slots=True)
class PendingItem:
    """A stored item still waiting for its analysis (after a crash, or a failed write)."""

    item_id: int
    url: str
    source_id: str
    outlet: str | None
    headline: str | None
    published_at: datetime | None
    summary: str | None
    authors: tuple[str, ...]


def _item_values(story: PendingStory, now: datetime) -> dict[str, Any]:
    return {
        "url": story.url,
        "canonical_url": story.url,
        "url_key": story.url_key,
        "outlet": story.outlet,
        "headline": story.headline,
        "published_at": story.published_at,
        "author": ", ".join(story.authors) or None,
        "authors": list(story.authors),
        "summary": story.summary,
        "status": PENDING,
        "title_key": story.title_key,
        "first_seen_at": now,
        "last_seen_at": now,
        "updated_at": now,
        "is_primary": True,
    }


def _insert_rows(
    session: Session,
    stories: Sequence[PendingStory],
    ids: Sequence[int],
    *,
    source_id: str,
    now: datetime,
) -> None:
    """Keys, sightings and entry states of new items ``ids`` (one executemany each)."""
    connection = session.connection()
    # Keys in one order for every writer, so two inserts of overlapping keys wait, not deadlock.
    keys = sorted(
        {
            (kind, value, item_id)
            for s, item_id in zip(stories, ids, strict=True)
            for kind, value in s.keys
        }
    )
    if keys:
        connection.execute(
            insert(ItemKeyRow), [{"item_id": i, "kind": k, "value": v} for k, v, i in keys]
        )
    connection.execute(
        insert(SightingRow),
        [
            {
                "item_id": item_id,
                "source_id": source_id,
                "url": s.url,
                "first_seen_at": now,
                "last_seen_at": now,
                "times": 1,
            }
            for s, item_id in zip(stories, ids, strict=True)
        ],
    )
    states = [
        {"item_id": item_id, "source_id": source_id, "entry_hash": s.entry_hash, "updated_at": now}
        for s, item_id in zip(stories, ids, strict=True)
        if s.entry_hash is not None
    ]
    if states:
        connection.execute(insert(EntryStateRow), states)


def add_pending(
    store: Store, stories: Sequence[PendingStory], *, source_id: str, now: datetime
) -> list[tuple[Outcome, int]]:
    """Store new stories as pending items: ``("new", id)``, or ``("seen", id)`` when stored.

    One transaction for the whole batch (the caller looked every story up a
    moment ago). When a unique key refuses it, another writer stored one of
    them meanwhile: each story is then stored in its own transaction, looked
    up first, and a story found is recorded as a sighting.
    """
    if not stories:
        return []
    try:
        with store.session() as session, session.begin():
            rows = [_item_values(s, now) for s in stories]
            returned = session.connection().execute(
                insert(ItemRow).returning(ItemRow.id, sort_by_parameter_order=True), rows
            )
            ids = [int(r[0]) for r in returned]
            _insert_rows(session, stories, ids, source_id=source_id, now=now)
        return [("new", item_id) for item_id in ids]
    except DBAPIError as exc:
        if not _write_conflict(exc):
            raise
    return [_add_one(store, story, source_id=source_id, now=now) for story in stories]


def _add_one(
    store: Store, story: PendingStory, *, source_id: str, now: datetime
) -> tuple[Outcome, int]:
    for _attempt in range(SAVE_ATTEMPTS):
        try:
            with store.session() as session, session.begin():
                existing = store._find(
                    session, story.keys, story.title_key, story.published_at, TITLE_WINDOW
                )
                if existing is not None:
                    store._seen(session, existing, source_id, story.url, story.keys, now)
                    return "seen", existing
                returned = session.connection().execute(
                    insert(ItemRow).returning(ItemRow.id), [_item_values(story, now)]
                )
                item_id = int(returned.scalar_one())
                _insert_rows(session, [story], [item_id], source_id=source_id, now=now)
                return "new", item_id
        except DBAPIError as exc:
            if not _write_conflict(exc):
                raise
    raise RuntimeError(f"could not store story {story.url} after {SAVE_ATTEMPTS} attempts")


def _owners(session: Session, pairs: Sequence[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """The item holding each of these keys (those stored)."""
    found: dict[tuple[str, str], int] = {}
    for start in range(0, len(pairs), 200):
        chunk = pairs[start : start + 200]
        rows = session.execute(
            select(ItemKeyRow.kind, ItemKeyRow.value, ItemKeyRow.item_id).where(
                # OR of pairs: a row-value IN list scans item_keys on SQLite (Store._find).
                or_(*(and_(ItemKeyRow.kind == k, ItemKeyRow.value == v) for k, v in chunk))
            )
        )
        found.update({(r.kind, r.value): r.item_id for r in rows})
    return found


def _apply(row: ItemRow, story: StoryData) -> None:
    """The analysis of a pending item onto its row."""
    row.canonical_url = story.canonical_url
    row.outlet = story.outlet
    row.headline = story.headline
    row.published_at = story.published_at
    row.author = ", ".join(story.authors) or None
    row.authors = list(story.authors)
    row.summary = story.summary
    row.excerpt = story.excerpt
    row.text = story.text
    row.status = story.status
    row.status_reason = story.status_reason
    row.relevant = story.relevant
    row.quotes = story.quotes
    row.programs = story.programs
    row.cities = story.cities
    row.evidence = story.evidence
    row.analysed_at = story.analysed_at
    row.analysis_note = story.analysis_note
    row.title_key = story.title_key


def finish(store: Store, analysed: Sequence[Analysed], *, now: datetime) -> dict[int, int]:
    """Write the analyses of pending items in one transaction; ``{pending id: final id}``.

    Per item: the analysis fields and status, program and city tags, keys the
    page added (its canonical URL), then the near-duplicate fingerprint and
    story (``storage.story_index.join_story``, in item order, so a copy later
    in the batch joins an earlier one). An item whose new key belongs to
    another item is that item's copy under another link: it is removed and
    the other item gets the sighting (the final id is then the other's).
    Items no longer pending (removed, or finished by another collector) are
    left alone and map to themselves.
    """
    final: dict[int, int] = {}
    if not analysed:
        return final
    with store.session() as session, session.begin():
        ids = sorted({a.item_id for a in analysed})
        rows = {
            row.id: row
            for start in range(0, len(ids), 500)
            for row in session.scalars(
                select(ItemRow)
                .where(ItemRow.id.in_(ids[start : start + 500]), ItemRow.status == PENDING)
                .order_by(ItemRow.id)
                # PostgreSQL: a second writer of the same items waits, then sees them done.
                .with_for_update()
            )
        }
        pairs = sorted({pair for a in analysed for pair in a.story.keys})
        owners = _owners(session, pairs)
        tags: list[dict[str, Any]] = []
        keys: list[dict[str, Any]] = []
        for item in analysed:
            row = rows.get(item.item_id)
            if row is None:
                final[item.item_id] = item.item_id
                continue
            other = next(
                (owners[p] for p in item.story.keys if owners.get(p, row.id) != row.id), None
            )
            if other is not None:
                session.execute(delete(ItemRow).where(ItemRow.id == row.id))
                session.expunge(row)
                store._seen(session, other, item.source_id, item.seen_url, item.story.keys, now)
                final[item.item_id] = other
                continue
            for pair in item.story.keys:
                if pair not in owners:
                    owners[pair] = row.id
                    keys.append({"item_id": row.id, "kind": pair[0], "value": pair[1]})
            _apply(row, item.story)
            tags += [
                {"item_id": row.id, "kind": kind, "value": value}
                for kind, values in (("program", item.story.programs), ("city", item.story.cities))
                for value in dict.fromkeys(values)
            ]
            final[item.item_id] = row.id
        connection = session.connection()
        if keys:
            connection.execute(
                insert(ItemKeyRow), sorted(keys, key=lambda k: (k["kind"], k["value"]))
            )
        if tags:
            connection.execute(insert(ItemTagRow), tags)
        session.flush()  # the analysis fields: one executemany UPDATE (same columns per row)
        for item in analysed:
            row = rows.get(item.item_id)
            if row is not None and final[item.item_id] == row.id:
                fp = item.story.fingerprint or store.neardup.fingerprint(row.headline, row.text)
                join_story(session, row, fp, store.neardup, now=now)  # a copy joins its story
    return final


def pending(store: Store, *, limit: int = 200, before: datetime | None = None) -> list[PendingItem]:
    """Items still waiting for their analysis, oldest first (``before``: first seen earlier)."""
    with store.session() as session:
        query = (
            select(ItemRow)
            .where(ItemRow.status == PENDING)
            .order_by(ItemRow.status, ItemRow.first_seen_at, ItemRow.id)
            .limit(limit)
        )
        if before is not None:
            query = query.where(ItemRow.first_seen_at < before)
        rows = list(session.scalars(query))
        sources: dict[int, str] = {}
        if rows:
            for sighting in session.execute(
                select(SightingRow.item_id, SightingRow.source_id)
                .where(SightingRow.item_id.in_([r.id for r in rows]))
                .order_by(SightingRow.id)
            ):
                sources.setdefault(sighting.item_id, sighting.source_id)
        return [
            PendingItem(
                item_id=r.id,
                url=r.url,
                source_id=sources.get(r.id, "manual"),
                outlet=r.outlet,
                headline=r.headline,
                published_at=r.published_at,
                summary=r.summary,
                authors=tuple(r.authors or ()),
            )
            for r in rows
        ]
