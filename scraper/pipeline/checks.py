"""When a source is checked next: the interval in force and the fetch record of a pass.

Pure decisions live in ``scraper.schedule.policy``; this applies them to one
source and its report.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from scraper.models.stored import FetchRecord, SourceState
from scraper.pipeline.base import CollectorBase
from scraper.pipeline.report import SourceReport
from scraper.schedule.policy import (
    CheckPolicy,
    adaptive_interval,
    next_check_at,
)

log = logging.getLogger(__name__)


class CheckPlanner(CollectorBase):
    """The next check of a source (part of ``Collector``)."""

    def policy(self, source: SourceState, *, per_week: float | None = None) -> CheckPolicy:
        settings = self.config.settings
        return CheckPolicy(
            interval=self.interval(source, per_week=per_week),
            min_interval=settings.min_interval,
            max_interval=settings.max_interval,
            max_backoff=settings.max_interval,
            unhealthy_after=settings.unhealthy_after,
            unhealthy_interval=settings.unhealthy_interval,
        )

    def interval(self, source: SourceState, *, per_week: float | None = None) -> timedelta:
        """The base interval: as configured, or adapted to how often the source publishes."""
        settings = self.config.settings
        configured = timedelta(seconds=source.interval_seconds)
        own = self.config.source(source.id)
        if not settings.adaptive_intervals or (own is not None and own.interval is not None):
            return configured
        if per_week is None:  # not modified, or no dates: keep what was learnt
            stored = source.check_interval_seconds
            return timedelta(seconds=stored) if stored else configured
        return adaptive_interval(
            per_week,
            default=configured,
            min_interval=settings.min_interval,
            max_interval=settings.max_interval,
        )

    def _record(
        self, source: SourceState, report: SourceReport, started_at: datetime
    ) -> FetchRecord:
        errors = source.error_count + 1 if report.outcome == "error" else 0
        policy = self.policy(source, per_week=report.per_week)
        return FetchRecord(
            source_id=source.id,
            url=source.url,
            started_at=started_at,
            duration_ms=int(report.seconds * 1000),
            outcome=report.outcome,
            status=report.status,
            bytes=report.bytes,
            items_total=report.entries,
            items_new=report.new,
            items_seen=report.seen,
            error=report.error,
            warning=report.warning,
            etag=report.etag,
            last_modified=report.last_modified,
            next_check_at=next_check_at(
                now=self.clock(),
                policy=policy,
                error_count=errors,
                retry_after=report.retry_after,
                not_before=report.not_before,
            ),
            check_interval_seconds=int(policy.interval.total_seconds()),
            entries_per_week=report.per_week,
            unhealthy=errors >= policy.unhealthy_after,
        )
