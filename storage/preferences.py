"""A reviewer's desk preferences, kept with their account (not in a browser cookie).

Today one: the queue view, ``"cards"`` (the default) or ``"list"`` (one line a
story), remembered from the last time the reviewer switched
(``users.queue_view``, migration ``0012_desk``).
"""

from __future__ import annotations

from typing import Literal

from sqlalchemy import select, update

from storage.review_tables import UserRow
from storage.store import Store

QueueView = Literal["cards", "list"]
QUEUE_VIEWS: tuple[QueueView, ...] = ("cards", "list")


def queue_view(store: Store, user_id: int) -> QueueView:
    """The view ``user_id`` last chose; cards when they never chose."""
    with store.session() as session:
        value = session.scalar(select(UserRow.queue_view).where(UserRow.id == user_id))
    return "list" if value == "list" else "cards"


def set_queue_view(store: Store, user_id: int, view: QueueView) -> None:
    """Remember ``view`` for ``user_id``; ValueError for a view that does not exist."""
    if view not in QUEUE_VIEWS:
        raise ValueError(f"unknown queue view {view!r}: use one of {', '.join(QUEUE_VIEWS)}")
    with store.session() as session, session.begin():
        session.execute(update(UserRow).where(UserRow.id == user_id).values(queue_view=view))
