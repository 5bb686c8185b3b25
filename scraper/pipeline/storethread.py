"""Database work off the event loop: every store call of a pass runs on one worker thread.

A store call is short, but a pass makes thousands of them; made on the event
loop's thread they add up to stalls during which no response is read and
deadlines run (``tests/test_loop_stall.py`` fails when a SQL statement runs
on the loop's thread). One thread, not several: SQLite has one writer at a
time anyway, and calls from one collector then never wait for each other's
locks. The thread releases the GIL while SQLite or PostgreSQL works, so the
loop keeps running meanwhile.

    found = await on_store_thread(store.find_stories, lookups)
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

STORE_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store")


async def on_store_thread(fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """``fn(*args, **kwargs)`` on the store thread, awaited from the loop."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(STORE_THREAD, functools.partial(fn, *args, **kwargs))
