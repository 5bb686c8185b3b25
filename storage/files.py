"""Private files: the data folder is created 0700, the SQLite database and its
``-wal``/``-shm`` companions are 0600.

SQLite gives the ``-wal`` and ``-shm`` files the permissions of the database
file, so creating the database 0600 before SQLite opens it keeps all three
private. A database file found readable by others is tightened (when we own it)
and a warning is logged; a folder that already exists is left as it is (it may
be shared on purpose), except for a warning.
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
from pathlib import Path

log = logging.getLogger(__name__)

DIR_MODE = 0o700
FILE_MODE = 0o600
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


def private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) with mode 0700; an existing folder is kept."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):
            folder.mkdir(mode=DIR_MODE)
        os.chmod(folder, DIR_MODE)  # mkdir's mode is filtered by the umask
    if not missing and path.stat().st_mode & 0o077:
        log.info("%s is open to other users; its files are still created private", path)
    return path


def private_file(path: Path) -> None:
    """Make ``path`` exist with mode 0600 (created so, or tightened when we own it)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        _tighten(path)
    else:
        os.close(fd)


def private_sqlite(database: Path) -> None:
    """The database file and any companions it has 0600, its folder created 0700."""
    private_dir(database.parent)
    private_file(database)
    for suffix in SQLITE_COMPANIONS:
        companion = database.with_name(database.name + suffix)
        if companion.exists():
            _tighten(companion)


def _tighten(path: Path) -> None:
    try:
        info = path.stat()
    except FileNotFoundError:
        return
    if not stat.S_IMODE(info.st_mode) & 0o077:
        return
    if info.st_uid != os.geteuid():
        log.warning("%s is readable by other users; run: chmod 600 %s", path, path)
        return
    os.chmod(path, FILE_MODE)
    log.warning("%s was readable by other users; its mode is now 600", path)
