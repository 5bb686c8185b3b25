"""Where an outlet's reviewed stories are set: the cities of its latest approved items.

An outlet without a configured home city, whose name and web domain name none
(a TV station's call letters, a regional site), still gives its home away by
where its stories happen. :func:`outlet_cities` reads the effective cities
(review edits applied) of the outlet's latest approved or published stories;
``scraper.understand.tags.city_home.home_from_history`` decides whether they settle a home.
Reviewed stories only: the analysis's own guesses must not feed themselves.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String, literal_column, select

from storage.store import Store
from storage.tables import ItemRow

REVIEWED = ("approved", "published")


def outlet_cities(store: Store, outlet: str, *, limit: int = 50) -> list[list[str]]:
    """The cities of each of ``outlet``'s latest ``limit`` reviewed stories, newest first.

    Served by ``ix_items_eff_outlet`` (effective outlet, status, ..., first
    seen): a bounded read whatever the table's size.
    """
    eff_outlet = literal_column("items.eff_outlet", String())
    out: list[list[str]] = []
    with store.session() as session:
        for status in REVIEWED:
            query = (
                select(ItemRow.cities, ItemRow.edits)
                .where(eff_outlet == outlet, ItemRow.status == status)
                .order_by(ItemRow.first_seen_at.desc())
                .limit(limit)
            )
            for cities, edits in session.execute(query):
                chosen: Any = (edits or {}).get("cities", cities)
                out.append([str(c) for c in chosen or []])
    return out[:limit]
