"""politeness and health: the interval in force, the publishing rate, unhealthy since

Revision ID: 0004_politeness
Revises: 0001_initial
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types


revision = "0004_politeness"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.add_column(sa.Column("check_interval_seconds", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("entries_per_week", sa.Float(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "unhealthy_since", storage.types.UTCDateTime(timezone=True), nullable=True
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.drop_column("unhealthy_since")
        batch_op.drop_column("entries_per_week")
        batch_op.drop_column("check_interval_seconds")
