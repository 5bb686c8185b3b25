"""The review queue: one page of stories matching a filter, and the filter menus."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from sqlalchemy import exists, func, select
from sqlalchemy.sql.elements import ColumnElement

from scraper.models.stored import ItemRecord
from storage.desk_base import DeskBase
from storage.records import item_json
from storage.search import Kept, text_condition
from storage.stories import with_copies
from storage.tables import ItemRow, ItemTagRow, SightingRow


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """What the queue shows; ``status=None`` means every status."""

    status: str | None = "candidate"
    program: str | None = None
    city: str | None = None
    outlet: str | None = None
    source: str | None = None
    since: date | None = None
    until: date | None = None
    text: str | None = None
    # newest: by publication date (first seen where none); collected: by first seen;
    # relevance: most tags first, then first seen.
    order: Literal["newest", "collected", "relevance"] = "newest"


@dataclass(frozen=True, slots=True)
class QueuePage:
    items: list[ItemRecord]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


class ReviewQueue(DeskBase):
    """Pages of the queue and its menus (part of ``storage.review.ReviewStore``)."""

    def queue(self, flt: QueueFilter, *, page: int = 1, per_page: int = 25) -> QueuePage:
        """One page of items matching ``flt`` (effective values) and the total count."""
        conditions = self._conditions(flt)
        order: list[ColumnElement[Any]] = [ItemRow.first_seen_at.desc(), ItemRow.id.desc()]
        if flt.order == "relevance":
            order.insert(0, Kept.tag_count.desc())
        elif flt.order == "newest":
            order = [Kept.when.desc(), ItemRow.id.desc()]
        page = max(1, page)
        with self._session() as session:
            total = int(
                session.scalar(
                    select(func.count())
                    .select_from(ItemRow)
                    .where(*self._conditions(flt, counting=True))
                )
                or 0
            )
            # Ids first, rows after: a sort (a date range) then handles ids, not whole articles.
            ids = list(
                session.scalars(
                    select(ItemRow.id)
                    .where(*conditions)
                    .order_by(*order)
                    .offset((page - 1) * per_page)
                    .limit(per_page)
                )
            )
            found = {r.id: r for r in session.scalars(select(ItemRow).where(ItemRow.id.in_(ids)))}
            rows = [found[i] for i in ids if i in found]
            sightings = self.store._sightings_of(session, [r.id for r in rows])
            items = [item_json(r, sightings.get(r.id, [])) for r in rows]
        with_copies(self.store, items)  # "also ran in" on each card
        return QueuePage(items=items, total=total, page=page, per_page=per_page)

    def _conditions(self, flt: QueueFilter, *, counting: bool = False) -> list[ColumnElement[bool]]:
        """``flt`` as SQL; ``counting``: the same rows, in the form that counts them fastest.

        A page walks the queue's index newest first and stops after one page, so
        tags and sources are checked per item (EXISTS). A count visits every
        match, so it starts from the tag's or source's rows and checks each item in
        ``ix_items_id_state`` (id IN ...): 2-4x faster at 100,000 items.
        """
        out: list[ColumnElement[bool]] = [ItemRow.is_primary.is_(True)]  # a story once
        if flt.status:
            out.append(ItemRow.status == flt.status)
        for kind, value in (("program", flt.program), ("city", flt.city)):
            if value:
                tagged = (ItemTagRow.kind == kind, ItemTagRow.value == value)
                out.append(
                    ItemRow.id.in_(select(ItemTagRow.item_id).where(*tagged))
                    if counting
                    else exists().where(ItemTagRow.item_id == ItemRow.id, *tagged)
                )
        if flt.outlet:
            out.append(Kept.outlet == flt.outlet)
        if flt.source:
            seen = SightingRow.source_id == flt.source
            out.append(
                ItemRow.id.in_(select(SightingRow.item_id).where(seen))
                if counting
                else exists().where(SightingRow.item_id == ItemRow.id, seen)
            )
        if flt.since:
            out.append(Kept.day >= flt.since.isoformat())
        if flt.until:
            out.append(Kept.day <= flt.until.isoformat())
        if flt.text:
            out.append(text_condition(self.store.dialect, flt.text))
        return out

    def distinct_values(self) -> dict[str, list[str]]:
        """Values for the queue's filter menus: outlets, cities, programs, sources."""
        with self._session() as session:
            tags: dict[str, list[str]] = {"program": [], "city": []}
            for kind in tags:
                tags[kind] = list(
                    session.scalars(
                        select(ItemTagRow.value)
                        .where(ItemTagRow.kind == kind)
                        .distinct()
                        .order_by(ItemTagRow.value)
                    )
                )
            # Edited outlets too: the filter matches the effective outlet.
            outlets = session.scalars(
                select(Kept.outlet).select_from(ItemRow).where(Kept.outlet.is_not(None)).distinct()
            )
            sources = session.scalars(select(SightingRow.source_id).distinct())
            return {
                "programs": tags["program"],
                "cities": tags["city"],
                "outlets": sorted(o for o in outlets if o),
                "sources": sorted(sources),
            }

    def counts_by_status(self) -> dict[str, int]:
        with self._session() as session:
            rows = session.execute(
                select(ItemRow.status, func.count())
                .where(ItemRow.is_primary.is_(True))  # stories, not their copies
                .group_by(ItemRow.status)
            )
            return {status: int(n) for status, n in rows}
