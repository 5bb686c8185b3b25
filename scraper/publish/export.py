"""Write the public site to a folder for any static web server, atomically.

The site is written into a new folder beside ``DIR`` (``.DIR.build-<random>``),
complete, then swapped in with renames, so a web server reading ``DIR`` sees
the old site or the new one, never a half-written one:

- ``DIR`` is a symlink (recommended; the first export creates it when ``DIR``
  does not exist): a new symlink is renamed over it, one atomic
  ``rename(2)``; there is no moment without a site. The previous build
  folder is then removed.
- ``DIR`` is a real folder: it is renamed to ``.DIR.old-<random>`` and the
  new folder to ``DIR``, two renames a few microseconds apart (a request in
  between gets a 404, never a partial page); the old folder is then removed.

A marker file ``.clippings-site`` in every build lets a later export check
that ``DIR`` is a site it wrote: an existing non-empty folder without it is
never replaced. Exports are serialised by a lock file beside ``DIR``; leftovers
of a crashed export are removed by the next one. Every file's modification
time is the site's ``Last-Modified``, so a static server sends the same
validator as ``clippings serve``.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import secrets
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scraper.config.schema import Config
from scraper.models.errors import ClippingsError, ExportError
from scraper.publish.publisher import Publisher
from scraper.publish.site import Site

log = logging.getLogger(__name__)

MARKER = ".clippings-site"


@dataclass(frozen=True, slots=True)
class ExportReport:
    out: str
    files: int
    bytes: int
    items: int
    newly_published: int
    build_seconds: float

    def to_json(self) -> dict[str, Any]:
        return {
            "out": self.out,
            "files": self.files,
            "bytes": self.bytes,
            "items": self.items,
            "newly_published": self.newly_published,
            "build_seconds": round(self.build_seconds, 3),
        }


def _write(site: Site, folder: Path) -> int:
    """Every file of ``site`` under ``folder``; returns the bytes written."""
    stamp = site.last_modified.timestamp()
    total = 0
    for path, resource in sorted(site.files.items()):
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(resource.body)
        os.utime(target, (stamp, stamp))
        total += len(resource.body)
    marker = {"items": len(site.item_ids), "last_modified": site.last_modified.isoformat()}
    (folder / MARKER).write_text(json.dumps(marker) + "\n", encoding="utf-8")
    return total


def _ours(folder: Path) -> bool:
    return (folder / MARKER).is_file() or not any(folder.iterdir())


@contextlib.contextmanager
def _locked(out: Path) -> Iterator[None]:
    with open(out.parent / f".{out.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _leftovers(out: Path, *, keep: Path | None) -> None:
    """Remove build and old folders of earlier exports (except the live one)."""
    for prefix in (f".{out.name}.build-", f".{out.name}.old-"):
        for path in out.parent.glob(prefix + "*"):
            if keep is not None and path.resolve() == keep.resolve():
                continue
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)


def _swap(new: Path, out: Path) -> None:
    if out.is_symlink() or not out.exists():
        link = out.parent / f".{out.name}.link-{secrets.token_hex(4)}"
        link.symlink_to(new.name)  # relative: the pair can move together
        os.replace(link, out)  # atomic: readers see the old target or the new one
        return
    if not out.is_dir():
        raise ExportError(f"{out} exists and is not a folder")
    if not _ours(out):
        raise ExportError(
            f"{out} is a folder that clippings did not write (no {MARKER}): "
            "choose a new or empty folder"
        )
    old = out.parent / f".{out.name}.old-{secrets.token_hex(4)}"
    os.rename(out, old)
    os.rename(new, out)
    shutil.rmtree(old, ignore_errors=True)


def write_site(site: Site, out: Path) -> int:
    """Write ``site`` to ``out`` atomically (see the module docstring); returns bytes written."""
    out = out.expanduser().absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    with _locked(out):
        live = out.resolve() if out.is_symlink() else None
        _leftovers(out, keep=live)
        new = out.parent / f".{out.name}.build-{secrets.token_hex(4)}"
        new.mkdir()
        try:
            total = _write(site, new)
            _swap(new, out)
        except BaseException:
            shutil.rmtree(new, ignore_errors=True)
            raise
        if live is not None and live != new.resolve():
            shutil.rmtree(live, ignore_errors=True)
    return total


class SiteExporter:
    """Keeps a folder in step with the public items (``clippings run --publish-dir``)."""

    def __init__(self, config: Config, store: Any, out: Path) -> None:
        self.publisher = Publisher(config, store, marks=True)  # an export is a publish step
        self.out = out
        self._written: str | None = None  # fingerprint of the site in ``out``

    def export(self) -> ExportReport:
        """Build (when changed) and write the site, whatever is in the folder."""
        build = self.publisher.current()
        written = write_site(build.site, self.out)
        self._written = build.fingerprint
        return ExportReport(
            out=str(self.out),
            files=len(build.site.files),
            bytes=written,
            items=len(build.site.item_ids),
            newly_published=build.newly_published,
            build_seconds=build.seconds,
        )

    def export_if_changed(self) -> ExportReport | None:
        """Write the site when the public items changed since the last write."""
        build = self.publisher.current()
        if build.fingerprint == self._written and self.out.exists():
            return None
        return self.export()


@contextlib.asynccontextmanager
async def keep_exported(
    exporter: SiteExporter | None, *, every: float
) -> AsyncIterator[Callable[[list[Any]], Awaitable[None]] | None]:
    """Export now, every ``every`` seconds and after each pass (the hook yielded); stop on exit.

    With ``exporter`` None this does nothing and yields None.
    """
    import asyncio

    if exporter is None:
        yield None
        return

    async def once() -> None:
        try:
            report = await asyncio.to_thread(exporter.export_if_changed)
        except (OSError, ClippingsError) as exc:
            log.error("publishing to %s failed: %s", exporter.out, exc)
            return
        if report is not None:
            log.info("published %d item(s) to %s", report.items, report.out)

    async def loop() -> None:
        while True:
            await once()
            await asyncio.sleep(every)

    async def after_pass(_reports: list[Any]) -> None:
        await once()

    task = asyncio.create_task(loop())
    try:
        yield after_pass
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await once()
