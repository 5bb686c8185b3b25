"""The base of the store: one engine, short sessions, and the retry rule for write races.

Callers pass and receive plain records (``scraper.models.stored``); no
SQLAlchemy object leaves ``storage``. Each public method is one short
transaction, so a crash or kill loses at most the story being written, never
one already stored, and the unique constraints of ``storage.tables`` make a
repeated write a no-op instead of a duplicate.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Engine,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from scraper.models.stored import (
    NearDuplicates,
)

SAVE_ATTEMPTS = 5  # a story is looked up and stored at most this often under write conflicts
_RETRY_SQLSTATES = frozenset({"40001", "40P01"})  # serialization failure, deadlock detected


def _write_conflict(exc: DBAPIError) -> bool:
    """True when another writer got there first and the transaction may simply be retried."""
    if isinstance(exc, IntegrityError):
        return True
    if "database is locked" in str(exc.orig):  # SQLite: another process wrote since our read
        return True
    return getattr(exc.orig, "sqlstate", None) in _RETRY_SQLSTATES


class StoreBase:
    """An engine and its sessions; the aggregates of ``Store`` build on it."""

    def __init__(self, engine: Engine, *, neardup: NearDuplicates) -> None:
        self.engine = engine
        self.neardup = neardup  # the identity stage's fingerprint and copy decision
        self._session = sessionmaker(engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def session(self) -> Session:
        return self._session()

    def _insert_ignore(self, session: Session, table: Any, values: dict[str, Any]) -> int:
        """INSERT ... ON CONFLICT DO NOTHING; returns rows inserted (0 or 1)."""
        module = postgresql if self.dialect == "postgresql" else sqlite
        statement = module.insert(table).values(**values).on_conflict_do_nothing()
        # RETURNING, not rowcount: SQLAlchemy reports rowcount -1 for this statement on
        # PostgreSQL (psycopg), which would read as "inserted" and skip the update. On the
        # session's connection (Core), not session.execute: the ORM path costs ~1.5 ms more.
        returned = session.connection().execute(statement.returning(table.id)).first()
        return int(returned is not None)
