"""Analysis in worker processes: a feed's new stories as one task, on every core.

Analysis is pure Python and holds the GIL, so a thread gives one core at
most and stalls the event loop's thread while it runs. Here a batch of jobs
(the new entries of one feed, each with its page if one was read) goes to a
pool of worker processes (``scraper.sources.sandbox.Sandbox``: time-limited,
memory-capped, recycled when stuck) and comes back as the stored form of
each story and its near-duplicate fingerprint::

    [Job(entry, url, page html, ...), ...]  --pickle-->  worker:
        analyze() -> story_data() (with its near-duplicate fingerprint)
    [StoryData, ...]                       <--pickle--

The configuration travels with each batch without its sources (a list of
20,000 sources would cost more to send than the analysis); a worker keeps
the last one it was given. A story whose analysis raises is stored from its
feed entry with the reason in its note, like a page that could not be read.
Pool size: ``analysis_workers`` (0: one per core), so two cores analyse
about twice as fast as one.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from scraper.config.schema import Config
from scraper.models import Analysis, Entry
from scraper.models.stored import StoryData
from scraper.pipeline.story import story_data
from scraper.sources import sandbox
from scraper.sources.sandbox import Sandbox

log = logging.getLogger(__name__)

# Workers start from the forkserver with the analysis imported (trafilatura, lxml...):
# starting one then costs a fork, not seconds of imports.
sandbox.PRELOAD.extend(
    m
    for m in ("scraper.pipeline.analysis_pool", "scraper.understand.analyze")
    if m not in sandbox.PRELOAD
)

TIME_LIMIT = 300.0  # seconds one batch may take (50 long pages at most)
MAX_TASKS_PER_CHILD = 2000  # batches before a worker is replaced (its vocabularies reloaded)


@dataclass(frozen=True, slots=True)
class Job:
    """One story to analyse: its entry, and its page when one was read."""

    entry: Entry
    url: str
    source_id: str
    outlet: str | None
    home: str | None
    html: bytes | None = None
    note: str | None = None  # why the page was not read, when it was not
    remembered_home: str | None = None  # the outlet's home learnt from reviewed stories
    pages: int = 0  # article pages fetched for it (0 or 1: counts against the page budget)


def analysis_config(config: Config) -> Config:
    """What analysis needs of the configuration (settings, programs, cities, outlets)."""
    return config.model_copy(update={"sources": []})


def analyse_batch(config: Config, jobs: Sequence[Job], now: datetime) -> list[StoryData]:
    """Analyse ``jobs`` in order: their stored form, fingerprint included (runs in a worker).

    Pure: nothing here touches the network or the database.
    """
    return [analysed_story(job, config=config, now=now) for job in jobs]


def analysed_story(job: Job, *, config: Config, now: datetime) -> StoryData:
    """The stored form of a job's story, analysed."""
    analysis, note = run_analysis(job, config=config)
    return story_data(
        analysis, url=job.url, entry=job.entry, source_id=job.source_id, note=note, now=now
    )


def fallback_story(job: Job, *, now: datetime) -> StoryData:
    """The stored form of a job's story from its feed entry alone (its analysis failed)."""
    from scraper.understand.analyze import article_from_entry

    reason = job.note or "not analysed"
    analysis = Analysis(
        article=article_from_entry(job.entry, url=job.url, outlet=job.outlet),
        excerpt=job.entry.summary or "",
        relevant=False,
        relevance_reason=reason,
    )
    return story_data(
        analysis, url=job.url, entry=job.entry, source_id=job.source_id, note=reason, now=now
    )


def run_analysis(job: Job, *, config: Config) -> tuple[Analysis, str | None]:
    """The analysis of one job and its note (a failure becomes the entry's own reading)."""
    from scraper.understand.analyze import analyze, article_from_entry

    note = job.note
    try:
        analysis = analyze(
            url=job.url,
            config=config,
            html=job.html,
            entry=job.entry,
            outlet=job.outlet,
            outlet_home=job.home,
            remembered_home=job.remembered_home,
        )
    except Exception as exc:  # a bug in one analysis must not lose the story
        log.exception("analysis of %s failed", job.url)
        reason = f"analysis failed: {type(exc).__name__}: {exc}"
        analysis = Analysis(
            article=article_from_entry(job.entry, url=job.url, outlet=job.outlet),
            excerpt=job.entry.summary or "",
            relevant=False,
            relevance_reason=reason,
        )
        note = f"{note}; {reason}" if note else reason
    return analysis, note


def default_workers() -> int:
    """One worker per core (``os.process_cpu_count`` where Python has it)."""
    counter = getattr(os, "process_cpu_count", None) or os.cpu_count
    return max(1, counter() or 1)


_pools: dict[int, Sandbox] = {}
_pools_lock = threading.Lock()


def analysis_pool(*, workers: int = 0) -> Sandbox:
    """One analysis pool per process and size, started on first use, closed at exit."""
    size = workers or default_workers()
    with _pools_lock:
        pool = _pools.get(size)
        if pool is None:
            pool = Sandbox(
                workers=size,
                time_limit=TIME_LIMIT,
                max_tasks_per_child=MAX_TASKS_PER_CHILD,
                task="analysis",
            )
            _pools[size] = pool
            atexit.register(pool.close)
        return pool
