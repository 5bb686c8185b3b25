"""Tables of the clippings database (SQLAlchemy 2 typed declarative models).

Deduplication is enforced here, by unique constraints, not only by checks in
Python: ``item_keys (kind, value)`` is unique, so two collectors racing to
store the same story cannot both succeed; ``sightings (item_id, source_id,
url)`` is unique, so a re-fetch records a repeat sighting, never a new row.

Every schema change is an Alembic migration in ``storage/migrations``;
``storage.db`` applies them on start.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from storage.types import UTCDateTime

ITEM_STATUSES = ("candidate", "approved", "rejected", "published", "filtered", "pending")


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime,
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


class SourceRow(Base):
    """A source from sources.yaml and its fetch state (what the scheduler reads)."""

    __tablename__ = "sources"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    url: Mapped[str] = mapped_column(Text)
    outlet: Mapped[str | None] = mapped_column(String(300))
    city: Mapped[str | None] = mapped_column(String(100))
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    removed: Mapped[bool] = mapped_column(Boolean, default=False)  # gone from sources.yaml
    interval_seconds: Mapped[int] = mapped_column(Integer)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    next_check_at: Mapped[datetime | None] = mapped_column(index=True)
    last_checked_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    last_status: Mapped[int | None]
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    items_found: Mapped[int] = mapped_column(Integer, default=0)
    lease_owner: Mapped[str | None] = mapped_column(String(200))
    lease_until: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # --- politeness and health (issue 6) ---
    # The interval in force (adaptive, or as configured) and the publishing rate behind it.
    check_interval_seconds: Mapped[int | None] = mapped_column(Integer)
    entries_per_week: Mapped[float | None] = mapped_column(Float)
    unhealthy_since: Mapped[datetime | None]  # set while error_count >= unhealthy_after
    # --- scale (issue 7) ---


class FetchRow(Base):
    """One fetch of one source: the log behind the sources page."""

    __tablename__ = "fetches"
    __table_args__ = (Index("ix_fetches_source_started", "source_id", "started_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source_id: Mapped[str] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(Text)
    started_at: Mapped[datetime]
    duration_ms: Mapped[int] = mapped_column(Integer, default=0)
    outcome: Mapped[str] = mapped_column(String(20))  # ok | not_modified | error
    status: Mapped[int | None]
    bytes: Mapped[int] = mapped_column(Integer, default=0)
    items_total: Mapped[int] = mapped_column(Integer, default=0)
    items_new: Mapped[int] = mapped_column(Integer, default=0)
    items_seen: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    warning: Mapped[str | None] = mapped_column(Text)


class ItemRow(Base):
    """One story, however often and wherever it was seen."""

    __tablename__ = "items"
    __table_args__ = (
        Index("ix_items_status_first_seen", "status", "first_seen_at"),
        Index("ix_items_title_key", "title_key"),
        Index("ix_items_published", "published_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    url: Mapped[str] = mapped_column(Text)  # the link first seen (canonicalised)
    canonical_url: Mapped[str] = mapped_column(Text)  # the page's own canonical when known
    url_key: Mapped[str] = mapped_column(Text, unique=True)
    outlet: Mapped[str | None] = mapped_column(String(300))
    headline: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None]
    author: Mapped[str | None] = mapped_column(Text)
    authors: Mapped[list[Any]] = mapped_column(default=list)
    summary: Mapped[str | None] = mapped_column(Text)
    excerpt: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="candidate")
    status_reason: Mapped[str | None] = mapped_column(Text)
    relevant: Mapped[bool | None]
    quotes: Mapped[list[Any]] = mapped_column(default=list)
    programs: Mapped[list[Any]] = mapped_column(default=list)
    cities: Mapped[list[Any]] = mapped_column(default=list)
    evidence: Mapped[list[Any]] = mapped_column(default=list)
    analysed_at: Mapped[datetime | None]
    analysis_note: Mapped[str | None] = mapped_column(Text)  # e.g. "article page: HTTP 403"
    title_key: Mapped[str | None] = mapped_column(Text)
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # --- review (issue 4) ---
    # Edits never overwrite the columns above: ``edits`` maps a field name to its
    # edited value and readers apply it (``storage.records.item_json``).
    edits: Mapped[dict[str, Any]] = mapped_column(default=dict)
    internal_note: Mapped[str | None] = mapped_column(Text)  # never published
    public_note: Mapped[str | None] = mapped_column(Text)  # goes out with the item
    reviewed_by: Mapped[str | None] = mapped_column(String(100))
    reviewed_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(Integer, default=1)  # +1 on every review change
    # --- publishing (issue 5) ---
    first_published_at: Mapped[datetime | None] = mapped_column(index=True)  # first build out
    # --- stories and copies (issue 8) ---
    # Every item belongs to one story (storage.story_tables); copies follow its primary.
    story_id: Mapped[int | None] = mapped_column(Integer, index=True)
    is_primary: Mapped[bool] = mapped_column(Boolean, default=True)
    neardup_signature: Mapped[bytes | None] = mapped_column(LargeBinary)  # scraper.identity.neardup
    shingle_count: Mapped[int] = mapped_column(Integer, default=0)
    content_hash: Mapped[str | None] = mapped_column(String(64))  # headline + text, normalised
    revision: Mapped[int] = mapped_column(Integer, default=1)  # +1 when the article changes

    keys: Mapped[list[ItemKeyRow]] = relationship(back_populates="item", cascade="all")
    sightings: Mapped[list[SightingRow]] = relationship(back_populates="item", cascade="all")


class ItemKeyRow(Base):
    """An identity of a story: a GUID (scoped to its source) or a URL key."""

    __tablename__ = "item_keys"
    __table_args__ = (UniqueConstraint("kind", "value", name="uq_item_keys_kind_value"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # guid | url
    value: Mapped[str] = mapped_column(Text)

    item: Mapped[ItemRow] = relationship(back_populates="keys")


class SightingRow(Base):
    """Where a story was seen: which source, under which URL, when, how often."""

    __tablename__ = "sightings"
    __table_args__ = (
        UniqueConstraint("item_id", "source_id", "url", name="uq_sightings_item_source_url"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    source_id: Mapped[str] = mapped_column(String(200), index=True)  # "manual" for added by hand
    url: Mapped[str] = mapped_column(Text)
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    times: Mapped[int] = mapped_column(Integer, default=1)

    item: Mapped[ItemRow] = relationship(back_populates="sightings")


class ItemTagRow(Base):
    """Program and city tags of an item, one row each, for fast filtering."""

    __tablename__ = "item_tags"
    __table_args__ = (
        UniqueConstraint("item_id", "kind", "value", name="uq_item_tags"),
        Index("ix_item_tags_kind_value", "kind", "value", "item_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # program | city
    value: Mapped[str] = mapped_column(String(300))


# Tables of the review desk, of stories and copies (issue 8), of digests, alerts and
# saved views (issue 16), of the archive (issue 18) and of resolved search-engine
# links (issue 17) live in their own modules; importing them here puts them in
# ``Base.metadata`` for Alembic and for every reader of this module.
from storage import archive_tables as _archive_tables  # noqa: E402, F401
from storage import link_tables as _link_tables  # noqa: E402, F401
from storage import notify_tables as _notify_tables  # noqa: E402, F401
from storage import review_tables as _review_tables  # noqa: E402, F401
from storage import story_tables as _story_tables  # noqa: E402, F401
