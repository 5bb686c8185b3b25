"""Tables of telling people: saved views, per-user digest settings, digest sends, alerts.

- ``saved_views``: a desk filter (its query string) saved with a name; its
  private feed is reached with a random token of which only the SHA-256 is
  stored (``feed_token_hash``; NULL: the feed is off). Revoking clears it.
- ``user_notify``: a desk user's e-mail address and whether they get digests.
- ``digest_sends``: one row per (digest, occurrence, recipient). Its unique
  key is what makes a restart never send a digest twice: the row goes to
  ``sending`` before the SMTP conversation and to ``sent`` after it, so a
  crash in between resends that one e-mail once, and loses none.
- ``alert_rules``: alert rules made in the desk (rules in sources.yaml are
  not copied here).
- ``alert_deliveries``: one row per (rule, event): the outbox and the log.
- ``notify_marks``: how far the alert scan has read (item id, audit id).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables import Base


class SavedViewRow(Base):
    __tablename__ = "saved_views"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    owner: Mapped[str] = mapped_column(String(100))
    query: Mapped[str] = mapped_column(Text)  # the queue's query string, e.g. "program=..."
    feed_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    token_created_at: Mapped[datetime | None]


class UserNotifyRow(Base):
    __tablename__ = "user_notify"

    user_name: Mapped[str] = mapped_column(String(100), primary_key=True)
    email: Mapped[str | None] = mapped_column(String(320))
    digest: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime]


class DigestSendRow(Base):
    __tablename__ = "digest_sends"
    __table_args__ = (
        UniqueConstraint("digest", "occurrence", "recipient", name="uq_digest_sends"),
        Index("ix_digest_sends_status", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    digest: Mapped[str] = mapped_column(String(100))
    occurrence: Mapped[datetime]  # the scheduled time this e-mail is for
    window_start: Mapped[datetime]
    recipient: Mapped[str] = mapped_column(String(320))
    status: Mapped[str] = mapped_column(String(10))  # pending | sending | sent | failed | gave_up
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    items: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]


class AlertRuleRow(Base):
    __tablename__ = "alert_rules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    spec: Mapped[dict[str, Any]] = mapped_column()  # scraper.notify.rules.AlertRule fields
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]


class AlertDeliveryRow(Base):
    __tablename__ = "alert_deliveries"
    __table_args__ = (
        UniqueConstraint("rule", "event", name="uq_alert_deliveries"),
        Index("ix_alert_deliveries_status", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    rule: Mapped[str] = mapped_column(String(100))
    event: Mapped[str] = mapped_column(String(100))  # "new:42", "approve:42:audit-7"
    item_id: Mapped[int | None]
    payload: Mapped[dict[str, Any]] = mapped_column()
    status: Mapped[str] = mapped_column(String(10))  # pending | sent | failed | gave_up
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_status: Mapped[int | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    delivered_at: Mapped[datetime | None]


class NotifyMarkRow(Base):
    __tablename__ = "notify_marks"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)
