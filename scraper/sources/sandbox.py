"""Run a parser in a worker process with a time limit, so hostile input cannot hang us.

A thread cannot be stopped, so ``asyncio.to_thread`` + ``wait_for`` only
abandons a stuck parse and leaves the thread spinning. Here every parse runs
in a pool of worker processes:

- a parse that passes ``time_limit`` fails with ``ParseError`` and its pool
  is *recycled*: the workers are killed and a fresh pool is started, so the
  stuck parse stops using CPU at once;
- other parses that were running in the recycled pool are retried once in
  the new one (they did nothing wrong);
- a worker that dies (a crash in C code, the memory limit) fails only the
  parse it was running;
- each worker has an address-space limit (``memory_limit``) and is replaced
  after ``max_tasks_per_child`` parses, so a leak cannot grow for months;
- workers and their forkserver end when this process dies, even by
  ``kill -9`` (``scraper.sources.lifeline``): no orphan keeps running.

Workers come from a ``forkserver`` that has imported ``scraper.sources.parse``
already, so starting one is cheap and never forks the (threaded) main process.

    sandbox = Sandbox(time_limit=30)
    parsed = await sandbox.run(parse_feed, body, url=url)
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import functools
import logging
import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import ParamSpec, TypeVar

from scraper.models.errors import ParseError
from scraper.sources import lifeline

log = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")

TIME_LIMIT = 30.0  # seconds one parse may take
WORKERS = 2
MAX_TASKS_PER_CHILD = 500
MEMORY_LIMIT = 2 * 1024**3  # bytes of address space per worker
# lifeline first: it arms the forkserver
# Modules the forkserver imports once, so a new worker starts with them loaded. One
# forkserver serves every pool of a process: a user of the sandbox adds its modules
# here when it is imported (``scraper.pipeline.analysis_pool`` adds the analysis).
PRELOAD = ["scraper.sources.lifeline", "scraper.sources.parse"]


def _start_worker(limit: int | None, parent: int) -> None:
    """Worker initializer: end with the parent (``scraper.sources.lifeline``), cap memory."""
    if lifeline.FORKSERVER_PID is not None:  # forked by our forkserver: die with it
        lifeline.die_with_parent(lifeline.FORKSERVER_PID)
    lifeline.watch_parent(parent)
    _limit_memory(limit)


def _limit_memory(limit: int | None) -> None:
    """Cap the address space (best effort; Linux and macOS)."""
    if not limit:
        return
    with contextlib.suppress(ImportError, ValueError, OSError):
        import resource

        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard == resource.RLIM_INFINITY or hard > limit:
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


class Sandbox:
    """A recyclable process pool with a per-call time limit."""

    def __init__(
        self,
        *,
        workers: int = WORKERS,
        time_limit: float = TIME_LIMIT,
        max_tasks_per_child: int = MAX_TASKS_PER_CHILD,
        memory_limit: int | None = MEMORY_LIMIT,
        task: str = "parsing",
    ) -> None:
        self.workers = workers
        self.task = task  # what the workers do, for messages ("parsing took longer than...")
        self.time_limit = time_limit
        self.max_tasks_per_child = max_tasks_per_child
        self.memory_limit = memory_limit
        self._pool: ProcessPoolExecutor | None = None
        self._generation = 0  # bumped at every recycle
        self._lock = threading.Lock()
        self.recycled = 0  # pools killed because of a stuck or dead worker
        self.degraded = False  # True once processes could not be started (threads instead)

    def _current(self) -> tuple[ProcessPoolExecutor, int]:
        with self._lock:
            if self._pool is None:
                context = multiprocessing.get_context("forkserver")
                context.set_forkserver_preload(list(PRELOAD))
                self._pool = ProcessPoolExecutor(
                    max_workers=self.workers,
                    mp_context=context,
                    initializer=_start_worker,
                    initargs=(self.memory_limit, os.getpid()),
                    max_tasks_per_child=self.max_tasks_per_child,
                )
            return self._pool, self._generation

    def _recycle(self, generation: int) -> None:
        """Kill the pool of ``generation`` (if still current); the next call starts a new one."""
        with self._lock:
            if generation != self._generation or self._pool is None:
                return
            pool, self._pool = self._pool, None
            self._generation += 1
            self.recycled += 1
        processes = dict(getattr(pool, "_processes", None) or {})
        for process in processes.values():
            with contextlib.suppress(Exception):
                process.kill()
        pool.shutdown(wait=False, cancel_futures=True)

    async def run(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """``fn(*args, **kwargs)`` in a worker; ParseError when it is too slow or dies.

        ``fn`` must be a module-level function and its arguments and result picklable.
        Exceptions raised by ``fn`` itself come back unchanged.
        """
        call = functools.partial(fn, *args, **kwargs)
        for attempt in (1, 2):
            try:
                pool, generation = self._current()
            except (OSError, NotImplementedError, ValueError) as exc:
                return await self._in_thread(call, exc)
            loop = asyncio.get_running_loop()
            try:
                future = loop.run_in_executor(pool, call)
            except (BrokenProcessPool, RuntimeError):  # shut down under us by a recycle
                self._recycle(generation)
                continue
            try:
                return await asyncio.wait_for(future, timeout=self.time_limit)
            except TimeoutError as exc:
                log.warning(
                    "%s passed %.0f s; recycling its worker pool", self.task, self.time_limit
                )
                self._recycle(generation)
                raise ParseError(
                    f"{self.task} took longer than {self.time_limit:.0f} s (stopped)"
                ) from exc
            except BrokenProcessPool as exc:
                recycled_by_other = generation != self._generation
                self._recycle(generation)
                if recycled_by_other and attempt == 1:
                    continue  # another parse got its pool killed: try again
                raise ParseError(
                    f"the {self.task} process died (out of memory, or a crash in C code)"
                ) from exc
            except MemoryError as exc:
                raise ParseError(f"{self.task} needed more memory than a worker may use") from exc
        raise ParseError(f"the {self.task} pool could not be started")

    async def _in_thread(self, call: Callable[[], T], why: Exception) -> T:
        """Fallback where processes cannot be started: a thread, abandoned (not stopped)
        when it passes the time limit."""
        if not self.degraded:
            log.warning("%s processes unavailable (%s); running in threads", self.task, why)
            self.degraded = True
        try:
            return await asyncio.wait_for(asyncio.to_thread(call), timeout=self.time_limit)
        except TimeoutError as exc:
            raise ParseError(f"{self.task} took longer than {self.time_limit:.0f} s") from exc

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


_defaults: dict[tuple[int, float], Sandbox] = {}
_defaults_lock = threading.Lock()


def default_sandbox(*, workers: int = WORKERS, time_limit: float = TIME_LIMIT) -> Sandbox:
    """One sandbox per process and settings, shared by every collector, closed at exit."""
    with _defaults_lock:
        sandbox = _defaults.get((workers, time_limit))
        if sandbox is None:
            sandbox = Sandbox(workers=workers, time_limit=time_limit)
            _defaults[(workers, time_limit)] = sandbox
            atexit.register(sandbox.close)
        return sandbox
