"""Network time: a request's deadline counts time on the network, not time the loop was held.

A request waits on the network through the event loop. When the loop is held
(a long callback, a process starved of CPU), a wall-clock deadline runs on
although the request could not make progress, and a healthy site is blamed
for the collector's own stall. ``StallClock`` measures how long the loop was
held: a heartbeat task asks to wake every ``tick`` seconds, and whatever it
wakes late is time nothing on the loop could run::

    heartbeat due at 10.00 s, woke at 10.00 s  -> stalled += 0
    heartbeat due at 10.05 s, woke at 10.45 s  -> stalled += 0.40 (the loop was held)

``within(awaitable, timeout=20)`` then runs a request until it has had 20
seconds of *network* time: wall time minus the stall measured meanwhile
(including a stall still going on when the timer fires). Waits before the
request starts (a host slot, a worker) are never inside it.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable
from typing import TypeVar

T = TypeVar("T")

TICK = 0.05  # seconds between heartbeats: the resolution of the stall measure


class NetworkTimeout(TimeoutError):
    """A request had its whole ``timeout`` of network time and did not finish."""

    def __init__(self, network: float, wall: float) -> None:
        super().__init__(f"no answer within {network:.1f} s of network time ({wall:.1f} s wall)")
        self.network = network
        self.wall = wall


class StallClock:
    """Seconds the event loop was held, measured by a heartbeat (start it on the loop)."""

    def __init__(self, *, tick: float = TICK) -> None:
        self.tick = tick
        self._stalled = 0.0
        self._due: float | None = None  # monotonic time the next heartbeat should wake
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start the heartbeat on the running loop (again if it was stopped)."""
        if self._task is None or self._task.done():
            self._due = None
            self._task = asyncio.get_running_loop().create_task(self._beat())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self._due = None

    async def _beat(self) -> None:
        while True:
            self._due = time.monotonic() + self.tick
            await asyncio.sleep(self.tick)
            self._stalled += max(0.0, time.monotonic() - self._due)

    def stalled(self) -> float:
        """Seconds held so far, counting a stall still going on (the heartbeat is late now)."""
        late = 0.0 if self._due is None else max(0.0, time.monotonic() - self._due)
        return self._stalled + late

    async def within(self, awaitable: Awaitable[T], *, timeout: float) -> T:
        """Await ``awaitable`` with ``timeout`` seconds of network time; raise NetworkTimeout."""
        self.start()
        task = asyncio.ensure_future(awaitable)
        started, stalled = time.monotonic(), self.stalled()
        remaining = timeout
        try:
            while True:
                done, _ = await asyncio.wait({task}, timeout=remaining)
                if done:
                    return task.result()
                wall = time.monotonic() - started
                network = wall - (self.stalled() - stalled)
                if network >= timeout:
                    raise NetworkTimeout(network, wall)
                remaining = timeout - network
        finally:
            if not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
