"""telling people: saved views, user digest settings, digest sends, alert rules and deliveries

See ``storage/notify_tables.py`` for what each table is for.

Revision ID: 0010_notify
Revises: 0008_search
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0010_notify"
down_revision = "0008_search"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "saved_views",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("owner", sa.String(100), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("feed_token_hash", sa.String(64), unique=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("token_created_at", UTCDateTime()),
    )
    op.create_table(
        "user_notify",
        sa.Column("user_name", sa.String(100), primary_key=True),
        sa.Column("email", sa.String(320)),
        sa.Column("digest", sa.Boolean(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "digest_sends",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("digest", sa.String(100), nullable=False),
        sa.Column("occurrence", UTCDateTime(), nullable=False),
        sa.Column("window_start", UTCDateTime(), nullable=False),
        sa.Column("recipient", sa.String(320), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("items", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text()),
        sa.Column("next_attempt_at", UTCDateTime()),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("sent_at", UTCDateTime()),
        sa.UniqueConstraint("digest", "occurrence", "recipient", name="uq_digest_sends"),
    )
    op.create_index("ix_digest_sends_status", "digest_sends", ["status", "next_attempt_at"])
    op.create_table(
        "alert_rules",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("spec", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "alert_deliveries",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("rule", sa.String(100), nullable=False),
        sa.Column("event", sa.String(100), nullable=False),
        sa.Column("item_id", sa.Integer()),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_status", sa.Integer()),
        sa.Column("last_error", sa.Text()),
        sa.Column("next_attempt_at", UTCDateTime()),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("delivered_at", UTCDateTime()),
        sa.UniqueConstraint("rule", "event", name="uq_alert_deliveries"),
    )
    op.create_index(
        "ix_alert_deliveries_status", "alert_deliveries", ["status", "next_attempt_at"]
    )
    op.create_table(
        "notify_marks",
        sa.Column("name", sa.String(50), primary_key=True),
        sa.Column("value", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("notify_marks")
    op.drop_index("ix_alert_deliveries_status", table_name="alert_deliveries")
    op.drop_table("alert_deliveries")
    op.drop_table("alert_rules")
    op.drop_index("ix_digest_sends_status", table_name="digest_sends")
    op.drop_table("digest_sends")
    op.drop_table("user_notify")
    op.drop_table("saved_views")
