"""Build the public site from the database, once per change, and record what went out.

A ``Publisher`` keeps the last built ``Site`` and the fingerprint of the
public items it was built from. ``current()`` asks storage for the
fingerprint (one small query) and rebuilds only when it changed: an item was
approved, edited or unpublished. After a build, the items still ``approved``
become ``published`` (they are now in the outputs). Order matters: the
fingerprint is read *before* the items, so a change made during a build is
seen by the next call, never lost.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from scraper.config.schema import Config
from scraper.publish.archived import annotate
from scraper.publish.model import public_item
from scraper.publish.site import Site, SiteOptions, build_site
from storage.publishing import (
    last_public_change,
    mark_published,
    public_fingerprint,
    public_items,
)
from storage.store import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Build:
    """A built site and what building it did."""

    site: Site
    fingerprint: str
    newly_published: int  # items that went from approved to published
    seconds: float  # time to load and render


def build(
    options: SiteOptions,
    store: Store,
    *,
    now: Callable[[], datetime] | None = None,
    mark: bool = False,
) -> Build:
    """Load the public items and render every file.

    ``mark``: this build is a publish step (a static export, or the serve
    process's publish job after a review change), so the approved items it
    includes become ``published``. Serving a page or a feed never marks: a
    GET changes no state.
    """
    started = time.perf_counter()
    fingerprint = public_fingerprint(store)
    rows = public_items(store)
    annotate(store, rows, options.archive_folder)  # gone links -> their archived copy
    items = [public_item(row, host=options.host, site_url=options.site_url) for row in rows]
    site = build_site(options, items, last_modified=last_public_change(store))
    approved = [row["id"] for row in rows if row["status"] == "approved"]
    moment = (now or (lambda: datetime.now(UTC)))()
    newly = mark_published(store, approved, now=moment) if approved and mark else 0
    seconds = time.perf_counter() - started
    log.info(
        "built the public site: %d item(s), %d file(s), %d newly published, %.2f s",
        len(items),
        len(site.files),
        newly,
        seconds,
    )
    return Build(site=site, fingerprint=fingerprint, newly_published=newly, seconds=seconds)


class Publisher:
    """The current public site of one database; safe to call from many threads."""

    def __init__(
        self, config: Config, store: Store, *, recheck_seconds: float = 0.0, marks: bool = False
    ) -> None:
        self.options = SiteOptions.from_config(config)
        self.store = store
        self.marks = marks  # builds are publish steps (static export); GET serving: False
        self.recheck_seconds = recheck_seconds  # how long a checked site is trusted unchanged
        self._lock = threading.Lock()
        self._build: Build | None = None
        self._checked = float("-inf")  # time.monotonic() of the last fingerprint check

    def current(self) -> Build:
        """The site for the public items as they are now (rebuilt only after a change).

        Within ``recheck_seconds`` of the last check the site is returned
        without asking the database (a busy page costs no query per request).
        """
        with self._lock:
            now = time.monotonic()
            if self._build is not None and now - self._checked < self.recheck_seconds:
                return self._build
            fingerprint = public_fingerprint(self.store)
            if self._build is None or self._build.fingerprint != fingerprint:
                self._build = build(self.options, self.store, mark=self.marks)
            self._checked = now
            return self._build

    def publish(self) -> int:
        """The publish step of the serve process: approved items become ``published``.

        Run after a review change (``scraper.web.common.Desk.changed``), never on
        a GET. Returns how many items were newly published.
        """
        with self._lock:
            self._build = build(self.options, self.store, mark=True)
            self._checked = time.monotonic()
            return self._build.newly_published
