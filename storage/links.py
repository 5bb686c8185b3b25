"""Repository functions of resolved links: the cache, and items still on a Google link.

``LinkCache`` is what ``scraper.identity.resolve`` reads and writes (a lookup per pass
for many links at once, one transaction per write). ``item_urls`` and
``move_to_article`` serve the later pass that resolves a link an item was
stored under: the item then takes the article's URL.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import and_, or_, select, update

from scraper.models import LinkRecord
from storage.link_tables import LinkResolutionRow
from storage.store import Store
from storage.tables import ItemKeyRow, ItemRow

CHUNK = 200  # keys per query


class LinkCache:
    """Resolved links stored in the database, so they survive restarts."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def get_links(self, keys: Sequence[str]) -> dict[str, LinkRecord]:
        found: dict[str, LinkRecord] = {}
        unique = list(dict.fromkeys(keys))
        with self.store.session() as session:
            for start in range(0, len(unique), CHUNK):
                rows = session.scalars(
                    select(LinkResolutionRow).where(
                        LinkResolutionRow.key.in_(unique[start : start + CHUNK])
                    )
                )
                for row in rows:
                    found[row.key] = LinkRecord(
                        key=row.key,
                        url=row.url,
                        attempts=row.attempts,
                        last_error=row.last_error,
                        retry_at=row.retry_at,
                        resolved_at=row.resolved_at,
                    )
        return found

    def put_links(self, records: Iterable[LinkRecord]) -> None:
        """Insert or replace these records (one transaction)."""
        with self.store.session() as session, session.begin():
            for record in records:
                row = session.get(LinkResolutionRow, record.key)
                if row is None:
                    row = LinkResolutionRow(key=record.key)
                    session.add(row)
                row.url = record.url
                row.attempts = record.attempts
                row.last_error = record.last_error
                row.retry_at = record.retry_at
                row.resolved_at = record.resolved_at


def item_urls(store: Store, ids: Iterable[int]) -> dict[int, str]:
    """The stored URL of each of these items."""
    wanted = sorted(set(ids))
    found: dict[int, str] = {}
    with store.session() as session:
        for start in range(0, len(wanted), CHUNK):
            rows = session.execute(
                select(ItemRow.id, ItemRow.url).where(ItemRow.id.in_(wanted[start : start + CHUNK]))
            )
            found.update((r.id, r.url) for r in rows)
    return found


def taken(store: Store, item_id: int, url_key: str) -> bool:
    """Whether another item than ``item_id`` is stored under ``url_key`` (or has it as a key)."""
    with store.session() as session:
        other = session.scalar(
            select(ItemRow.id).where(ItemRow.url_key == url_key, ItemRow.id != item_id).limit(1)
        )
        if other is None:
            other = session.scalar(
                select(ItemKeyRow.item_id)
                .where(
                    ItemKeyRow.kind == "url",
                    ItemKeyRow.value == url_key,
                    ItemKeyRow.item_id != item_id,
                )
                .limit(1)
            )
    return other is not None


def move_to_article(
    store: Store,
    item_id: int,
    *,
    url: str,
    canonical_url: str,
    url_key: str,
    keys: Sequence[tuple[str, str]],
    status: tuple[str, str | None, bool | None] | None,
    now: datetime,
) -> bool:
    """Give an item stored under a search link its article URL; False if another item has it.

    The article's keys become the item's (the search link's key stays, as an alias).
    ``status``: ``(status, reason, relevant)`` from the article's analysis, applied
    only while nobody has reviewed the item (it is still candidate or filtered).
    """
    with store.session() as session, session.begin():
        taken = session.scalar(
            select(ItemRow.id).where(ItemRow.url_key == url_key, ItemRow.id != item_id)
        )
        owner = (
            session.scalar(
                select(ItemKeyRow.item_id)
                .where(
                    ItemKeyRow.item_id != item_id,
                    or_(*(and_(ItemKeyRow.kind == k, ItemKeyRow.value == v) for k, v in keys)),
                )
                .limit(1)
            )
            if keys
            else None
        )
        if taken is not None or owner is not None:
            return False
        session.execute(
            update(ItemRow)
            .where(ItemRow.id == item_id)
            .values(url=url, canonical_url=canonical_url, url_key=url_key, updated_at=now)
        )
        if status is not None:
            session.execute(
                update(ItemRow)
                .where(ItemRow.id == item_id, ItemRow.status.in_(("candidate", "filtered")))
                .values(status=status[0], status_reason=status[1], relevant=status[2])
            )
        have = {
            (r.kind, r.value)
            for r in session.execute(
                select(ItemKeyRow.kind, ItemKeyRow.value).where(ItemKeyRow.item_id == item_id)
            )
        }
        for kind, value in dict.fromkeys(keys):
            if (kind, value) not in have:
                session.add(ItemKeyRow(item_id=item_id, kind=kind, value=value))
    return True
