"""The notification job of ``clippings run``: digests and alerts, once a minute.

Each tick plans due digests, sends due e-mails, scans for alert events and
posts due deliveries. The tick runs in a worker thread with its own event
loop: SMTP and database calls never hold up collection or the web app
sharing the main loop.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any

from scraper.config.schema import Config
from scraper.notify import alerts, digest
from storage.store import Store

log = logging.getLogger(__name__)

TICK_SECONDS = 60.0  # how often digests and alerts are looked at


def zone_of(config: Config) -> tzinfo:
    """The configured time zone (``settings.timezone``), else the machine's."""
    return config.settings.tz()


@dataclass(frozen=True, slots=True)
class TickReport:
    planned: int = 0
    sent: int = 0
    failed: int = 0
    queued_alerts: int = 0
    delivered: int = 0
    alert_failures: int = 0


async def tick(config: Config, store: Store, *, now: datetime | None = None) -> TickReport:
    """One round of digests and alerts (blocking calls: run it off the main loop)."""
    now = now or datetime.now(UTC)
    zone = zone_of(config)
    planned = digest.plan_due(config, store, now=now, zone=zone)
    sent, failed = await digest.send_due(config, store, now=now, zone=zone)
    queued = alerts.scan(config, store, now=now)
    delivered, alert_failures = await alerts.deliver_due(config, store, now=now)
    return TickReport(planned, sent, failed, queued, delivered, alert_failures)


def tick_in_thread(config: Config, store: Store) -> TickReport:
    return asyncio.run(tick(config, store))


def install(scheduler: Any, config: Config, store: Store, *, every: float = TICK_SECONDS) -> None:
    """Add the notification job to an APScheduler ``AsyncIOScheduler``."""

    async def job() -> None:
        try:
            report = await asyncio.to_thread(tick_in_thread, config, store)
        except Exception:  # a bad tick must not stop collection; it is retried next tick
            log.exception("notifications: the tick failed")
            return
        if report != TickReport():
            log.info("notifications: %s", report)

    scheduler.add_job(
        job,
        "interval",
        seconds=every,
        next_run_time=datetime.now(UTC),
        max_instances=1,
        coalesce=True,
        misfire_grace_time=None,
        id="notify",
    )
