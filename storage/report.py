"""The stories a coverage report counts: public stories whose date falls in a range.

A story is counted once (its primary copy), when its status is ``approved`` or
``published``, under its effective date: the (edited) publication day, else
the day it was first seen (UTC), as the news page lists it. Values come back
in ``item_json``'s shape with review edits applied; ``scraper.report`` does
the counting.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.sql.elements import ColumnElement

from storage.publishing import PUBLIC_STATUSES
from storage.search import Kept
from storage.store import Store
from storage.tables import ItemRow


def in_range(since: date, until: date) -> ColumnElement[bool]:
    """Public primary items dated ``since`` to ``until`` (both days included)."""
    start = datetime.combine(since, time(), tzinfo=UTC)
    end = datetime.combine(until + timedelta(days=1), time(), tzinfo=UTC)
    return and_(
        ItemRow.status.in_(PUBLIC_STATUSES),
        ItemRow.is_primary.is_(True),
        or_(
            and_(Kept.day >= since.isoformat(), Kept.day <= until.isoformat()),
            and_(Kept.day.is_(None), ItemRow.first_seen_at >= start, ItemRow.first_seen_at < end),
        ),
    )


def latest_day(store: Store) -> date | None:
    """The effective day of the newest public story (the default end of a report)."""
    with store.session() as session:
        value = session.scalar(
            select(func.max(Kept.day)).where(
                ItemRow.status.in_(PUBLIC_STATUSES), ItemRow.is_primary.is_(True)
            )
        )
    return date.fromisoformat(str(value)[:10]) if value else None


# Only what a report reads: not the article text, evidence or fingerprints (a year of
# stories loaded whole took 1.2 s for 4,000 stories, mostly decoding JSON it never used).
_COLUMNS = (
    ItemRow.id,
    ItemRow.url,
    ItemRow.canonical_url,
    ItemRow.outlet,
    ItemRow.headline,
    ItemRow.published_at,
    ItemRow.excerpt,
    ItemRow.quotes,
    ItemRow.programs,
    ItemRow.cities,
    ItemRow.edits,
    ItemRow.status,
    ItemRow.first_seen_at,
    ItemRow.updated_at,
)
_EDITABLE = ("headline", "excerpt", "published", "outlet", "programs", "cities")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _item(row: Any) -> dict[str, Any]:
    """A row of ``_COLUMNS`` in ``item_json``'s keys, review edits applied."""
    item: dict[str, Any] = {
        "id": row.id,
        "url": row.url,
        "canonical_url": row.canonical_url,
        "outlet": row.outlet,
        "headline": row.headline,
        "published": _iso(row.published_at),
        "excerpt": row.excerpt or "",
        "quotes": list(row.quotes or []),
        "programs": list(row.programs or []),
        "cities": list(row.cities or []),
        "status": row.status,
        "first_seen": _iso(row.first_seen_at),
        "updated": _iso(row.updated_at),
    }
    edits = row.edits or {}
    item.update({k: v for k, v in edits.items() if k in _EDITABLE})
    return item


def report_items(store: Store, *, since: date, until: date) -> list[dict[str, Any]]:
    """Every story a report for ``since``..``until`` counts, oldest first."""
    with store.session() as session:
        rows = session.execute(
            select(*_COLUMNS)
            .where(in_range(since, until))
            .order_by(ItemRow.published_at, ItemRow.id)
        )
        return [_item(row) for row in rows]
