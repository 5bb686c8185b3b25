"""Open the database and bring its schema up to date.

``open_database(url)`` returns an ``Engine`` whose schema is at the newest
Alembic revision. SQLite files get their folder created (0700, the file 0600:
``storage.files``) and run in WAL mode
(readers never block the writer) with foreign keys on and a busy timeout, so
the web app can read while a collection pass writes.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url

from storage.files import private_sqlite

log = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 30_000  # a writer waits this long for another to finish


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")  # durable across process crashes in WAL mode
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for ``url``; for SQLite, the file's folder is created and pragmas set."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            private_sqlite(Path(database).expanduser())  # folder 0700, file (and -wal/-shm) 0600
        # Pooled, not NullPool: opening a SQLite connection (pragmas) and closing the last
        # one (a WAL checkpoint) cost ~6 ms, which made storing a story 8x slower.
        engine = create_engine(url)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def alembic_config(engine: Engine | None = None) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        config.set_main_option(
            "sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%")
        )
    return config


MIGRATION_LOCK = 0x636C6970  # PostgreSQL advisory lock key held while migrating ("clip")


def upgrade(engine: Engine) -> None:
    """Apply every migration not yet applied (all branches: ``heads``).

    On PostgreSQL the upgrade holds a transaction-level advisory lock, so
    several collectors starting at once on a new database migrate it once:
    the others wait, then find nothing left to do.
    """
    config = alembic_config(engine)
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, "heads")


def is_current(engine: Engine) -> bool:
    script = ScriptDirectory.from_config(alembic_config())
    with engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    return current == set(script.get_heads())


def open_database(url: str) -> Engine:
    """Engine at the newest schema: migrations are applied on start."""
    engine = make_engine(url)
    if not is_current(engine):
        log.info("applying database migrations to %s", engine.url.render_as_string())
        upgrade(engine)
    return engine
