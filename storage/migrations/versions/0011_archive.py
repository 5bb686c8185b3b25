"""archive: the snapshot index (WARC file, offset, digest, retries, Save Page Now) and link checks

Stories approved before this revision get their snapshot on the first
archive pass (``clippings archive run``, or the background job of ``clippings
run`` and ``clippings serve``): they have no row yet, which is what "to do"
means.

Revision ID: 0011_archive
Revises: 0010_notify
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types


revision = "0011_archive"
down_revision = "0010_notify"
branch_labels = None
depends_on = None

UTC = storage.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "snapshots",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("target_url", sa.Text(), nullable=True),
        sa.Column("captured_at", UTC, nullable=True),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("content_type", sa.String(length=200), nullable=True),
        sa.Column("origin", sa.String(length=20), nullable=True),
        sa.Column("warc_file", sa.String(length=200), nullable=True),
        sa.Column("warc_offset", sa.BigInteger(), nullable=True),
        sa.Column("warc_length", sa.BigInteger(), nullable=True),
        sa.Column("payload_digest", sa.String(length=100), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTC, nullable=True),
        sa.Column("claimed_until", UTC, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("archive_org_state", sa.String(length=10), nullable=False),
        sa.Column("archive_org_url", sa.Text(), nullable=True),
        sa.Column("archive_org_attempts", sa.Integer(), nullable=False),
        sa.Column("archive_org_next_at", UTC, nullable=True),
        sa.Column("archive_org_error", sa.Text(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("item_id"),
    )
    with op.batch_alter_table("snapshots", schema=None) as batch_op:
        batch_op.create_index("ix_snapshots_state", ["state"], unique=False)
        batch_op.create_index("ix_snapshots_captured_at", ["captured_at"], unique=False)
        batch_op.create_index("ix_snapshots_next_attempt_at", ["next_attempt_at"], unique=False)

    op.create_table(
        "link_checks",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("checked_at", UTC, nullable=False),
        sa.Column("next_check_at", UTC, nullable=False),
        sa.Column("gone", sa.Boolean(), nullable=False),
        sa.Column("gone_since", UTC, nullable=True),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("final_url", sa.Text(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("item_id"),
    )
    with op.batch_alter_table("link_checks", schema=None) as batch_op:
        batch_op.create_index("ix_link_checks_next_check_at", ["next_check_at"], unique=False)
        batch_op.create_index("ix_link_checks_gone", ["gone"], unique=False)


def downgrade() -> None:
    op.drop_table("link_checks")
    op.drop_table("snapshots")
