"""stories and copies: story groups, near-duplicate bands, item revisions, entry states

Every item stored before this revision becomes the primary of a story of its
own (story id = item id); it has no near-duplicate signature until it is
re-indexed (``clippings stories reindex``).

Revision ID: 0006_stories
Revises: 0001_initial
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types


revision = "0006_stories"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

UTC = storage.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "stories",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("primary_item_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("stories", schema=None) as batch_op:
        batch_op.create_index("ix_stories_primary_item_id", ["primary_item_id"], unique=False)

    op.create_table(
        "story_bands",
        sa.Column("band", sa.SmallInteger(), nullable=False),
        sa.Column("hash", sa.BigInteger(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("band", "hash", "item_id"),
    )
    with op.batch_alter_table("story_bands", schema=None) as batch_op:
        batch_op.create_index("ix_story_bands_item_id", ["item_id"], unique=False)

    op.create_table(
        "item_revisions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("changed_at", UTC, nullable=False),
        sa.Column("source_id", sa.String(length=200), nullable=True),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("before", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("item_revisions", schema=None) as batch_op:
        batch_op.create_index("ix_item_revisions_item", ["item_id", "revision"], unique=False)

    op.create_table(
        "entry_states",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.String(length=200), nullable=False),
        sa.Column("entry_hash", sa.String(length=64), nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("item_id", "source_id"),
    )

    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("story_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("is_primary", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch_op.add_column(sa.Column("neardup_signature", sa.LargeBinary(), nullable=True))
        batch_op.add_column(
            sa.Column("shingle_count", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("content_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("revision", sa.Integer(), nullable=False, server_default="1"))
        batch_op.create_index("ix_items_story_id", ["story_id"], unique=False)

    # Items already stored: each the primary of its own story, numbered like the item.
    op.execute(
        "INSERT INTO stories (id, primary_item_id, created_at, updated_at) "
        "SELECT id, id, first_seen_at, updated_at FROM items"
    )
    op.execute("UPDATE items SET story_id = id")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "SELECT setval(pg_get_serial_sequence('stories', 'id'), "
            "COALESCE((SELECT MAX(id) FROM stories), 0) + 1, false)"
        )


def downgrade() -> None:
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.drop_index("ix_items_story_id")
        for column in (
            "revision",
            "content_hash",
            "shingle_count",
            "neardup_signature",
            "is_primary",
            "story_id",
        ):
            batch_op.drop_column(column)
    op.drop_table("entry_states")
    op.drop_table("item_revisions")
    op.drop_table("story_bands")
    op.drop_table("stories")
