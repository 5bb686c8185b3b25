"""publishing: when an item first went out in the feeds and the news page

Revision ID: 0003_publish
Revises: 0001_initial
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types


revision = "0003_publish"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "first_published_at", storage.types.UTCDateTime(timezone=True), nullable=True
            )
        )
        # The publishing fingerprint reads public items OR once-published ones.
        batch_op.create_index("ix_items_first_published_at", ["first_published_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.drop_index("ix_items_first_published_at")
        batch_op.drop_column("first_published_at")
