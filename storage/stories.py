"""Repository functions of stories and copies (issue 8).

A story is the group of items that are copies of one article. Its *primary*
item is the one the review desk shows and the outputs link to: the first
seen, or the copy a reviewer picks (``set_primary``: the home-town paper
rather than the wire). Review state (status, edits, notes) lives on the
primary; copies mirror its status (``follow_primary``), so approving or
rejecting the story applies to the whole group.

Grouping new items is ``storage.story_index`` (called inside
``Store.save_story``); this module is what reviewers and scripts do with
stories, and the updates of stored articles.

Updates (``update_item``): when an article already stored changes (same
URL, corrected headline or text), the item is updated in place, its
``revision`` goes up and the previous values are kept in
``item_revisions``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from scraper.models.errors import Conflict, StoryError
from scraper.models.stored import CopyRecord, ItemRecord, StoryRecord
from storage.audit import add_audit_row
from storage.store import Store
from storage.story_index import (
    follow_primary,
    make_primary,
    primary_of,
    touch,
)
from storage.story_tables import StoryRow
from storage.tables import ItemRow
from storage.tags import sync_tags

# Review state that belongs to the story and moves to a new primary.
STORY_FIELDS = (
    "status",
    "status_reason",
    "internal_note",
    "public_note",
    "reviewed_by",
    "reviewed_at",
    "first_published_at",
)


# --- reading --------------------------------------------------------------------


def copies_of(store: Store, story_ids: Iterable[int]) -> dict[int, list[CopyRecord]]:
    """Each story's items (primary first, then by date): id, outlet, url, published, primary."""
    wanted = sorted({s for s in story_ids if s is not None})
    out: dict[int, list[CopyRecord]] = {s: [] for s in wanted}
    with store.session() as session:
        for start in range(0, len(wanted), 500):
            rows = session.execute(
                select(
                    ItemRow.id,
                    ItemRow.story_id,
                    ItemRow.outlet,
                    ItemRow.url,
                    ItemRow.headline,
                    ItemRow.published_at,
                    ItemRow.first_seen_at,
                    ItemRow.is_primary,
                    ItemRow.edits,
                )
                .where(ItemRow.story_id.in_(wanted[start : start + 500]))
                .order_by(ItemRow.is_primary.desc(), ItemRow.first_seen_at, ItemRow.id)
            )
            for r in rows:
                edits = r.edits or {}
                out[r.story_id].append(
                    {
                        "id": r.id,
                        "outlet": edits.get("outlet", r.outlet),
                        "url": r.url,
                        "headline": edits.get("headline", r.headline),
                        "published": (r.published_at or r.first_seen_at).isoformat(),
                        "primary": bool(r.is_primary),
                    }
                )
    return out


def story(store: Store, item_id: int) -> StoryRecord:
    """The story of an item: ``{"id", "primary_item_id", "items": [...]}`` (see ``copies_of``)."""
    with store.session() as session:
        row = session.get(ItemRow, item_id)
        if row is None:
            raise StoryError(f"no item {item_id}")
        story_id = row.story_id
    if story_id is None:
        return {"id": None, "primary_item_id": item_id, "items": []}
    items = copies_of(store, [story_id])[story_id]
    primary = next((i["id"] for i in items if i["primary"]), item_id)
    return {"id": story_id, "primary_item_id": primary, "items": items}


def also_ran_in(copies: Sequence[Mapping[str, Any]], *, show: int = 2) -> str:
    """``"Outlet A, Outlet B (+3)"``: the outlets of a story's copies other than its primary."""
    outlets = list(
        dict.fromkeys(str(c["outlet"] or "unknown outlet") for c in copies if not c.get("primary"))
    )
    if not outlets:
        return ""
    more = len(outlets) - show
    return ", ".join(outlets[:show]) + (f" (+{more})" if more > 0 else "")


# --- reviewer actions -----------------------------------------------------------


def _load(session: Session, item_id: int) -> ItemRow:
    row = session.get(ItemRow, item_id)
    if row is None:
        raise StoryError(f"no item {item_id}")
    if row.story_id is None:  # stored before stories existed and never re-indexed
        story_row = StoryRow(
            primary_item_id=row.id, created_at=row.first_seen_at, updated_at=row.first_seen_at
        )
        session.add(story_row)
        session.flush()
        row.story_id, row.is_primary = story_row.id, True
    return row


def _hand_over(session: Session, old: ItemRow, new: ItemRow, *, now: datetime) -> None:
    """Move the story's review state from ``old`` to ``new`` (both in one story)."""
    for name in STORY_FIELDS:
        setattr(new, name, getattr(old, name))
    # An edited outlet named the old copy's outlet; every other edit is about the story.
    new.edits = {k: v for k, v in (old.edits or {}).items() if k != "outlet"}
    old.edits = {}
    old.internal_note = old.public_note = None
    old.first_published_at = None
    for row in (old, new):
        row.version = (row.version or 1) + 1
        row.updated_at = now
    session.flush()
    sync_tags(session, old)
    sync_tags(session, new)


