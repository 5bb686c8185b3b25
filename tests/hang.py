"""Stand-ins for parsers stuck on pathological input; tiny so worker processes import fast."""

from __future__ import annotations

import os


def spin_forever(_body: bytes) -> None:
    """Never returns (runs in a sandbox worker process)."""
    while True:
        pass


def worker_pid(_body: bytes) -> int:
    return os.getpid()
