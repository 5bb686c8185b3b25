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
from storage.records import item_json
from storage.search import Kept
from storage.store import Store
from storage.tables import ItemRow

BATCH = 500  # rows read per query


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


def report_items(store: Store, *, since: date, until: date) -> list[dict[str, Any]]:
    """Every story a report for ``since``..``until`` counts, oldest first (no text column)."""
    with store.session() as session:
        ids = list(
            session.scalars(
                select(ItemRow.id)
                .where(in_range(since, until))
                .order_by(ItemRow.published_at, ItemRow.id)
            )
        )
        out: list[dict[str, Any]] = []
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            rows = {r.id: r for r in session.scalars(select(ItemRow).where(ItemRow.id.in_(chunk)))}
            for item_id in chunk:
                item = item_json(rows[item_id], [])
                item["text"] = ""  # never needed here; keeps a year of stories small
                out.append(item)
    return out
