"""Fetch records written in batches: one transaction for many finished sources.

Each finished source leaves a ``FetchRecord`` (a fetch log row, the source's
new state, the end of its lease). Written one transaction each, these cost
more than the request itself when feeds answer 304; the writer buffers them
and writes them with ``Store.record_fetches``, one transaction per batch::

    add(r1) ... add(r50)            -> one transaction (BATCH records waiting)
    add(r51) ... 0.5 s ... add(r57) -> one transaction (the oldest waited MAX_WAIT)
    flush()                         -> the rest (end of a pass, stop, cancel)

Crash safety: a record not yet written is lost with the process, and its
source keeps its old ``next_check_at`` (and, on PostgreSQL, a lease that runs
out, on SQLite one the next collector releases), so the source is simply
collected again; its stories were each stored in their own transaction
already and are found again as seen. Nothing stored is lost or duplicated.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from scraper.models.stored import FetchRecord
from storage.store import Store

BATCH = 50  # records per transaction at most
MAX_WAIT = 0.5  # seconds a record waits at most before its batch is written (when polled)


class FetchWriter:
    """Buffers fetch records and writes them in batches (not thread-safe: one event loop)."""

    def __init__(
        self,
        store: Store,
        *,
        batch: int = BATCH,
        max_wait: float = MAX_WAIT,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.store = store
        self.batch = max(1, batch)
        self.max_wait = max_wait
        self.clock = clock
        self._pending: list[FetchRecord] = []
        self._oldest: float | None = None
        self.written = 0  # records written so far
        self.transactions = 0

    @property
    def pending(self) -> int:
        return len(self._pending)

    def add(self, record: FetchRecord) -> None:
        """Queue a record; write the batch when it is full or its oldest record waited enough."""
        if self._oldest is None:
            self._oldest = self.clock()
        self._pending.append(record)
        if len(self._pending) >= self.batch:
            self.flush()
        else:
            self.flush_due()

    def due_in(self) -> float | None:
        """Seconds until the waiting records must be written (None: nothing waits)."""
        if self._oldest is None:
            return None
        return max(0.0, self._oldest + self.max_wait - self.clock())

    def flush_due(self) -> int:
        """Write the waiting records if the oldest has waited ``max_wait``; returns how many."""
        due = self.due_in()
        return self.flush() if due is not None and due <= 0 else 0

    def flush(self) -> int:
        """Write every waiting record in one transaction; returns how many.

        The buffer is emptied before writing: a batch that fails is not tried
        again (its sources are collected again, see the module docstring).
        """
        records, self._pending, self._oldest = self._pending, [], None
        if not records:
            return 0
        self.store.record_fetches(records)
        self.written += len(records)
        self.transactions += 1
        return len(records)
