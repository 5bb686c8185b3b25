"""link resolutions: search-engine links and the article URLs behind them

Google News links are tokens; the URL behind one is cached here (with the last
failure and when to try again) so it survives restarts and is asked about once.

Revision ID: 0013_link_resolutions
Revises: 0011_archive
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types


revision = "0013_link_resolutions"
down_revision = "0011_archive"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "link_resolutions",
        sa.Column("key", sa.String(length=600), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("resolved_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("retry_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key"),
    )


def downgrade() -> None:
    op.drop_table("link_resolutions")
