"""Put a ``Store`` together: the database and the identity stage it is handed.

``storage`` does not import the stages; whoever opens a store passes it the
near-duplicate logic (``scraper.identity.neardup``). Every command, the desk,
the tests and the bench scripts open their store here.
"""

from __future__ import annotations

from sqlalchemy import Engine

from scraper.identity import neardup
from storage.db import open_database
from storage.store import Store


def store_for(engine: Engine) -> Store:
    """A store over an open engine."""
    return Store(engine, neardup=neardup)


def open_store(url: str) -> Store:
    """Open (and migrate) the database at ``url`` and return its store."""
    return store_for(open_database(url))
