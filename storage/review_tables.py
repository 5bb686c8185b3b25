"""Tables of the review desk: users, server-side sessions, login failures, audit log.

A session cookie carries a random token; only its SHA-256 is stored here, so a
copy of the database does not hand out live sessions. Deleting a row revokes
the session. Audit rows name the user as text and the item by id without a
foreign key: the record of who did what outlives accounts.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables import Base, ItemRow

# The queue's default page: one status, newest first, ties by id.
Index("ix_items_status_first_seen_id", ItemRow.status, ItemRow.first_seen_at, ItemRow.id)
# The queue shows stories (primary items) only: these lead with the same filters.
Index(
    "ix_items_queue",
    ItemRow.status,
    ItemRow.is_primary,
    ItemRow.first_seen_at,
    ItemRow.id,
)
Index("ix_items_primary_first_seen", ItemRow.is_primary, ItemRow.first_seen_at, ItemRow.id)
Index("ix_items_outlet", ItemRow.outlet)


class UserRow(Base):
    """A desk account; ``password_hash`` is an Argon2 hash string."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(Text)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]
    password_changed_at: Mapped[datetime]
    queue_view: Mapped[str | None] = mapped_column(String(10))  # "cards" | "list" (0012_desk)


class SessionRow(Base):
    """A logged-in browser; ``id`` is the SHA-256 (hex) of the cookie's token."""

    __tablename__ = "sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    address: Mapped[str | None] = mapped_column(String(64))  # the client at login
    user_agent: Mapped[str | None] = mapped_column(String(200))  # its browser, as it said


class LoginFailureRow(Base):
    """Failed logins per key (``user:NAME`` or ``ip:ADDRESS``) within the current window."""

    __tablename__ = "login_failures"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    first_at: Mapped[datetime]
    last_at: Mapped[datetime]
    locked_until: Mapped[datetime | None]


class AuditRow(Base):
    """One review action: who, what, which item, when, and the state before and after."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_at", "at"),
        Index("ix_audit_log_item", "item_id", "at"),
        Index("ix_audit_log_user", "user", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime]
    user: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(30))
    item_id: Mapped[int | None]
    before: Mapped[dict[str, Any]] = mapped_column(default=dict)
    after: Mapped[dict[str, Any]] = mapped_column(default=dict)
    detail: Mapped[str | None] = mapped_column(Text)
    version_after: Mapped[int | None]  # the item's version this action produced (for undo)
    undone: Mapped[bool] = mapped_column(Boolean, default=False)
