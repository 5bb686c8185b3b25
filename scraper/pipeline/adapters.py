"""Adapters from the validated configuration to what each layer takes.

The fetch layer and the store take plain values, not the ``Config`` model, so
they can be used (and tested) without a sources.yaml.
"""

from __future__ import annotations

from scraper.config import search
from scraper.config.schema import Config
from scraper.fetch.client import FetchOptions
from scraper.models.stored import SourceSpec


def fetch_options(config: Config) -> FetchOptions:
    settings = config.settings
    return FetchOptions(
        user_agent=settings.user_agent,
        timeout=settings.timeout,
        connect_timeout=settings.connect_timeout,
        max_body_bytes=settings.max_body_bytes,
        max_redirects=settings.max_redirects,
        concurrency=settings.concurrency,
        per_host_concurrency=settings.per_host_concurrency,
        per_host_delay=settings.per_host_delay,
        allow_private=settings.allow_private_networks,
        respect_robots=settings.respect_robots,
        host_delays=tuple(sorted(search.host_gaps().items())),
    )


def source_specs(config: Config) -> list[SourceSpec]:
    return [
        SourceSpec(
            id=s.id,
            kind=s.kind,
            url=s.url,
            outlet=s.outlet,
            city=s.city,
            enabled=s.enabled,
            interval_seconds=int(config.interval_for(s).total_seconds()),
        )
        for s in config.sources
    ]
