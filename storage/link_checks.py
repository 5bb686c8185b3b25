"""Repository functions of link checks: which public stories are due, and what was found.

A public story's link is first checked one ``every`` after it was approved,
then every ``every`` (weekly by default). When a check finds the link gone
(or back), the item's ``updated_at`` moves: the public page and the feeds
are rebuilt by themselves (``storage.publishing.public_fingerprint``), and
feed readers see the entry updated, now linking to the archived copy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update

from storage.archive_tables import LinkCheckRow
from storage.publishing import PUBLIC_STATUSES
from storage.store import Store
from storage.tables import ItemRow


@dataclass(frozen=True, slots=True)
class LinkState:
    """The last check of one story's link."""

    item_id: int
    checked_at: datetime
    gone: bool
    gone_since: datetime | None
    outcome: str  # ok | gone | unknown
    http_status: int | None
    final_url: str | None
    detail: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "item": self.item_id,
            "checked_at": self.checked_at.isoformat(),
            "gone": self.gone,
            "gone_since": self.gone_since.isoformat() if self.gone_since else None,
            "outcome": self.outcome,
            "http_status": self.http_status,
            "final_url": self.final_url,
            "detail": self.detail,
        }


def _state(row: LinkCheckRow) -> LinkState:
    return LinkState(
        item_id=row.item_id,
        checked_at=row.checked_at,
        gone=row.gone,
        gone_since=row.gone_since,
        outcome=row.outcome,
        http_status=row.http_status,
        final_url=row.final_url,
        detail=row.detail,
    )


def due_link_checks(
    store: Store,
    *,
    now: datetime,
    every: timedelta,
    limit: int,
    all_public: bool = False,
) -> list[tuple[int, str]]:
    """Public stories whose link is due for a check: ``(item_id, url)``, most overdue first.

    ``all_public``: every public story now, whatever its schedule.
    """
    first_due = func.coalesce(ItemRow.reviewed_at, ItemRow.first_seen_at)
    query = (
        select(ItemRow.id, ItemRow.canonical_url, ItemRow.url)
        .outerjoin(LinkCheckRow, LinkCheckRow.item_id == ItemRow.id)
        .where(ItemRow.status.in_(PUBLIC_STATUSES), ItemRow.is_primary.is_(True))
        .order_by(func.coalesce(LinkCheckRow.next_check_at, first_due), ItemRow.id)
        .limit(limit)
    )
    if not all_public:
        query = query.where(
            or_(
                LinkCheckRow.next_check_at <= now,
                LinkCheckRow.item_id.is_(None) & (first_due <= now - every),
            )
        )
    with store.session() as session:
        return [(int(i), str(canonical or url)) for i, canonical, url in session.execute(query)]


def record_link_check(
    store: Store,
    item_id: int,
    *,
    outcome: str,
    now: datetime,
    next_check_at: datetime,
    http_status: int | None = None,
    final_url: str | None = None,
    detail: str | None = None,
) -> bool:
    """Store a check; an ``unknown`` outcome keeps the previous gone/ok verdict.

    Returns True when the verdict changed (gone <-> online); the item's
    ``updated_at`` then moves so the outputs are rebuilt.
    """
    with store.session() as session, session.begin():
        row = session.get(LinkCheckRow, item_id)
        was_gone = bool(row and row.gone)
        gone = was_gone if outcome == "unknown" else outcome == "gone"
        if row is None:
            row = LinkCheckRow(item_id=item_id)
            session.add(row)
        row.checked_at = now
        row.next_check_at = next_check_at
        row.gone = gone
        row.gone_since = (row.gone_since or now) if gone else None
        row.outcome = outcome
        row.http_status = http_status
        row.final_url = final_url
        row.detail = (detail or "")[:1000] or None
        changed = gone != was_gone
        if changed:
            session.execute(
                update(ItemRow)
                .where(ItemRow.id == item_id)
                .values(updated_at=now)
                .execution_options(synchronize_session=False)
            )
        return changed


def link_states(store: Store, item_ids: Sequence[int]) -> dict[int, LinkState]:
    if not item_ids:
        return {}
    with store.session() as session:
        rows = session.scalars(select(LinkCheckRow).where(LinkCheckRow.item_id.in_(list(item_ids))))
        return {row.item_id: _state(row) for row in rows}


def gone_items(store: Store) -> dict[int, LinkState]:
    """Every story whose link was found gone (the desk's flag, the outputs' switch)."""
    with store.session() as session:
        rows = session.scalars(select(LinkCheckRow).where(LinkCheckRow.gone.is_(True)))
        return {row.item_id: _state(row) for row in rows}
