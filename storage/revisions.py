"""Stories that change after they are stored: a corrected headline, an updated article.

``entry_changed`` records that a source's entry for a story changed;
``update_item`` stores the re-read article as a new revision (the old values
kept in ``revisions``), re-fingerprints it and re-checks its story group;
``reindex`` re-fingerprints every item (after a change of the fingerprint).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select

from scraper.models.errors import StoryError
from scraper.models.stored import RevisionRecord, StoryData
from storage.store import Store
from storage.story_index import (
    find_copy,
    follow_primary,
    join_story,
    store_fingerprint,
    when,
)
from storage.story_tables import EntryStateRow, ItemRevisionRow, StoryRow
from storage.tables import ItemRow
from storage.tags import sync_tags

# The fields of a stored article that a re-read may update (kept in its revision).
UPDATED_FIELDS = ("headline", "text", "summary", "excerpt", "published_at", "authors")


def entry_changed(
    store: Store, item_id: int, *, source_id: str, entry_hash: str, now: datetime
) -> bool:
    """Record the entry a source gave for an item; True when it differs from the last one.

    The first entry a source gives for an item is never a change: a search
    feed titling a story its own way is not a correction.
    """
    with store.session() as session, session.begin():
        state = session.get(EntryStateRow, (item_id, source_id))
        if state is None:
            session.add(
                EntryStateRow(
                    item_id=item_id, source_id=source_id, entry_hash=entry_hash, updated_at=now
                )
            )
            return False
        if state.entry_hash == entry_hash:
            return False
        state.entry_hash, state.updated_at = entry_hash, now
        return True


def _values(row: ItemRow) -> dict[str, Any]:
    return {
        "headline": row.headline,
        "text": row.text,
        "summary": row.summary,
        "excerpt": row.excerpt,
        "published_at": row.published_at.isoformat() if row.published_at else None,
        "authors": list(row.authors or []),
    }


def update_item(
    store: Store, item_id: int, data: StoryData, *, source_id: str | None, now: datetime
) -> list[str]:
    """Update a stored item from a new reading of its article; returns the changed fields.

    Only the article's own fields change (headline, text, summary, excerpt,
    date, authors) and the analysis behind them; review edits, status and
    story membership stay. Nothing changes when the new reading has no text
    and the stored one has (a page that failed to load is not a correction).
    """
    with store.session() as session, session.begin():
        row = session.get(ItemRow, item_id)
        if row is None:
            raise StoryError(f"no item {item_id}")
        if row.text and not data.text:
            return []
        before = _values(row)
        fresh = {
            "headline": data.headline,
            "text": data.text,
            "summary": data.summary,
            "excerpt": data.excerpt,
            "published_at": data.published_at.isoformat() if data.published_at else None,
            "authors": list(data.authors),
        }
        changed = [k for k in UPDATED_FIELDS if fresh[k] != before[k] and fresh[k] is not None]
        if not any(k in changed for k in ("headline", "text")):
            return []
        session.add(
            ItemRevisionRow(
                item_id=row.id,
                revision=row.revision or 1,
                changed_at=now,
                source_id=source_id,
                fields=changed,
                before={k: before[k] for k in changed},
            )
        )
        row.headline = data.headline or row.headline
        row.text = data.text or row.text
        row.summary = data.summary or row.summary
        row.excerpt = data.excerpt or row.excerpt
        row.published_at = data.published_at or row.published_at
        if data.authors:
            row.authors, row.author = list(data.authors), ", ".join(data.authors)
        row.quotes, row.evidence = data.quotes, data.evidence
        row.programs, row.cities = data.programs, data.cities
        row.analysed_at, row.analysis_note = data.analysed_at, data.analysis_note
        row.revision = (row.revision or 1) + 1
        row.updated_at = now
        session.flush()
        sync_tags(session, row)
        store_fingerprint(session, row, store.neardup.fingerprint(row.headline, row.text))
        return changed


def revisions(store: Store, item_id: int) -> list[RevisionRecord]:
    """The change log of an item, oldest first: revision, when, source, fields, before."""
    with store.session() as session:
        rows = session.scalars(
            select(ItemRevisionRow)
            .where(ItemRevisionRow.item_id == item_id)
            .order_by(ItemRevisionRow.revision, ItemRevisionRow.id)
        )
        return [
            {
                "revision": r.revision,
                "changed_at": r.changed_at.isoformat(),
                "source": r.source_id,
                "fields": list(r.fields or []),
                "before": dict(r.before or {}),
            }
            for r in rows
        ]


def reindex(store: Store, *, now: datetime, batch: int = 200) -> int:
    """Fingerprint the items that have none yet (stored before issue 8); returns their number.

    Items are taken oldest first, so the first-seen copy of a story stays its
    primary. A lone item nobody has reviewed yet that turns out to be a copy
    joins the older story; reviewed items keep their own story (a reviewer
    can merge them by hand).
    """
    done = 0
    while True:
        with store.session() as session, session.begin():
            rows = list(
                session.scalars(
                    select(ItemRow)
                    .where(ItemRow.content_hash.is_(None))
                    .order_by(ItemRow.first_seen_at, ItemRow.id)
                    .limit(batch)
                )
            )
            if not rows:
                return done
            for row in rows:
                done += 1
                fp = store.neardup.fingerprint(row.headline, row.text)
                if row.story_id is None:
                    join_story(session, row, fp, store.neardup, now=now)
                    continue
                found = find_copy(
                    session, fp, store.neardup, headline=row.headline, at=when(row), exclude=row.id
                )
                store_fingerprint(session, row, fp)
                if found is None or found[0].story_id in (None, row.story_id):
                    continue
                alone = not session.scalar(
                    select(func.count(ItemRow.id)).where(
                        ItemRow.story_id == row.story_id, ItemRow.id != row.id
                    )
                )
                if alone and row.status in ("candidate", "filtered"):
                    session.execute(delete(StoryRow).where(StoryRow.id == row.story_id))
                    row.story_id, row.is_primary = found[0].story_id, False
                    session.flush()
                    follow_primary(session, row.story_id)
