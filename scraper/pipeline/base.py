"""The state every part of the collector shares: configuration, store, fetcher, clock, sandbox."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from scraper.config.schema import Config
from scraper.fetch.client import Fetcher, Response
from scraper.identity.resolve import GoogleNewsResolver, LinkResolver
from scraper.pipeline.analysis_pool import analysis_config, analysis_pool
from scraper.pipeline.report import utcnow
from scraper.sources.sandbox import Sandbox, default_sandbox
from storage.links import LinkCache
from storage.store import Store

log = logging.getLogger(__name__)


class CollectorBase:
    """Runs collection passes over sources with one fetcher and one store."""

    def __init__(
        self,
        config: Config,
        store: Store,
        fetcher: Fetcher,
        *,
        clock: Callable[[], datetime] = utcnow,
        sandbox: Sandbox | None = None,
        resolver: LinkResolver | None = None,
        keep_page: Callable[[str, Response, datetime], Awaitable[None]] | None = None,
        refuse_private: bool = False,
    ) -> None:
        self.config = config
        # Article responses go here too (Archiver.keep_page in scraper.archive.jobs): a story
        # approved soon after is snapshotted from these very bytes.
        self.keep_page = keep_page
        # A submitted link whose page is on a non-public address stores nothing
        # (PrivateAddress propagates) instead of a story noting the refusal.
        self.refuse_private = refuse_private
        self.store = store
        self.fetcher = fetcher
        self.clock = clock
        self._homes: dict[str, tuple[str | None, datetime]] = {}  # outlet -> remembered home
        self._analysis_config: tuple[Config, Config] | None = None
        # Search-engine links -> article URLs (scraper.identity.resolve), cached in the database.
        self.resolver = resolver or GoogleNewsResolver(
            LinkCache(store),
            network=fetcher,
            online=config.settings.resolve_google_news_links,
            clock=clock,
        )
        # Parsing runs in worker processes with a time limit (scraper.sources.sandbox).
        self.sandbox = sandbox or default_sandbox(
            workers=config.settings.parse_workers, time_limit=config.settings.parse_time_limit
        )

    @property
    def analysis(self) -> Sandbox:
        """The analysis processes (``scraper.pipeline.analysis_pool``), started on first use."""
        return analysis_pool(workers=self.config.settings.analysis_workers)

    @property
    def analysis_config(self) -> Config:
        """The configuration as the analysis workers get it (no sources), kept per config."""
        kept = self._analysis_config
        if kept is None or kept[0] is not self.config:  # a reload swaps ``self.config``
            kept = self._analysis_config = (self.config, analysis_config(self.config))
        return kept[1]

    def _robots(self, source_id: str) -> bool | None:
        """The source's robots.txt override (None: the ``respect_robots`` setting)."""
        own = self.config.source(source_id)
        return own.robots if own is not None else None
