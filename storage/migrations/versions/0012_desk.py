"""desk: a reviewer's queue view (cards or list) and "newest first" by publication date

- ``users.queue_view``: "cards" or "list", the view the reviewer last chose
  (NULL: cards). Remembered per user, not per browser.
- ``items.eff_when``: the moment the queue's "Newest first" sorts by: the
  edited publication date, else the collected one, else when the story was
  first seen; as text "YYYY-MM-DD HH:MM:SS" (UTC), so it sorts the same on
  both databases whatever form the value had (SQLite stores datetimes as
  "YYYY-MM-DD HH:MM:SS.ffffff", edits hold ISO strings "…T…+00:00")::

      edits {"published": "2026-11-22T00:00:00+00:00"}  ->  "2026-11-22 00:00:00"
      published_at NULL, first_seen_at 2026-11-20 08:15:03.5  ->  "2026-11-20 08:15:03"

  An edit that clears the date (JSON ``null``) falls back to first seen.
  SQLite: a virtual generated column (computed on read, stored in its
  indexes). PostgreSQL: a column set by a ``BEFORE`` trigger of its own.
- indexes so "Newest first" walks an index and stops after one page, with
  and without a status, as ``ix_items_queue`` does for collection order; and
  for a date filter, indexes that hold both orders' keys beside the day.

Revision ID: 0012_desk
Revises: 0013_link_resolutions
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0012_desk"
down_revision = "0013_link_resolutions"
branch_labels = None
depends_on = None

_SQLITE_WHEN = (
    "replace(substr(CASE WHEN json_type(edits, '$.published') IS NULL "
    "THEN coalesce(published_at, first_seen_at) "
    "ELSE coalesce(json_extract(edits, '$.published'), first_seen_at) END, 1, 19), 'T', ' ')"
)

PG_FUNCTION = """
CREATE FUNCTION items_when_field() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.eff_when := CASE
        WHEN NOT (NEW.edits::jsonb ? 'published') THEN
            to_char(coalesce(NEW.published_at, NEW.first_seen_at) AT TIME ZONE 'UTC',
                    'YYYY-MM-DD HH24:MI:SS')
        WHEN NEW.edits ->> 'published' IS NULL THEN
            to_char(NEW.first_seen_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')
        ELSE replace(substr(NEW.edits ->> 'published', 1, 19), 'T', ' ')
    END;
    RETURN NEW;
END
$$
"""

INDEXES = (
    ("ix_items_when", ["status", "is_primary", "eff_when", "id"]),
    ("ix_items_primary_when", ["is_primary", "eff_when", "id"]),
    # A date filter (eff_day range) sorts what it finds: with both orders' keys in the
    # index the sort reads them there. Computing eff_when per row (the JSON of the
    # edits) made "since a day, newest first" 8x slower (100 ms at 30,000 items).
    ("ix_items_day_when", ["status", "is_primary", "eff_day", "eff_when", "first_seen_at", "id"]),
    ("ix_items_primary_day_when", ["is_primary", "eff_day", "eff_when", "first_seen_at", "id"]),
)


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("queue_view", sa.String(length=10), nullable=True))
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            f"ALTER TABLE items ADD COLUMN eff_when VARCHAR(19) GENERATED ALWAYS AS "
            f"({_SQLITE_WHEN}) VIRTUAL"
        )
    else:
        op.execute("ALTER TABLE items ADD COLUMN eff_when VARCHAR(19)")
        op.execute(PG_FUNCTION)
        op.execute(
            "CREATE TRIGGER items_when_field BEFORE INSERT OR UPDATE ON items "
            "FOR EACH ROW EXECUTE FUNCTION items_when_field()"
        )
        op.execute("UPDATE items SET eff_when = NULL")  # the trigger fills it in
    for name, columns in INDEXES:
        op.create_index(name, "items", columns, unique=False)


def downgrade() -> None:
    for name, _columns in INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE items DROP COLUMN eff_when")
    else:
        op.execute("DROP TRIGGER IF EXISTS items_when_field ON items")
        op.execute("DROP FUNCTION IF EXISTS items_when_field()")
        op.execute("ALTER TABLE items DROP COLUMN eff_when")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("queue_view")
