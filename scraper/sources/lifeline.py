"""Parse workers and their forkserver end when the process that started them dies.

``multiprocessing`` alone does not do it: every pool worker holds both ends of
its task queue (so it never sees end-of-file) and a copy of the forkserver's
"alive" pipe (so the forkserver never sees its end either). After ``kill -9``
of a collector they all kept running, about 100 MB each, for good. Two lines
of defence, each enough on its own in the common case:

1. Parent-death signals (Linux ``prctl(PR_SET_PDEATHSIG, SIGKILL)``): the
   forkserver gets one tied to the collector (this module is in its preload
   list and arms itself there only), each worker one tied to the forkserver.
   The kernel then kills the chain, even a worker stuck in C code holding the GIL.
2. A watchdog thread in each worker waits on the collector's process (a pidfd
   where the kernel has them, else a poll every ``POLL`` seconds) and ends the
   worker when it is gone: for systems without ``prctl``, and for a forkserver
   that another part of the program started without this module.

The collector's pid reaches the workers as their initializer's argument; the
forkserver knows itself by the ``multiprocessing.forkserver.main`` frame that is
importing this module.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import select
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1
POLL = 1.0  # seconds between checks where there is no pidfd


def die_with_parent(expected_parent: int) -> bool:
    """Ask the kernel to SIGKILL this process when its parent dies; True when armed.

    If the parent is already gone (it died before the request), exit now.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        armed = libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False
    if os.getppid() != expected_parent:  # the parent died before prctl took effect
        os._exit(1)
    return bool(armed)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else (the pid was reused)
        return False
    return True


def _watch(pid: int) -> None:
    """Return when process ``pid`` has ended."""
    fd: int | None = None
    with contextlib.suppress(AttributeError, OSError):
        fd = os.pidfd_open(pid)
    if fd is not None:
        try:
            select.select([fd], [], [])  # readable once the process has exited
        finally:
            os.close(fd)
        return
    while _alive(pid):
        time.sleep(POLL)


def watch_parent(pid: int) -> threading.Thread | None:
    """A daemon thread that ends this process when ``pid`` ends."""
    if pid <= 1 or not _alive(pid):
        os._exit(1)

    def run() -> None:
        _watch(pid)
        os._exit(1)

    thread = threading.Thread(target=run, name="clippings-lifeline", daemon=True)
    thread.start()
    return thread


def _in_forkserver() -> bool:
    """True while ``multiprocessing.forkserver.main`` is importing its preload list."""
    forkserver = sys.modules.get("multiprocessing.forkserver")
    if forkserver is None:
        return False
    frame = sys._getframe()
    while frame is not None:
        if frame.f_code is forkserver.main.__code__:
            return True
        frame = frame.f_back  # type: ignore[assignment]
    return False


# The forkserver imports this module (preload) right after it starts: arm it there,
# and only there, tied to the process that started it.
FORKSERVER_PID: int | None = None
if _in_forkserver():
    FORKSERVER_PID = os.getpid()
    die_with_parent(os.getppid())
