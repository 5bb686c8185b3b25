"""review queue indexes: stories (primary items) by status, newest first; outlets

Revision ID: 0007_review_queue
Revises: 0002_review, 0006_stories (merges them: the indexes need ``is_primary``)
"""

from __future__ import annotations

from alembic import op


revision = "0007_review_queue"
down_revision = ("0002_review", "0006_stories")
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.create_index(
            "ix_items_queue", ["status", "is_primary", "first_seen_at", "id"], unique=False
        )
        batch_op.create_index(
            "ix_items_primary_first_seen", ["is_primary", "first_seen_at", "id"], unique=False
        )
        batch_op.create_index("ix_items_outlet", ["outlet"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.drop_index("ix_items_outlet")
        batch_op.drop_index("ix_items_primary_first_seen")
        batch_op.drop_index("ix_items_queue")
