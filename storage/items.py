"""Stories as collected: lookup by identity keys, sightings, storing a new story, reading items.

The identity keys (``item_keys``), the URL key and the sighting key are unique,
so a story fetched twice, re-linked or stored by two collectors at once is one
item; a copy of a stored story (by text or headline) joins its story through
``storage.story_index``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import (
    and_,
    func,
    insert,
    or_,
    select,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from scraper.models.stored import (
    ItemRecord,
    Outcome,
    StoryData,
    StoryLookup,
)
from storage.base import SAVE_ATTEMPTS, _write_conflict
from storage.records import item_json
from storage.sightings import KEY_CHUNK, SightingTable
from storage.story_index import join_story
from storage.story_tables import EntryStateRow
from storage.tables import ItemKeyRow, ItemRow, ItemTagRow, SightingRow
from storage.tags import tag_rows


class ItemTable(SightingTable):
    """Reads and writes of stories and their sightings (part of ``storage.store.Store``)."""

    def find_story(
        self,
        keys: Sequence[tuple[str, str]],
        *,
        title_key: str | None = None,
        published_at: datetime | None = None,
        window: timedelta = timedelta(days=7),
    ) -> int | None:
        """The id of the stored story with any of these keys (then by title), or None."""
        with self.session() as session:
            return self._find(session, keys, title_key, published_at, window)

    def _find(
        self,
        session: Session,
        keys: Sequence[tuple[str, str]],
        title_key: str | None,
        published_at: datetime | None,
        window: timedelta,
    ) -> int | None:
        if keys:
            found = session.scalar(
                select(ItemKeyRow.item_id)
                # OR of pairs, not (kind, value) IN (...): SQLite scans the whole table
                # for a row-value IN list of two or more pairs (every entry with a GUID).
                .where(or_(*(and_(ItemKeyRow.kind == k, ItemKeyRow.value == v) for k, v in keys)))
                .limit(1)
            )
            if found is not None:
                return found
        if title_key is None:
            return None
        query = select(ItemRow.id).where(ItemRow.title_key == title_key)
        if published_at is not None:
            query = query.where(
                or_(
                    ItemRow.published_at.is_(None),
                    and_(
                        ItemRow.published_at >= published_at - window,
                        ItemRow.published_at <= published_at + window,
                    ),
                )
            )
        return session.scalar(query.order_by(ItemRow.id).limit(1))

    def find_stories(
        self, lookups: Sequence[StoryLookup], *, window: timedelta = timedelta(days=7)
    ) -> list[int | None]:
        """``find_story`` for many entries at once (a whole feed): one query per 200 keys.

        The same answer as ``find_story`` for each lookup: a story with any of
        its keys, else the oldest with its title key within ``window`` of its
        date (or without a date).
        """
        found: list[int | None] = [None] * len(lookups)
        if not lookups:
            return found
        pairs = list(dict.fromkeys(pair for lookup in lookups for pair in lookup.keys))
        by_key: dict[tuple[str, str], int] = {}
        by_title: dict[str, list[tuple[int, datetime | None]]] = {}
        with self.session() as session:
            for start in range(0, len(pairs), KEY_CHUNK):
                chunk = pairs[start : start + KEY_CHUNK]
                rows = session.execute(
                    select(ItemKeyRow.kind, ItemKeyRow.value, ItemKeyRow.item_id).where(
                        # OR of pairs: see _find (a row-value IN list scans on SQLite).
                        or_(*(and_(ItemKeyRow.kind == k, ItemKeyRow.value == v) for k, v in chunk))
                    )
                )
                by_key.update({(r.kind, r.value): r.item_id for r in rows})
            unresolved = [lk.title_key for lk in lookups if not any(p in by_key for p in lk.keys)]
            titles = sorted({t for t in unresolved if t is not None})
            for start in range(0, len(titles), KEY_CHUNK):
                rows = session.execute(
                    select(ItemRow.id, ItemRow.title_key, ItemRow.published_at)
                    .where(ItemRow.title_key.in_(titles[start : start + KEY_CHUNK]))
                    .order_by(ItemRow.id)
                )
                for r in rows:
                    by_title.setdefault(r.title_key, []).append((r.id, r.published_at))
        for n, lookup in enumerate(lookups):
            hit = next((by_key[p] for p in lookup.keys if p in by_key), None)
            if hit is None and lookup.title_key is not None:
                at = lookup.published_at
                hit = next(
                    (
                        item_id
                        for item_id, published in by_title.get(lookup.title_key, [])
                        if at is None or published is None or abs(published - at) <= window
                    ),
                    None,
                )
            found[n] = hit
        return found

    def save_story(
        self,
        story: StoryData,
        *,
        source_id: str,
        seen_url: str,
        now: datetime,
        looked_up: bool = False,
        entry_hash: str | None = None,
    ) -> tuple[Outcome, int]:
        """Store a story once: ``("new", id)``, or ``("seen", id)`` when any key matches.

        Each attempt is one transaction: look the story up, then either record
        the sighting or insert it. The insert is guarded by the unique keys:
        when another writer stored the same story a moment earlier, the insert
        fails, the whole transaction is rolled back (on PostgreSQL a failed
        statement aborts the transaction, so nothing else may run in it), and
        the next attempt finds the other writer's row and records a sighting.

        ``looked_up``: the caller has just looked the story up (``find_story``,
        ``find_stories``) and found nothing, so the first attempt inserts at
        once; the unique keys still refuse a story stored in between, and the
        retry looks it up. ``entry_hash``: the source's entry for the story
        (``scraper.identity.neardup.entry_hash``), recorded with a new story in the
        same transaction (``storage.revisions.entry_changed`` reads it).
        """
        fingerprint = story.fingerprint or self.neardup.fingerprint(story.headline, story.text)
        for attempt in range(SAVE_ATTEMPTS):
            try:
                with self.session() as session, session.begin():
                    if attempt or not looked_up:
                        existing = self._find(
                            session,
                            story.keys,
                            story.title_key,
                            story.published_at,
                            timedelta(days=7),
                        )
                        if existing is not None:
                            self._seen(session, existing, source_id, seen_url, story.keys, now)
                            return "seen", existing
                    item = self._new_item(story, now)
                    session.add(item)
                    session.flush()
                    self._insert_parts(session, item.id, story, source_id, seen_url, now)
                    if entry_hash is not None:
                        session.connection().execute(
                            insert(EntryStateRow).values(
                                item_id=item.id,
                                source_id=source_id,
                                entry_hash=entry_hash,
                                updated_at=now,
                            )
                        )
                    join_story(
                        session, item, fingerprint, self.neardup, now=now
                    )  # a copy joins its story
                    return "new", item.id
            except DBAPIError as exc:
                if not _write_conflict(exc):
                    raise
                continue  # a concurrent writer stored it first: look again
        raise RuntimeError(f"could not store story {story.url} after {SAVE_ATTEMPTS} attempts")

    @staticmethod
    def _insert_parts(
        session: Session, item_id: int, story: StoryData, source_id: str, url: str, now: datetime
    ) -> None:
        """A new item's keys, tags and first sighting: one executemany per table (Core)."""
        connection = session.connection()
        # Keys in one order for every writer, so two inserts of overlapping
        # keys wait for each other instead of deadlocking.
        keys = [
            {"item_id": item_id, "kind": kind, "value": value}
            for kind, value in sorted(dict.fromkeys(story.keys))
        ]
        if keys:
            connection.execute(insert(ItemKeyRow), keys)
        tags = tag_rows(item_id, {"programs": story.programs, "cities": story.cities})
        if tags:
            connection.execute(insert(ItemTagRow), tags)
        connection.execute(  # a new item has no sighting yet: a plain insert
            insert(SightingRow).values(
                item_id=item_id,
                source_id=source_id,
                url=url,
                first_seen_at=now,
                last_seen_at=now,
                times=1,
            )
        )

    @staticmethod
    def _new_item(story: StoryData, now: datetime) -> ItemRow:
        return ItemRow(
            url=story.url,
            canonical_url=story.canonical_url,
            url_key=story.url_key,
            outlet=story.outlet,
            headline=story.headline,
            published_at=story.published_at,
            author=", ".join(story.authors) or None,
            authors=list(story.authors),
            summary=story.summary,
            excerpt=story.excerpt,
            text=story.text,
            status=story.status,
            status_reason=story.status_reason,
            relevant=story.relevant,
            quotes=story.quotes,
            programs=story.programs,
            cities=story.cities,
            evidence=story.evidence,
            analysed_at=story.analysed_at,
            analysis_note=story.analysis_note,
            title_key=story.title_key,
            first_seen_at=now,
            last_seen_at=now,
            updated_at=now,
        )

    def items(
        self,
        *,
        status: str | None = None,
        limit: int | None = None,
        offset: int = 0,
        newest_first: bool = True,
    ) -> list[ItemRecord]:
        """Items as plain dicts (``item_json``), newest first by default."""
        with self.session() as session:
            query = select(ItemRow)
            if status is not None:
                query = query.where(ItemRow.status == status)
            order = ItemRow.id.desc() if newest_first else ItemRow.id
            query = query.order_by(order).offset(offset)
            if limit is not None:
                query = query.limit(limit)
            rows = list(session.scalars(query))
            sightings = self._sightings_of(session, [r.id for r in rows])
            return [item_json(row, sightings.get(row.id, [])) for row in rows]

    def item(self, item_id: int) -> ItemRecord | None:
        with self.session() as session:
            row = session.get(ItemRow, item_id)
            if row is None:
                return None
            return item_json(row, self._sightings_of(session, [item_id]).get(item_id, []))

    def count_items(self, *, status: str | None = None) -> int:
        with self.session() as session:
            query = select(func.count(ItemRow.id))
            if status is not None:
                query = query.where(ItemRow.status == status)
            return int(session.scalar(query) or 0)

    @staticmethod
    def _sightings_of(session: Session, ids: Sequence[int]) -> dict[int, list[SightingRow]]:
        out: dict[int, list[SightingRow]] = {}
        if not ids:
            return out
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows = session.scalars(
                select(SightingRow)
                .where(SightingRow.item_id.in_(chunk))
                .order_by(SightingRow.first_seen_at, SightingRow.id)
            )
            for row in rows:
                out.setdefault(row.item_id, []).append(row)
        return out
