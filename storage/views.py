"""Saved views: a desk filter kept under a name, and its private feed token.

A view stores the queue's query string (``status=approved&program=...``), so
whatever the queue can filter on, a view can keep. The feed token is random
(32 bytes, URL-safe) and only its SHA-256 is stored: the URL is shown once
when it is made, a copy of the database does not give the feeds away, and
revoking (or making a new one) kills the old URL at once.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from storage.notify_tables import SavedViewRow
from storage.queue import QueueFilter
from storage.review import ReviewStore
from storage.store import Store
from storage.tables import ItemRow

TOKEN_BYTES = 32  # 256 bits: not guessable


class ViewError(Exception):
    """A saved view cannot be made or found (message for people)."""


@dataclass(frozen=True, slots=True)
class SavedView:
    id: int
    name: str
    owner: str
    query: str
    has_feed: bool
    created_at: datetime


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _view(row: SavedViewRow) -> SavedView:
    return SavedView(
        id=row.id,
        name=row.name,
        owner=row.owner,
        query=row.query,
        has_feed=row.feed_token_hash is not None,
        created_at=row.created_at,
    )


class ViewStore:
    def __init__(self, store: Store) -> None:
        self.store = store

    def create(self, name: str, query: str, *, owner: str, now: datetime) -> SavedView:
        try:
            with self.store.session() as session, session.begin():
                row = SavedViewRow(name=name, owner=owner, query=query, created_at=now)
                session.add(row)
                session.flush()
                return _view(row)
        except IntegrityError as exc:
            raise ViewError(f"A view named {name!r} exists already.") from exc

    def all(self) -> list[SavedView]:
        with self.store.session() as session:
            return [
                _view(r) for r in session.scalars(select(SavedViewRow).order_by(SavedViewRow.name))
            ]

    def get(self, name: str) -> SavedView | None:
        with self.store.session() as session:
            row = session.scalar(select(SavedViewRow).where(SavedViewRow.name == name))
            return _view(row) if row else None

    def by_id(self, view_id: int) -> SavedView | None:
        with self.store.session() as session:
            row = session.get(SavedViewRow, view_id)
            return _view(row) if row else None

    def delete(self, view_id: int) -> None:
        with self.store.session() as session, session.begin():
            session.execute(delete(SavedViewRow).where(SavedViewRow.id == view_id))

    def new_token(self, view_id: int, *, now: datetime) -> str:
        """A fresh feed token for the view (the old one stops working); shown once."""
        token = secrets.token_urlsafe(TOKEN_BYTES)
        with self.store.session() as session, session.begin():
            done = session.execute(
                update(SavedViewRow)
                .where(SavedViewRow.id == view_id)
                .values(feed_token_hash=token_hash(token), token_created_at=now)
            )
            if not done.rowcount:  # type: ignore[attr-defined]
                raise ViewError("There is no such view.")
        return token

    def revoke(self, view_id: int) -> None:
        with self.store.session() as session, session.begin():
            session.execute(
                update(SavedViewRow)
                .where(SavedViewRow.id == view_id)
                .values(feed_token_hash=None, token_created_at=None)
            )

    def by_token(self, token: str) -> SavedView | None:
        """The view whose feed ``token`` opens (compared as digests, in the index)."""
        if not token or len(token) > 200:
            return None
        with self.store.session() as session:
            row = session.scalar(
                select(SavedViewRow).where(SavedViewRow.feed_token_hash == token_hash(token))
            )
            return _view(row) if row else None


def matching_ids(store: Store, flt: QueueFilter, ids: Sequence[int]) -> set[int]:
    """Which of ``ids`` the queue filter ``flt`` shows (the desk's own conditions)."""
    if not ids:
        return set()
    conditions = ReviewStore(store)._conditions(flt, counting=True)
    with store.session() as session:
        return set(
            session.scalars(select(ItemRow.id).where(ItemRow.id.in_(list(ids)), *conditions))
        )
