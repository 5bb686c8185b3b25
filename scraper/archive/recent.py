"""The last article responses of collection, kept a few days for the snapshot on approve.

When a story is approved soon after it was collected, its snapshot is made
from the very bytes collection read (no second request to the outlet). The
collector hands each article response it fetched to ``RecentPages.keep``;
the snapshot job asks ``RecentPages.load``. One small gzip file per URL
(``recent/<sha256 of the URL>.gz``: a JSON line of status, headers, final URL
and time, then the body), replaced by a newer fetch, deleted after
``KEEP`` by ``prune``. Missing or unreadable files just mean "fetch again".
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import os
import time
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

from scraper.archive.warc import CapturedPage

KEEP = timedelta(days=3)  # a kept response older than this is deleted
FRESH = timedelta(days=1)  # younger than this: reused as it is; older: revalidated (ETag)


class RecentPages:
    """A folder of recently fetched article responses, keyed by the requested URL."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, url: str) -> Path:
        return self.folder / (hashlib.sha256(url.encode("utf-8")).hexdigest()[:40] + ".gz")

    def keep(self, page: CapturedPage) -> None:
        """Store ``page`` (atomically: a reader never sees half a file)."""
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        head = {
            "url": page.url,
            "target_url": page.target_url,
            "status": page.status,
            "headers": dict(page.headers),
            "request_headers": dict(page.request_headers),
            "fetched_at": page.fetched_at.isoformat(),
        }
        data = gzip.compress(
            json.dumps(head).encode("utf-8") + b"\n" + page.body, compresslevel=5, mtime=0
        )
        path = self._path(page.url)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(data)
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)

    def load(self, url: str) -> CapturedPage | None:
        """The kept response for ``url``, or None."""
        try:
            raw = gzip.decompress(self._path(url).read_bytes())
            line, _, body = raw.partition(b"\n")
            head = json.loads(line)
            if head.get("url") != url:
                return None  # a hash collision, however unlikely
            return CapturedPage(
                url=url,
                target_url=str(head["target_url"]),
                status=int(head["status"]),
                headers=_strings(head.get("headers", {})),
                body=body,
                fetched_at=datetime.fromisoformat(head["fetched_at"]),
                request_headers=_strings(head.get("request_headers", {})),
            )
        except (OSError, ValueError, KeyError, TypeError, EOFError):
            return None

    def prune(self, *, now: datetime | None = None) -> int:
        """Delete kept responses older than ``KEEP``; returns how many."""
        if not self.folder.is_dir():
            return 0
        cutoff = (now or datetime.now(UTC)).timestamp() - KEEP.total_seconds()
        removed = 0
        for path in self.folder.iterdir():
            with contextlib.suppress(OSError):
                stale_tmp = path.suffix == ".tmp" and path.stat().st_mtime < time.time() - 3600
                if stale_tmp or (path.suffix == ".gz" and path.stat().st_mtime < cutoff):
                    path.unlink()
                    removed += 1
        return removed


def _strings(value: object) -> Mapping[str, str]:
    if not isinstance(value, dict):
        return {}
    return {str(k): str(v) for k, v in value.items()}
