"""Run the real collector in-process against the local feed server (fault and politeness tests).

config = make_config(f"- id: a\\n  kind: feed\\n  url: {server.url('/a.xml')}\\n")
reports = run_pass(config, db_url)          # {source id: SourceReport}
"""

from __future__ import annotations

import asyncio
import textwrap
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from email.utils import format_datetime

from scraper.config.schema import Config, parse_config
from scraper.fetch.client import Fetcher
from scraper.fetch.netguard import AddressPolicy
from scraper.pipeline import wiring
from scraper.pipeline.adapters import fetch_options, source_specs
from scraper.pipeline.collector import Collector, SourceReport
from storage.store import Store

BASE_SETTINGS = """\
allow_private_networks: true
per_host_delay: 0
timeout: 2
connect_timeout: 1
fetch_articles: false
max_body_bytes: 1000000
"""


def make_config(sources_block: str, *, settings: str = "") -> Config:
    """A validated config: the test settings above (overridable) and the given sources."""
    merged: dict[str, str] = {}
    for line in (BASE_SETTINGS + textwrap.dedent(settings)).splitlines():
        if line.strip():
            key, _, value = line.partition(":")
            merged[key.strip()] = value.strip()
    text = (
        "settings:\n"
        + "".join(f"  {k}: {v}\n" for k, v in merged.items())
        + "sources:\n"
        + textwrap.indent(textwrap.dedent(sources_block), "  ")
    )
    return parse_config(text, name="test-sources.yaml")


def open_store(config: Config, db_url: str, *, now: datetime | None = None) -> Store:
    store = wiring.open_store(db_url)
    store.sync_sources(source_specs(config), now=now or datetime.now(UTC))
    return store


def run_pass(
    config: Config,
    db_url: str,
    *,
    only: list[str] | None = None,
    clock: Callable[[], datetime] | None = None,
    address_policy: AddressPolicy | None = None,
) -> dict[str, SourceReport]:
    """One collection pass over every (or ``only`` these) source; reports by source id."""
    store = open_store(config, db_url, now=clock() if clock else None)
    states = [s for s in store.sources() if only is None or s.id in only]

    async def go() -> list[SourceReport]:
        async with Fetcher(fetch_options(config), address_policy=address_policy) as fetcher:
            collector = (
                Collector(config, store, fetcher, clock=clock)
                if clock
                else Collector(config, store, fetcher)
            )
            return await collector.collect(states)

    return {r.source_id: r for r in asyncio.run(go())}


def rss(
    items: list[tuple[str, str]],
    *,
    title: str = "Riverton Ledger",
    dates: Sequence[datetime | None] | None = None,
    ttl: int | None = None,
    guids: list[str] | None = None,
) -> str:
    """An RSS 2.0 feed of ``(title, link)`` items, with optional dates, GUIDs and ttl."""
    parts = []
    for i, (headline, link) in enumerate(items):
        date = dates[i] if dates else None
        guid = f"<guid isPermaLink='false'>{guids[i]}</guid>" if guids else ""
        pub = f"<pubDate>{format_datetime(date)}</pubDate>" if date else ""
        parts.append(
            f"<item><title>{headline}</title><link>{link}</link>{guid}{pub}"
            f"<description>Invented summary of {headline}.</description></item>"
        )
    ttl_tag = f"<ttl>{ttl}</ttl>" if ttl is not None else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>https://riverton.example/</link>{ttl_tag}"
        + "".join(parts)
        + "</channel></rss>"
    )


RSS_TYPE = {"Content-Type": "application/rss+xml; charset=utf-8"}
