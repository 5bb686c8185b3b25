"""A running ``clippings run`` picks up an edited ``sources.yaml`` without a restart.

Each tick (and at once on SIGHUP) :meth:`SourcesWatcher.check` looks at the file's
modification time and size, and on a change at its content hash. A valid new file is
applied: the sources table is synced (a new source is due at once, a removed one stops,
a changed URL starts afresh) and the collector gets the new configuration, so outlets,
intervals and the programs and cities vocabulary apply to the next items. An invalid
edit keeps the running configuration and logs the same line-precise problems as at
start, once per edit. Settings that shape the fetcher or the parser pool (timeouts,
concurrency, User-Agent...) or the web app are logged as needing a restart.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import signal
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scraper.config.schema import Config, load_config
from scraper.models.errors import ConfigError
from scraper.pipeline.adapters import source_specs

if TYPE_CHECKING:
    from storage.store import Store

log = logging.getLogger(__name__)

# settings read once at start: the fetcher, the parser pool, the database and the web app
RESTART_SETTINGS = frozenset(
    {
        "user_agent",
        "timeout",
        "connect_timeout",
        "max_body_bytes",
        "max_redirects",
        "concurrency",
        "per_host_concurrency",
        "per_host_delay",
        "allow_private_networks",
        "respect_robots",
        "parse_time_limit",
        "parse_workers",
        "database_url",
        "site_title",
        "site_description",
        "site_url",
        "site_language",
        "page_size",
        "feed_length",
    }
)

Signature = tuple[int, int] | None


def _signature(path: Path) -> Signature:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size)


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


class SourcesWatcher:
    """Watches one sources.yaml and applies valid edits to a running collector."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        config: Config,
        store: Store,
        apply: Callable[[Config], None],
    ) -> None:
        self.path = Path(path)
        self.config = config
        self.store = store
        self.apply = apply
        self._signature = _signature(self.path)
        self._digest = _digest(self.path)

    def check(self, *, force: bool = False) -> bool:
        """Reload if the file changed (``force``: look at the content even if the time
        and size did not change). True when a new configuration was applied."""
        signature = _signature(self.path)
        if signature == self._signature and not force:
            return False
        self._signature = signature
        digest = _digest(self.path)
        if digest is None:
            log.error("%s cannot be read; keeping the running configuration", self.path)
            return False
        if digest == self._digest:
            if force:
                log.info("%s is unchanged", self.path)
            return False
        self._digest = digest
        try:
            new = load_config(self.path)
        except ConfigError as exc:
            log.error(
                "%s changed but has %d problem(s); keeping the running configuration:\n  %s",
                self.path,
                len(exc.problems),
                "\n  ".join(exc.problems),
            )
            return False
        try:
            self.store.sync_sources(source_specs(new), now=datetime.now(UTC))
        except Exception:
            self._signature = self._digest = None  # try again at the next tick
            raise
        old, self.config = self.config, new
        self.apply(new)
        log.warning("%s reloaded: %s", self.path, describe_change(old, new))
        restart = sorted(
            name
            for name in RESTART_SETTINGS
            if getattr(old.settings, name) != getattr(new.settings, name)
        )
        if restart:
            log.warning("these settings apply at the next restart: %s", ", ".join(restart))
        return True


def describe_change(old: Config, new: Config) -> str:
    """ "sources: 1 added (wbez), 1 removed (nybooks); vocabulary changed (...)" ..."""
    before = {s.id: s for s in old.sources}
    after = {s.id: s for s in new.sources}
    added = sorted(set(after) - set(before))
    removed = sorted(set(before) - set(after))
    changed = sorted(i for i in set(before) & set(after) if before[i] != after[i])
    moves = [
        f"{len(ids)} {verb} ({', '.join(ids)})"
        for ids, verb in ((added, "added"), (removed, "removed"), (changed, "changed"))
        if ids
    ]
    parts = [f"sources: {', '.join(moves)}"] if moves else []
    if old.programs != new.programs or old.cities != new.cities:
        parts.append("vocabulary changed (applies to new items)")
    if old.outlets != new.outlets:
        parts.append("outlets changed")
    if old.settings != new.settings:
        parts.append("settings changed")
    return "; ".join(parts) or "no change that matters"


def watch(scheduler: Any, watcher: SourcesWatcher, *, every: float) -> None:
    """Check ``watcher`` every ``every`` seconds, and at once on SIGHUP (in a worker
    thread: reading the file and syncing the database never hold the event loop)."""

    async def check(force: bool = False) -> None:
        try:
            await asyncio.to_thread(watcher.check, force=force)
        except asyncio.CancelledError:
            return  # clippings is stopping; the next start reads the file anyway
        except Exception as exc:  # e.g. the database busy: the next tick tries again
            log.error("could not apply %s (%s); trying again next tick", watcher.path, exc)

    scheduler.add_job(
        check, "interval", seconds=every, id="reload-sources", max_instances=1, coalesce=True
    )

    def now() -> None:
        log.info("SIGHUP: reading %s", watcher.path)
        scheduler.add_job(check, kwargs={"force": True}, id="reload-now", replace_existing=True)

    loop = asyncio.get_running_loop()
    with contextlib.suppress(NotImplementedError, RuntimeError, AttributeError):
        loop.add_signal_handler(signal.SIGHUP, now)
