"""Repository functions of publishing: which items are public, and their status.

An item is *public* while its status is ``approved`` or ``published``:
``approved`` means a reviewer let it out, ``published`` that a build of the
feeds and the news page has put it there (``mark_published``). Unpublishing
(back to ``candidate``) takes it out of the next build. Every output is built
from ``public_items``; nothing else decides what the public sees.

``public_fingerprint`` is a cheap digest of everything that can change the
outputs (which items are public, their versions and update times), so a
server rebuilds only when it changes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import case, func, or_, select, update

from scraper.models.stored import ItemRecord
from storage.records import item_json
from storage.store import Store
from storage.stories import with_copies
from storage.story_index import follow_primaries
from storage.tables import ItemRow

PUBLIC_STATUSES = ("approved", "published")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _public(query: Any) -> Any:
    # A story goes out once: its primary copy, the one a reviewer chose to link.
    return query.where(ItemRow.status.in_(PUBLIC_STATUSES), ItemRow.is_primary.is_(True))


def _parse(value: str | None) -> datetime | None:
    if not value:
        return None
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def story_date(item: Mapping[str, Any]) -> datetime:
    """The date an item is listed under: its (edited) publication date, else first seen."""
    return _parse(item.get("published")) or _parse(item.get("first_seen")) or EPOCH


def _matches(values: Sequence[str], wanted: str | None) -> bool:
    return wanted is None or wanted in values


def public_items(
    store: Store,
    *,
    program: str | None = None,
    city: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[ItemRecord]:
    """Approved and published items (``item_json`` shape), newest story first.

    Filters compare the effective (edited) tags, so they are applied after
    edits, in Python; the public set is small (hundreds to a few thousand).
    Each dict also carries ``updated`` (ISO time of the last change) and
    ``first_published`` (ISO time of the first build that included it, or None).
    """
    with store.session() as session:
        rows = list(session.scalars(_public(select(ItemRow))))
        items = []
        for row in rows:
            item = item_json(row, [])
            changed = max(d for d in (row.updated_at, row.reviewed_at) if d is not None)
            item["updated"] = changed.isoformat()
            item["first_published"] = (
                row.first_published_at.isoformat() if row.first_published_at else None
            )
            if _matches(item["programs"], program) and _matches(item["cities"], city):
                items.append(item)
    items.sort(key=lambda i: (story_date(i), i["id"]), reverse=True)
    end = None if limit is None else offset + limit
    return with_copies(store, items[offset:end])  # "also ran in" for the news page


def public_fingerprint(store: Store) -> str:
    """A digest that changes whenever the outputs may change; one aggregate row, no item rows.

    It covers public items and items that were ever published: how many are
    public and which (sum of ids), their review versions, and the newest
    update and review times. Approving, editing (version + 1) and
    unpublishing all move it. ``approved`` -> ``published`` does not (both
    are public; the outputs are the same), so marking items after a build
    does not force a second build.
    """
    public = case((ItemRow.status.in_(PUBLIC_STATUSES), 1), else_=0)
    with store.session() as session:
        row = session.execute(
            select(
                func.count(),
                func.sum(public),
                func.sum(public * ItemRow.id),
                func.sum(ItemRow.version),
                func.max(ItemRow.updated_at),
                func.max(ItemRow.reviewed_at),
            ).where(
                or_(ItemRow.status.in_(PUBLIC_STATUSES), ItemRow.first_published_at.is_not(None))
            )
        ).one()
    return hashlib.sha256("|".join(map(str, row)).encode()).hexdigest()


def last_public_change(store: Store) -> datetime:
    """When the public set last changed: the newest update of any public or once-public item.

    Items that were unpublished keep counting (their update time moves when
    they leave), so this never goes back in time when an item is taken out.
    """
    with store.session() as session:
        row = session.execute(
            select(func.max(ItemRow.updated_at), func.max(ItemRow.reviewed_at)).where(
                or_(
                    ItemRow.status.in_(PUBLIC_STATUSES),
                    ItemRow.first_published_at.is_not(None),
                )
            )
        ).one()
    return max((d for d in row if d is not None), default=EPOCH)


def mark_published(store: Store, ids: Sequence[int], *, now: datetime) -> int:
    """``approved`` -> ``published`` for items a build just put out; returns how many.

    Only items still approved are changed: one unpublished while the build ran
    stays a candidate. ``updated_at`` is left alone: the item's content did not
    change, only the record that it went out.
    """
    changed = 0
    with store.session() as session, session.begin():
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            result = session.execute(
                update(ItemRow)
                .where(ItemRow.id.in_(chunk), ItemRow.status == "approved")
                .values(
                    status="published",
                    first_published_at=func.coalesce(ItemRow.first_published_at, now),
                )
                .execution_options(synchronize_session=False)
            )
            changed += max(0, result.rowcount or 0)  # type: ignore[attr-defined]
        follow_primaries(session, list(ids))  # copies of a published story are published too
    return changed


def _set_status(
    store: Store, ids: Sequence[int], *, to: str, where: Sequence[str], now: datetime
) -> int:
    values: dict[str, Any] = {"status": to, "updated_at": now, "version": ItemRow.version + 1}
    with store.session() as session, session.begin():
        result = session.execute(
            update(ItemRow)
            .where(ItemRow.id.in_(list(ids)), ItemRow.status.in_(list(where)))
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        follow_primaries(session, list(ids))  # the story's copies follow its primary
        return max(0, result.rowcount or 0)  # type: ignore[attr-defined]


def approve_items(store: Store, ids: Sequence[int], *, now: datetime) -> int:
    """Candidates (or filtered items) -> ``approved``; the next build publishes them."""
    return _set_status(store, ids, to="approved", where=("candidate", "filtered"), now=now)


def unpublish_items(store: Store, ids: Sequence[int], *, now: datetime) -> int:
    """Approved or published items -> ``candidate``; the next build leaves them out."""
    return _set_status(store, ids, to="candidate", where=PUBLIC_STATUSES, now=now)
