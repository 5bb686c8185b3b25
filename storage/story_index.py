"""The persisted near-duplicate index: group a new item with the story it copies.

Session-level functions, called inside the caller's transaction
(``Store.save_story`` groups a new item in the same transaction that inserts
it). The item's LSH band keys (``scraper.identity.neardup``) are looked up in
``story_bands`` (one indexed query, at most ``MAX_CANDIDATES`` rows), each
candidate's stored signature is compared with ``scraper.identity.neardup.match``, and
the item joins the story of the best match within ``TEXT_WINDOW`` (texts) or
``TITLE_WINDOW`` (headlines only) of its date. No pairwise scan and no
in-memory index: the cost does not grow with the number of stored items.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import TextClause, delete, func, insert, select, text, update
from sqlalchemy.orm import Session, aliased

from scraper.models.errors import StoryError
from scraper.models.stored import Fingerprint, Match, NearDuplicates, Stored
from storage.story_tables import StoryBandRow, StoryRow
from storage.tables import ItemRow

MAX_CANDIDATES = 200  # band matches read per new item: bounds the cost when a band is common
TEXT_WINDOW = timedelta(days=30)  # copies of a text are published within this of each other
TITLE_WINDOW = timedelta(days=3)  # headline-only matches: a recurring headline must not merge


@dataclass(frozen=True, slots=True)
class Joined:
    """How a new item was grouped: the story, and the match when it joined one."""

    story_id: int
    primary_item_id: int
    match: Match | None = None


def when(row: ItemRow) -> datetime:
    """The date a story is compared by: published, else first seen."""
    return row.published_at or row.first_seen_at


@functools.lru_cache(maxsize=8)
def _band_query(count: int) -> TextClause:
    """The candidates sharing any of ``count`` bands, at most ``MAX_CANDIDATES``.

    One equality test per band, OR-ed: SQLite (a MULTI-INDEX OR plan) and
    PostgreSQL (a BitmapOr) answer each with a probe of the ``(band, hash)``
    primary key; a row-value ``IN`` list would scan the table on SQLite. The
    statement is plain SQL cached per band count: building it as an
    expression cost more than running it.
    """
    terms = " OR ".join(f"(band = :b{n} AND hash = :h{n})" for n in range(count))
    return text(
        f"SELECT item_id FROM story_bands WHERE ({terms}) AND item_id != :exclude "
        f"LIMIT {MAX_CANDIDATES}"
    )


def find_copy(
    session: Session,
    fp: Fingerprint,
    neardup: NearDuplicates,
    *,
    headline: str | None,
    at: datetime,
    exclude: int | None = None,
) -> tuple[ItemRow, Match] | None:
    """The stored item ``fp`` is a copy of (best match first), or None."""
    if not fp.bands:
        return None
    params: dict[str, int] = {"exclude": -1 if exclude is None else exclude}
    for n, (band, value) in enumerate(fp.bands):
        params[f"b{n}"], params[f"h{n}"] = band, value
    query = _band_query(len(fp.bands))
    ids = list(dict.fromkeys(session.scalars(query, params)))
    if not ids:
        return None
    best: tuple[ItemRow, Match] | None = None
    for row in session.scalars(select(ItemRow).where(ItemRow.id.in_(ids))):
        stored = Stored(row.headline, row.neardup_signature, row.shingle_count)
        found = neardup.match(fp, headline, stored)
        if found is None:
            continue
        window = TEXT_WINDOW if found.by == "text" else TITLE_WINDOW
        if abs(when(row) - at) > window:
            continue
        if best is None or (found.by, found.jaccard) > (best[1].by, best[1].jaccard):
            best = (row, found)
    return best


def store_fingerprint(session: Session, row: ItemRow, fp: Fingerprint) -> None:
    row.neardup_signature = fp.signature
    row.shingle_count = fp.shingles
    row.content_hash = fp.content_hash
    session.execute(delete(StoryBandRow).where(StoryBandRow.item_id == row.id))
    bands = [{"band": b, "hash": h, "item_id": row.id} for b, h in sorted(set(fp.bands))]
    if bands:  # one executemany, not one ORM object per band
        session.execute(insert(StoryBandRow), bands)


def join_story(
    session: Session, row: ItemRow, fp: Fingerprint, neardup: NearDuplicates, *, now: datetime
) -> Joined:
    """Put a just-inserted item in a story: the story it is a copy of, or a new one."""
    found = find_copy(session, fp, neardup, headline=row.headline, at=when(row), exclude=row.id)
    store_fingerprint(session, row, fp)
    if found is None or found[0].story_id is None:
        story = StoryRow(primary_item_id=row.id, created_at=now, updated_at=now)
        session.add(story)
        session.flush()
        row.story_id, row.is_primary = story.id, True
        return Joined(story.id, row.id)
    story_id = found[0].story_id
    primary = primary_of(session, story_id)
    row.story_id, row.is_primary = story_id, False
    if primary.status == "filtered" and row.status == "candidate":
        # The copy found relevance the primary missed: the story goes to the queue.
        primary.status, primary.status_reason = "candidate", None
    session.flush()
    follow_primary(session, story_id)
    touch(session, story_id, now)
    return Joined(story_id, primary.id, found[1])


def primary_of(session: Session, story_id: int) -> ItemRow:
    story = session.get(StoryRow, story_id)
    row = session.get(ItemRow, story.primary_item_id) if story and story.primary_item_id else None
    if row is None:  # a story whose primary is gone: its oldest item takes over
        row = session.scalar(
            select(ItemRow).where(ItemRow.story_id == story_id).order_by(ItemRow.id).limit(1)
        )
        if row is None:
            raise StoryError(f"story {story_id} has no items")
        make_primary(session, story_id, row)
    return row


def make_primary(session: Session, story_id: int, row: ItemRow) -> None:
    session.execute(update(ItemRow).where(ItemRow.story_id == story_id).values(is_primary=False))
    session.execute(update(StoryRow).where(StoryRow.id == story_id).values(primary_item_id=row.id))
    session.flush()
    session.refresh(row)
    row.is_primary = True


def touch(session: Session, story_id: int, now: datetime) -> None:
    session.execute(update(StoryRow).where(StoryRow.id == story_id).values(updated_at=now))


def follow_primary(session: Session, story_id: int | None) -> int:
    """Give every copy of the story its primary's status; returns the copies changed.

    Call after any status change of a primary (approve, reject, publish...):
    this is what makes a review decision apply to the group.
    """
    if story_id is None:
        return 0
    primary = primary_of(session, story_id)
    result = session.execute(
        update(ItemRow)
        .where(
            ItemRow.story_id == story_id,
            ItemRow.id != primary.id,
            (ItemRow.status != primary.status)
            | (func.coalesce(ItemRow.status_reason, "") != (primary.status_reason or "")),
        )
        .values(status=primary.status, status_reason=primary.status_reason)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def follow_primaries(session: Session, item_ids: Sequence[int]) -> None:
    """``follow_primary`` for the stories of ``item_ids``, in one statement per 500 ids.

    For callers that change the status of many items at once (bulk review,
    a publishing build): each story's copies take its primary's status.
    """
    primary, changed = aliased(ItemRow), aliased(ItemRow)
    for start in range(0, len(item_ids), 500):
        chunk = list(item_ids[start : start + 500])
        stories = select(changed.story_id).where(changed.id.in_(chunk)).scalar_subquery()
        status_of_primary = (
            select(primary.status)
            .where(primary.story_id == ItemRow.story_id, primary.is_primary.is_(True))
            .limit(1)
            .scalar_subquery()
        )
        session.execute(
            update(ItemRow)
            .where(ItemRow.is_primary.is_(False), ItemRow.story_id.in_(stories))
            .values(status=func.coalesce(status_of_primary, ItemRow.status))
            .execution_options(synchronize_session=False)
        )
