"""What the review queue's filters read: full-text search and effective values.

The database keeps these up to date itself (migration ``0008_search``: a
generated column or a trigger on every write), so every code path that
stores or edits an item is covered:

- ``Kept.outlet``, ``Kept.day``: the outlet and the "YYYY-MM-DD" (UTC) date with
  review edits applied; ``Kept.tag_count``: the item's ``item_tags`` rows.
- full text of the effective headline, the collected headline (when it was
  edited) and the article text: FTS5 table ``items_search`` on SQLite,
  ``tsvector`` columns with GIN indexes on PostgreSQL.

They are not mapped on ``ItemRow``: the ORM never writes them (on SQLite
``eff_outlet`` and ``eff_day`` are generated columns, which refuse writes).

A search is a phrase whose last word may be a prefix, the word-level reading
of the substring match the desk had before: ``call-in`` finds "call-in" and
"call in", ``group viol`` finds "Group Violence Intervention", ``ceasefire``
finds "ceasefires". Case and (on SQLite) accents do not matter; words are
runs of letters and digits::

    search_terms("Group-Violence  interv")  ->  ["group", "violence", "interv"]
    fts5_query(["group", "violence", "interv"])  ->  '"group violence interv"*'
    tsquery(["group", "violence", "interv"])  ->  "'group' <-> 'violence' <-> 'interv':*"
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from sqlalchemy import Integer, String, column, func, literal_column, or_, select, table
from sqlalchemy.sql.elements import ColumnElement

from storage.tables import ItemRow


class Kept:
    """Columns of ``items`` the database keeps for the queue (see the module docstring)."""

    outlet = literal_column("items.eff_outlet", String())
    day = literal_column("items.eff_day", String())
    tag_count = literal_column("items.tag_count", Integer())
    when = literal_column("items.eff_when", String())  # "Newest first" (migration 0012_desk)


_SQLITE_INDEX = table("items_search", column("rowid", Integer()))
_PG_VECTORS = ("items.search_headline", "items.search_original", "items.search_text")
_WORD = re.compile(r"[^\W_]+")
MAX_TERMS = 16  # a longer query is cut: a phrase of 16 words is specific enough


def search_terms(text: str) -> list[str]:
    """The words of a query, lower-cased, in order (at most ``MAX_TERMS``)."""
    return _WORD.findall(unicodedata.normalize("NFC", text).casefold())[:MAX_TERMS]


def fts5_query(terms: Sequence[str]) -> str:
    """An FTS5 phrase of ``terms`` whose last term is a prefix (terms are letters/digits)."""
    return '"' + " ".join(terms) + '"*'


def tsquery(terms: Sequence[str]) -> str:
    """A PostgreSQL ``to_tsquery`` phrase of ``terms``, the last one a prefix."""
    return " <-> ".join(f"'{t}'" for t in terms) + ":*"


def text_condition(dialect: str, text: str) -> ColumnElement[bool]:
    """Items whose effective headline, collected headline or text match ``text``."""
    terms = search_terms(text)
    if not terms:  # punctuation only ("%", "?!"): the substring scan, as before the index
        return _substring(text)
    if dialect == "sqlite":
        matches = select(_SQLITE_INDEX.c.rowid).where(
            literal_column("items_search").op("MATCH")(fts5_query(terms))
        )
        # "id + 0": probe the match set while walking the queue's index (bounded by
        # the queue's size), rather than look up every match by primary key, which
        # reads each matching row and takes ~1.5 us per match.
        return (ItemRow.id + 0).in_(matches)
    query = func.to_tsquery(literal_column("'simple'::regconfig"), tsquery(terms))
    return or_(*(literal_column(v).op("@@")(query) for v in _PG_VECTORS))


def _substring(text: str) -> ColumnElement[bool]:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    headline = ItemRow.edits["headline"].as_string()
    return or_(
        headline.ilike(pattern, escape="\\"),
        ItemRow.headline.ilike(pattern, escape="\\"),
        ItemRow.text.ilike(pattern, escape="\\"),
    )
