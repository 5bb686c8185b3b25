"""Sightings: a stored story seen again, by which source, under which URL, how often.

A sighting is unique per (item, source, URL); seeing it again counts one more
time. Keys a source gives a known story (a new GUID, a re-link) become its
aliases, at most ``MAX_GUID_ALIASES`` GUIDs per source so a feed that changes
GUIDs on every fetch cannot grow ``item_keys``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    and_,
    bindparam,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from scraper.models.stored import (
    Sighting,
)
from storage.base import StoreBase
from storage.story_tables import EntryStateRow
from storage.tables import ItemKeyRow, ItemRow, SightingRow

MAX_GUID_ALIASES = 3  # GUIDs one source may give one story (a feed changing them every fetch)
KEY_CHUNK = 200  # (kind, value) pairs per lookup statement


class SightingTable(StoreBase):
    """Sightings of stored stories (part of ``storage.store.Store``)."""

    def record_sightings(
        self, sightings: Sequence[Sighting], *, source_id: str, now: datetime
    ) -> set[int]:
        """Record that ``source_id`` saw these stored stories again, in one transaction.

        Per story, as ``record_sighting``: the sighting (new, or one more
        time), keys not stored yet become aliases, ``last_seen_at``. With an
        ``entry_hash``, the source's first entry for a story is recorded; the
        ids returned are the stories whose entry differs from the one recorded
        (left as it was: ``storage.revisions.entry_changed`` records it when the
        caller reads the article again).
        """
        if not sightings:
            return set()
        changed: set[int] = set()
        ids = sorted({s.item_id for s in sightings})
        module = postgresql if self.dialect == "postgresql" else sqlite
        with self.session() as session, session.begin():
            connection = session.connection()
            pairs = list(dict.fromkeys(pair for s in sightings for pair in s.keys))
            stored: set[tuple[str, str]] = set()
            for start in range(0, len(pairs), KEY_CHUNK):
                chunk = pairs[start : start + KEY_CHUNK]
                stored.update(
                    (r.kind, r.value)
                    for r in connection.execute(
                        select(ItemKeyRow.kind, ItemKeyRow.value).where(
                            or_(
                                *(
                                    and_(ItemKeyRow.kind == k, ItemKeyRow.value == v)
                                    for k, v in chunk
                                )
                            )
                        )
                    )
                )
            for sighting in sorted(sightings, key=lambda s: s.item_id):
                for kind, value in sorted(set(sighting.keys) - stored):
                    if self._add_alias(session, sighting.item_id, kind, value):
                        stored.add((kind, value))
            upsert = module.insert(SightingRow).values(
                item_id=bindparam("p_item"),
                source_id=source_id,
                url=bindparam("p_url"),
                first_seen_at=now,
                last_seen_at=now,
                times=1,
            )
            upsert = upsert.on_conflict_do_update(
                index_elements=["item_id", "source_id", "url"],
                set_={"last_seen_at": now, "times": SightingRow.times + 1},
            )
            connection.execute(upsert, [{"p_item": s.item_id, "p_url": s.url} for s in sightings])
            for start in range(0, len(ids), 500):
                connection.execute(
                    update(ItemRow)
                    .where(ItemRow.id.in_(ids[start : start + 500]))
                    .values(last_seen_at=now)
                )
            tracked = [s for s in sightings if s.entry_hash is not None]
            if tracked:
                known = {
                    r.item_id: r.entry_hash
                    for start in range(0, len(ids), 500)
                    for r in connection.execute(
                        select(EntryStateRow.item_id, EntryStateRow.entry_hash).where(
                            EntryStateRow.source_id == source_id,
                            EntryStateRow.item_id.in_(ids[start : start + 500]),
                        )
                    )
                }
                first: list[dict[str, Any]] = []
                for sighting in tracked:
                    before = known.get(sighting.item_id)
                    if before is None:  # the first entry a source gives is never a change
                        known[sighting.item_id] = str(sighting.entry_hash)
                        first.append(
                            {
                                "item_id": sighting.item_id,
                                "source_id": source_id,
                                "entry_hash": sighting.entry_hash,
                                "updated_at": now,
                            }
                        )
                    elif before != sighting.entry_hash:
                        changed.add(sighting.item_id)
                if first:
                    connection.execute(module.insert(EntryStateRow).on_conflict_do_nothing(), first)
        return changed

    def record_sighting(
        self,
        item_id: int,
        *,
        source_id: str,
        url: str,
        keys: Sequence[tuple[str, str]],
        now: datetime,
    ) -> None:
        """Note that a known story was seen again (new keys become aliases)."""
        with self.session() as session, session.begin():
            self._seen(session, item_id, source_id, url, keys, now)

    def _seen(
        self,
        session: Session,
        item_id: int,
        source_id: str,
        url: str,
        keys: Sequence[tuple[str, str]],
        now: datetime,
    ) -> None:
        self._sighting(session, item_id, source_id, url, now)
        for kind, value in sorted(dict.fromkeys(keys)):
            self._add_alias(session, item_id, kind, value)
        session.execute(update(ItemRow).where(ItemRow.id == item_id).values(last_seen_at=now))

    def _add_alias(self, session: Session, item_id: int, kind: str, value: str) -> bool:
        """Store a key of a known story; False when it is one GUID too many from its source.

        A feed that changes its GUIDs on every fetch must not grow ``item_keys``:
        at most ``MAX_GUID_ALIASES`` GUIDs per source and story.
        """
        if kind == "guid" and self._guid_aliases(session, item_id, value) >= MAX_GUID_ALIASES:
            return False
        self._insert_ignore(session, ItemKeyRow, {"item_id": item_id, "kind": kind, "value": value})
        return True

    @staticmethod
    def _guid_aliases(session: Session, item_id: int, key: str) -> int:
        """GUID keys the item already has from the source of ``key`` (``source:guid``)."""
        prefix = key.split(":", 1)[0] + ":"
        return int(
            session.scalar(
                select(func.count(ItemKeyRow.id)).where(
                    ItemKeyRow.item_id == item_id,
                    ItemKeyRow.kind == "guid",
                    ItemKeyRow.value.startswith(prefix, autoescape=True),
                    ItemKeyRow.value != key,
                )
            )
            or 0
        )

    def _sighting(
        self, session: Session, item_id: int, source_id: str, url: str, now: datetime
    ) -> None:
        inserted = self._insert_ignore(
            session,
            SightingRow,
            {
                "item_id": item_id,
                "source_id": source_id,
                "url": url,
                "first_seen_at": now,
                "last_seen_at": now,
                "times": 1,
            },
        )
        if not inserted:
            session.execute(
                update(SightingRow)
                .where(
                    SightingRow.item_id == item_id,
                    SightingRow.source_id == source_id,
                    SightingRow.url == url,
                )
                .values(last_seen_at=now, times=SightingRow.times + 1)
            )
