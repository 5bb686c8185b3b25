"""Tables of stories and copies: groups, LSH band keys, revisions, feed-entry states.

A *story* groups the items that are copies of one article (a wire story in
several papers, one article reached through two feeds under two URLs). Each
item belongs to exactly one story (``items.story_id``); the story names its
primary item, the one the desk shows and the outputs link to; the others are
copies (``items.is_primary`` false).

``story_bands (band, hash, item_id)`` is the persisted LSH index of
``scraper.identity.neardup``: its primary key starts with ``(band, hash)``, so finding
the items that share a band with a new article is an index lookup whatever
the number of rows. ``item_revisions`` keeps the previous values of an item
whose article changed (a corrected headline); ``entry_states`` remembers the
last feed entry each source gave for an item, so a changed entry is noticed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables import Base


class StoryRow(Base):
    """One story: the group of its copies and which of them is primary."""

    __tablename__ = "stories"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # No foreign key: items point here too, and the pair must not form a cycle.
    primary_item_id: Mapped[int | None] = mapped_column(Integer, index=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class StoryBandRow(Base):
    """One LSH band key of one item (``scraper.identity.neardup.Fingerprint.bands``)."""

    __tablename__ = "story_bands"

    band: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    hash: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class ItemRevisionRow(Base):
    """The values an item had before its article changed (one row per change)."""

    __tablename__ = "item_revisions"
    __table_args__ = (Index("ix_item_revisions_item", "item_id", "revision"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    revision: Mapped[int] = mapped_column(Integer)  # the revision these values were
    changed_at: Mapped[datetime]
    source_id: Mapped[str | None] = mapped_column(String(200))
    fields: Mapped[list[Any]] = mapped_column(default=list)  # names of the changed fields
    before: Mapped[dict[str, Any]] = mapped_column(default=dict)  # their previous values


class EntryStateRow(Base):
    """The hash of the feed entry (title, summary) a source last gave for an item."""

    __tablename__ = "entry_states"

    item_id: Mapped[int] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
    )
    source_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    entry_hash: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime]