StoryOp = Literal["primary", "split", "merge"]
STORY_OPS: tuple[StoryOp, ...] = ("primary", "split", "merge")


def act_on_story(
    store: Store,
    op: StoryOp,
    item_id: int,
    *,
    user: str,
    now: datetime,
    other: int | None = None,
    expected_version: int | None = None,
) -> StoryRecord:
    """One reviewer's action on a story, and its audit row, in one transaction.

    ``primary``: ``item_id`` becomes the copy the story links to (its review
    state moves with it); ``split``: ``item_id`` leaves its story for one of
    its own; ``merge``: the story of ``other`` joins the story of ``item_id``.
    With ``expected_version``, the item must still be at that version (the
    form was not shown a stale item), as for the other review actions. The
    desk and ``clippings stories`` both call this. Returns the story after.
    """
    with store.session() as session, session.begin():
        row = _load(session, item_id)
        if expected_version is not None and expected_version != (row.version or 1):
            raise Conflict(
                f"Item {item_id} changed since the page was shown; nothing was done.",
                current={"id": row.id, "version": row.version or 1, "status": row.status},
            )
        if op == "primary":
            detail = _set_primary(session, row, now=now)
        elif op == "split":
            detail = _split(session, row, now=now)
        elif op == "merge":
            if other is None:
                raise StoryError("merge needs the number of the other item")
            detail = _merge(session, row, _load(session, other), now=now)
        else:
            raise StoryError(f"unknown story action {op!r}")
        session.flush()
        add_audit_row(
            session,
            user=user,
            action=op,
            item_id=item_id,
            detail=detail,
            now=now,
            version_after=row.version,
        )
    return story(store, item_id)


def _set_primary(session: Session, row: ItemRow, *, now: datetime) -> str:
    """Make ``row`` the copy its story links to; the review state moves with it."""
    assert row.story_id is not None
    old = primary_of(session, row.story_id)
    if old.id != row.id:
        _hand_over(session, old, row, now=now)
        make_primary(session, row.story_id, row)
        follow_primary(session, row.story_id)
        touch(session, row.story_id, now)
    return f"linked copy of story {row.story_id}"


def _split(session: Session, row: ItemRow, *, now: datetime) -> str:
    """Take a wrongly grouped item out of its story into a story of its own.

    The split item is a new candidate (or ``filtered`` when it was judged not
    relevant); the story it leaves keeps its review state, handed to its
    oldest remaining copy when the split item was the primary.
    """
    old_story = row.story_id
    assert old_story is not None
    others = list(
        session.scalars(
            select(ItemRow)
            .where(ItemRow.story_id == old_story, ItemRow.id != row.id)
            .order_by(ItemRow.first_seen_at, ItemRow.id)
        )
    )
    if not others:
        raise StoryError(f"item {row.id} is the only item of story {old_story}")
    if row.is_primary:
        _hand_over(session, row, others[0], now=now)
        make_primary(session, old_story, others[0])
    new_story = StoryRow(primary_item_id=row.id, created_at=now, updated_at=now)
    session.add(new_story)
    session.flush()
    row.story_id, row.is_primary = new_story.id, True
    row.status = "candidate" if row.relevant else "filtered"
    row.status_reason = None if row.relevant else f"split from story {old_story}"
    row.reviewed_by = row.reviewed_at = None
    row.version = (row.version or 1) + 1
    row.updated_at = now
    touch(session, old_story, now)
    session.flush()
    follow_primary(session, old_story)
    return f"split from story {old_story} into story {new_story.id}"


def _merge(session: Session, target: ItemRow, other: ItemRow, *, now: datetime) -> str:
    """Put ``other``'s whole story into ``target``'s story (whose primary stays)."""
    if target.story_id == other.story_id:
        raise StoryError(f"items {target.id} and {other.id} are already one story")
    gone = other.story_id
    session.execute(
        update(ItemRow)
        .where(ItemRow.story_id == gone)
        .values(story_id=target.story_id, is_primary=False)
        .execution_options(synchronize_session=False)
    )
    session.execute(delete(StoryRow).where(StoryRow.id == gone))
    session.flush()
    follow_primary(session, target.story_id)
    assert target.story_id is not None
    touch(session, target.story_id, now)
    return f"merged the story of item {other.id} into story {target.story_id}"


# --- updates of stored articles -------------------------------------------------


def with_copies(store: Store, items: list[ItemRecord]) -> list[ItemRecord]:
    """Add ``copies`` (the story's other items) and ``also_ran_in`` to each item dict."""
    groups = copies_of(store, [i["story_id"] for i in items if i["story_id"] is not None])
    for item in items:
        members = groups.get(item.get("story_id") or -1, [])
        item["copies"] = [c for c in members if c["id"] != item["id"]]
        item["also_ran_in"] = also_ran_in([c for c in members if c["id"] != item["id"]])
    return items
