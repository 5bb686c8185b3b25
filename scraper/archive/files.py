"""Where snapshot files live and how records are appended to them.

One gzip-compressed WARC file a month, named by the month of capture
(``2026-12.warc.gz``), under ``settings.archive_dir`` or
``$CLIPPINGS_HOME/snapshots``. Every WARC record is its own gzip member, so a
snapshot is a byte range (offset, length) of its file that can be read, copied
into an export or checked on its own. Appending holds an exclusive ``flock``
on the file: two processes never interleave their records.
"""

from __future__ import annotations

import fcntl
import os
from datetime import datetime
from pathlib import Path

from scraper.config.schema import DEFAULT_DATA_DIR, Config

SUFFIX = ".warc.gz"


def archive_dir(config: Config | None) -> Path:
    """Where snapshots live: ``settings.archive_dir``, else ``$CLIPPINGS_HOME/snapshots``."""
    if config is not None and config.settings.archive_dir:
        return Path(config.settings.archive_dir).expanduser()
    home = os.environ.get("CLIPPINGS_HOME")
    return (Path(home) if home else DEFAULT_DATA_DIR) / "snapshots"


def month_file(when: datetime) -> str:
    """``2026-12-04T17:00Z`` -> ``"2026-12.warc.gz"`` (the file's name inside the folder)."""
    return f"{when:%Y-%m}{SUFFIX}"


def append(folder: Path, name: str, data: bytes, *, header: bytes = b"") -> int:
    """Append ``data`` to ``folder/name`` under an exclusive lock; returns its offset.

    ``header`` (a warcinfo record) is written first when the file is new or empty.
    The data is flushed to disk before the offset is returned, so the index
    never points at bytes that are not there.
    """
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / name
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        size = os.fstat(fd).st_size
        if size == 0 and header:
            os.write(fd, header)
            size = len(header)
        written = 0
        while written < len(data):
            written += os.write(fd, data[written:])
        os.fsync(fd)
        return size
    finally:
        os.close(fd)  # closing releases the lock


def read_range(folder: Path, name: str, offset: int, length: int) -> bytes:
    """The bytes of one snapshot; raises ``OSError`` when the file is missing or short."""
    with (folder / name).open("rb") as file:
        file.seek(offset)
        data = file.read(length)
    if len(data) != length:
        raise OSError(f"{name}: expected {length} bytes at offset {offset}, found {len(data)}")
    return data


def total_size(folder: Path) -> tuple[int, int]:
    """``(files, bytes)`` of the snapshot files in ``folder``."""
    files = [p for p in folder.glob(f"*{SUFFIX}") if p.is_file()] if folder.is_dir() else []
    return len(files), sum(p.stat().st_size for p in files)
