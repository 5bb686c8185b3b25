"""Watch an event loop during a test: how long each callback held it, and SQL run on it.

    with LoopWatch() as watch:
        asyncio.run(collect(...))
    assert watch.worst_cpu < 0.1, watch.describe()
    assert not watch.sql_on_loop, watch.sql_on_loop[:3]

Every callback the loop runs (a task step, a timer, an I/O handler) goes
through ``asyncio.events.Handle._run``; the watch wraps it and records the
callback's wall time and the CPU time of the loop's thread while it ran.
The CPU time is what the loop itself spent: unlike wall time it does not
grow when the operating system gives the core to another process, so a
test on a loaded machine fails for work done on the loop, not for the load.

SQL statements are caught by a SQLAlchemy ``before_cursor_execute``
listener on every engine: a statement executed on a thread that is running
an event loop is database work on the loop.
"""

from __future__ import annotations

import asyncio
import asyncio.events
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine


@dataclass
class Slow:
    cpu: float  # seconds of the loop thread's CPU time
    wall: float  # seconds
    callback: str


@dataclass
class LoopWatch:
    """Records callbacks of every event loop and SQL statements run on a loop's thread."""

    threshold: float = 0.1  # seconds: callbacks above this (CPU or wall) are kept
    slow: list[Slow] = field(default_factory=list)
    sql_on_loop: list[str] = field(default_factory=list)
    callbacks: int = 0
    _original: Callable[..., Any] | None = None

    def __enter__(self) -> LoopWatch:
        original = asyncio.events.Handle._run
        self._original = original
        watch = self

        def timed(handle: asyncio.events.Handle) -> None:
            cpu, wall = time.thread_time(), time.perf_counter()
            try:
                original(handle)
            finally:
                cpu, wall = time.thread_time() - cpu, time.perf_counter() - wall
                watch.callbacks += 1
                if cpu > watch.threshold or wall > watch.threshold:
                    watch.slow.append(Slow(cpu, wall, repr(handle)[:300]))

        asyncio.events.Handle._run = timed  # type: ignore[method-assign]
        event.listen(Engine, "before_cursor_execute", self._on_sql)
        return self

    def __exit__(self, *exc: object) -> None:
        event.remove(Engine, "before_cursor_execute", self._on_sql)
        assert self._original is not None
        asyncio.events.Handle._run = self._original  # type: ignore[method-assign]

    def _on_sql(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return  # not on a loop's thread
        self.sql_on_loop.append(f"{threading.current_thread().name}: {statement[:120]}")

    @property
    def worst_cpu(self) -> float:
        return max((s.cpu for s in self.slow), default=0.0)

    def describe(self) -> str:
        worst = sorted(self.slow, key=lambda s: -s.cpu)[:5]
        rows = "\n".join(f"  cpu {s.cpu:.3f} s, wall {s.wall:.3f} s: {s.callback}" for s in worst)
        return f"{len(self.slow)} of {self.callbacks} callbacks held the loop:\n{rows}"
