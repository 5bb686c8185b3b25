"""queue search: full-text index, effective outlet and day, tag counts, kept by the database

The queue filters on *effective* values (review edits applied, see
``storage.records.item_json``) and on article text. Reading the ``edits`` JSON or
scanning the text on every request is slow at 100,000 items, so the database
keeps what the filters read, whichever code path writes the item:

- ``items.eff_outlet``: the edited outlet, else the collected one;
- ``items.eff_day``: "YYYY-MM-DD" (UTC) of the edited date, else of ``published_at``;
- ``items.tag_count``: how many ``item_tags`` rows the item has (the "most tags
  first" order), counted by triggers on ``item_tags``;
- full text of the effective headline, the original headline (only when it
  was edited: the desk also finds an item by its collected headline) and the
  article text. SQLite: the contentless FTS5 table ``items_search`` (rowid =
  item id), written by triggers on ``items``. PostgreSQL: the ``tsvector``
  columns ``search_headline``, ``search_original`` and ``search_text`` (GIN
  indexes), set by a ``BEFORE`` trigger with the effective columns.

On SQLite ``eff_outlet`` and ``eff_day`` are virtual generated columns (computed
on read, stored only in their indexes). Invariant: a later migration that
recreates ``items`` (an SQLite batch "move and copy") drops its triggers and
must run ``sqlite_triggers()`` of this module again.

Revision ID: 0008_search
Revises: 0003_publish, 0004_politeness, 0007_review_queue (merges every head)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0008_search"
down_revision = ("0003_publish", "0004_politeness", "0007_review_queue")
branch_labels = None
depends_on = None

# --- SQLite ------------------------------------------------------------------

# Effective values from a row alias (NEW / OLD / items); the same text everywhere,
# because a contentless FTS5 row is deleted by repeating exactly what was indexed.
_HEADLINE = "coalesce(json_extract({r}.edits, '$.headline'), {r}.headline)"
_ORIGINAL = "CASE WHEN json_extract({r}.edits, '$.headline') IS NULL THEN NULL ELSE {r}.headline END"


def _fts_values(r: str) -> str:
    return f"{r}.id, {_HEADLINE.format(r=r)}, {_ORIGINAL.format(r=r)}, {r}.text"


SQLITE_FTS = (
    "CREATE VIRTUAL TABLE items_search USING fts5("
    "headline, original, text, content='', tokenize='unicode61 remove_diacritics 2')"
)
_FTS_INSERT = f"INSERT INTO items_search(rowid, headline, original, text) VALUES ({_fts_values('NEW')});"
_FTS_DELETE = (
    "INSERT INTO items_search(items_search, rowid, headline, original, text) "
    f"VALUES ('delete', {_fts_values('OLD')});"
)
SQLITE_TRIGGERS = {
    "items_search_ai": f"AFTER INSERT ON items BEGIN {_FTS_INSERT} END",
    "items_search_ad": f"AFTER DELETE ON items BEGIN {_FTS_DELETE} END",
    "items_search_au": (
        "AFTER UPDATE OF headline, text, edits ON items WHEN "
        "OLD.text IS NOT NEW.text OR OLD.headline IS NOT NEW.headline OR "
        f"{_HEADLINE.format(r='OLD')} IS NOT {_HEADLINE.format(r='NEW')} "
        f"BEGIN {_FTS_DELETE} {_FTS_INSERT} END"
    ),
    "item_tags_count_ai": (
        "AFTER INSERT ON item_tags BEGIN "
        "UPDATE items SET tag_count = tag_count + 1 WHERE id = NEW.item_id; END"
    ),
    "item_tags_count_ad": (
        "AFTER DELETE ON item_tags BEGIN "
        "UPDATE items SET tag_count = tag_count - 1 WHERE id = OLD.item_id; END"
    ),
    "item_tags_count_au": (
        "AFTER UPDATE OF item_id ON item_tags WHEN OLD.item_id IS NOT NEW.item_id BEGIN "
        "UPDATE items SET tag_count = tag_count - 1 WHERE id = OLD.item_id; "
        "UPDATE items SET tag_count = tag_count + 1 WHERE id = NEW.item_id; END"
    ),
}


def sqlite_triggers() -> None:
    """(Re)create the SQLite triggers of this revision."""
    for name, body in SQLITE_TRIGGERS.items():
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute(f"CREATE TRIGGER {name} {body}")


def _sqlite_upgrade() -> None:
    op.execute(
        "ALTER TABLE items ADD COLUMN eff_outlet VARCHAR(300) GENERATED ALWAYS AS "
        "(coalesce(json_extract(edits, '$.outlet'), outlet)) VIRTUAL"
    )
    op.execute(
        "ALTER TABLE items ADD COLUMN eff_day VARCHAR(10) GENERATED ALWAYS AS "
        "(substr(coalesce(json_extract(edits, '$.published'), published_at), 1, 10)) VIRTUAL"
    )
    op.execute("ALTER TABLE items ADD COLUMN tag_count INTEGER NOT NULL DEFAULT 0")
    op.execute(SQLITE_FTS)
    op.execute(
        "INSERT INTO items_search(rowid, headline, original, text) "
        f"SELECT {_fts_values('items')} FROM items"
    )
    sqlite_triggers()


def _sqlite_downgrade() -> None:
    for name in SQLITE_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS items_search")
    for column in ("tag_count", "eff_day", "eff_outlet"):
        op.execute(f"ALTER TABLE items DROP COLUMN {column}")


# --- PostgreSQL --------------------------------------------------------------

PG_FUNCTION = """
CREATE FUNCTION items_queue_fields() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.eff_outlet := coalesce(NEW.edits ->> 'outlet', NEW.outlet);
    NEW.eff_day := substr(coalesce(NEW.edits ->> 'published',
                                   to_char(NEW.published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')), 1, 10);
    IF TG_OP = 'UPDATE' THEN
        IF NEW.search_text IS NOT NULL  -- NULL: not indexed yet
           AND NEW.text IS NOT DISTINCT FROM OLD.text
           AND NEW.headline IS NOT DISTINCT FROM OLD.headline
           AND (NEW.edits ->> 'headline') IS NOT DISTINCT FROM (OLD.edits ->> 'headline') THEN
            RETURN NEW;  -- the indexed text is unchanged
        END IF;
    END IF;
    NEW.search_headline := to_tsvector('simple',
                                       coalesce(NEW.edits ->> 'headline', NEW.headline, ''));
    NEW.search_original := CASE WHEN NEW.edits ->> 'headline' IS NULL THEN NULL
                                ELSE to_tsvector('simple', coalesce(NEW.headline, '')) END;
    NEW.search_text := to_tsvector('simple', coalesce(NEW.text, ''));
    RETURN NEW;
END
$$
"""
PG_TAG_FUNCTION = """
CREATE FUNCTION item_tags_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE items SET tag_count = tag_count - 1 WHERE id = OLD.item_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE items SET tag_count = tag_count + 1 WHERE id = NEW.item_id;
    END IF;
    RETURN NULL;
END
$$
"""


def _postgres_upgrade() -> None:
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("eff_outlet", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("eff_day", sa.String(length=10), nullable=True))
        batch_op.add_column(
            sa.Column("tag_count", sa.Integer(), nullable=False, server_default="0")
        )
    for column in ("search_headline", "search_original", "search_text"):
        op.execute(f"ALTER TABLE items ADD COLUMN {column} tsvector")
    op.execute(PG_FUNCTION)
    op.execute(
        "CREATE TRIGGER items_queue_fields BEFORE INSERT OR UPDATE ON items "
        "FOR EACH ROW EXECUTE FUNCTION items_queue_fields()"
    )
    op.execute(PG_TAG_FUNCTION)
    op.execute(
        "CREATE TRIGGER item_tags_count AFTER INSERT OR DELETE OR UPDATE OF item_id "
        "ON item_tags FOR EACH ROW EXECUTE FUNCTION item_tags_count()"
    )
    for column in ("search_headline", "search_original", "search_text"):
        op.execute(f"CREATE INDEX ix_items_{column} ON items USING gin ({column})")


def _postgres_downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS item_tags_count ON item_tags")
    op.execute("DROP FUNCTION IF EXISTS item_tags_count()")
    op.execute("DROP TRIGGER IF EXISTS items_queue_fields ON items")
    op.execute("DROP FUNCTION IF EXISTS items_queue_fields()")
    for column in ("search_text", "search_original", "search_headline"):
        op.execute(f"DROP INDEX IF EXISTS ix_items_{column}")
        op.execute(f"ALTER TABLE items DROP COLUMN {column}")
    with op.batch_alter_table("items", schema=None) as batch_op:
        for column in ("tag_count", "eff_day", "eff_outlet"):
            batch_op.drop_column(column)


# --- both --------------------------------------------------------------------

# (name, columns) for the queue's filters, with and without a status. Without
# ANALYZE statistics (nobody runs it) SQLite prefers the index matching the most
# leading "=" columns, then a range: so each index here pins one column more than
# ix_items_queue / ix_items_primary_first_seen do for the same query.
INDEXES = (
    ("ix_items_eff_outlet", ["eff_outlet", "status", "is_primary", "first_seen_at", "id"]),
    ("ix_items_primary_eff_outlet", ["eff_outlet", "is_primary", "first_seen_at", "id"]),
    ("ix_items_eff_day", ["status", "is_primary", "eff_day", "first_seen_at", "id"]),
    ("ix_items_primary_eff_day", ["is_primary", "eff_day", "first_seen_at", "id"]),
    ("ix_items_tag_order", ["status", "is_primary", "tag_count", "first_seen_at", "id"]),
    ("ix_items_primary_tag_order", ["is_primary", "tag_count", "first_seen_at", "id"]),
    # Counting a tag's or a source's items checks each by id here, not in its wide row.
    ("ix_items_id_state", ["id", "status", "is_primary"]),
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_upgrade()
    else:
        _postgres_upgrade()
    # Tags stored before this revision: count them once; the triggers keep counting.
    # On PostgreSQL this update also runs the row trigger, which fills the new columns.
    op.execute(
        "UPDATE items SET tag_count = "
        "(SELECT count(*) FROM item_tags WHERE item_tags.item_id = items.id)"
    )
    for name, columns in INDEXES:
        op.create_index(name, "items", columns, unique=False)


def downgrade() -> None:
    for name, _columns in INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_downgrade()
    else:
        _postgres_downgrade()
