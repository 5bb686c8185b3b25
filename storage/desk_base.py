"""The base of the desk's store: the ``Store`` it works over, one session at a time."""

from __future__ import annotations

from sqlalchemy.orm import Session

from storage.store import Store


class DeskBase:
    """Reads and writes of the review desk, over the same engine as ``Store``."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def _session(self) -> Session:
        return self.store.session()
