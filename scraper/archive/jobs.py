"""The archive job: snapshots due, Save Page Now requests due, link checks due.

``Archiver.run_once()`` does one round of each, through one ``Fetcher``;
``clippings run``, ``clippings serve`` and ``clippings archive run`` call it
(the first two every ``EVERY`` seconds in the background, and at once after
an approval: ``Archiver.kick``). Every failure is recorded on the row and
retried later; nothing here raises into an approval.

Where a snapshot's bytes come from, in order::

    kept collection response younger than FRESH (a day)   -> reused ("collection")
    kept response with an ETag / Last-Modified             -> conditional GET:
                                                              304 -> reused ("revalidated")
    otherwise                                              -> a new GET ("fetched")
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scraper.archive.files import append, archive_dir, month_file
from scraper.archive.linkcheck import check_link
from scraper.archive.recent import FRESH, RecentPages
from scraper.archive.warc import CapturedPage, StoryFields, snapshot_records, warcinfo
from scraper.archive.wayback import save_page_now
from scraper.config.schema import Config
from scraper.fetch.client import PAGE_ACCEPT, Fetcher, Response
from scraper.models.errors import ClippingsError, FetchError
from scraper.pipeline.adapters import fetch_options
from storage import link_checks, snapshots
from storage.snapshots import Captured, SnapshotTask
from storage.store import Store

log = logging.getLogger(__name__)

EVERY = 60.0  # seconds between two background rounds
SNAPSHOTS_PER_ROUND = 20
LINKS_PER_ROUND = 50
ARCHIVE_ORG_PER_ROUND = 10


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class ArchiveReport:
    """What one round did (``clippings archive run --json`` prints it)."""

    snapshots: dict[str, int] = field(default_factory=dict)  # by origin, and "failed"
    errors: list[str] = field(default_factory=list)
    links_checked: int = 0
    links_gone: int = 0
    archive_org: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        return {
            "snapshots": self.snapshots,
            "errors": self.errors,
            "links_checked": self.links_checked,
            "links_gone": self.links_gone,
            "archive_org": self.archive_org,
        }


class Archiver:
    """Snapshots, link checks and Save Page Now for one database and archive folder."""

    def __init__(
        self,
        config: Config,
        store: Store,
        *,
        folder: Path | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.config = config
        self.store = store
        self.folder = folder or archive_dir(config)
        self.recent = RecentPages(self.folder / "recent")
        self.clock = clock
        self._kicked: set[asyncio.Task[ArchiveReport]] = set()

    # --- the collector's side ------------------------------------------------

    async def keep_page(self, url: str, response: Response, now: datetime) -> None:
        """Keep an article response collection just read (``Collector(keep_page=...)``)."""
        page = self._captured(url, response, now)
        try:
            await asyncio.to_thread(self.recent.keep, page)
        except OSError as exc:  # a full disk must not stop collection
            log.warning("could not keep the response of %s for its snapshot: %s", url, exc)

    def _captured(self, url: str, response: Response, now: datetime) -> CapturedPage:
        return CapturedPage(
            url=url,
            target_url=response.url,
            status=response.status,
            headers=dict(response.headers),
            body=response.body,
            fetched_at=now,
            request_headers={
                "User-Agent": self.config.settings.user_agent,
                "Accept": PAGE_ACCEPT,
                "Accept-Encoding": "gzip, deflate, br",
            },
        )

    # --- one round -------------------------------------------------------------

    async def run_once(
        self,
        *,
        fetcher: Fetcher | None = None,
        item_ids: Sequence[int] | None = None,
        links: bool = True,
        all_links: bool = False,
    ) -> ArchiveReport:
        """Snapshots due (only of ``item_ids`` when given), Save Page Now, link checks."""
        report = ArchiveReport()
        async with contextlib.AsyncExitStack() as stack:
            if fetcher is None:
                fetcher = await stack.enter_async_context(Fetcher(fetch_options(self.config)))
            await self.snapshot_due(fetcher, report, item_ids=item_ids)
            if self.config.settings.archive_org:
                await self.archive_org_due(fetcher, report)
            if links and item_ids is None:
                await self.check_links_due(fetcher, report, all_public=all_links)
        await asyncio.to_thread(self.recent.prune, now=self.clock())
        return report

    async def snapshot_due(
        self, fetcher: Fetcher, report: ArchiveReport, *, item_ids: Sequence[int] | None = None
    ) -> None:
        tasks = await asyncio.to_thread(
            snapshots.claim_snapshots,
            self.store,
            now=self.clock(),
            limit=SNAPSHOTS_PER_ROUND,
            archive_org=self.config.settings.archive_org,
            item_ids=item_ids,
        )
        for task in tasks:
            try:
                origin = await self._snapshot(fetcher, task)
                report.snapshots[origin] = report.snapshots.get(origin, 0) + 1
            except (ClippingsError, OSError, ValueError) as exc:
                reason = exc.reason if isinstance(exc, FetchError) else str(exc)
                state = await asyncio.to_thread(
                    snapshots.record_snapshot_failure,
                    self.store,
                    task.item_id,
                    error=reason,
                    now=self.clock(),
                )
                report.snapshots["failed"] = report.snapshots.get("failed", 0) + 1
                report.errors.append(f"item {task.item_id}: {reason} ({state})")
                log.warning("snapshot of item %d (%s) failed: %s", task.item_id, task.url, reason)

    async def _snapshot(self, fetcher: Fetcher, task: SnapshotTask) -> str:
        page, origin = await self._page_for(fetcher, task.url)
        story = StoryFields(
            item_id=task.item_id,
            headline=task.headline,
            outlet=task.outlet,
            published=task.published,
            text=task.text,
            origin=origin,
        )
        records = snapshot_records(page, story)
        now = self.clock()
        name = month_file(now)
        header = warcinfo(name, description="clippings: snapshots of approved stories")
        offset = await asyncio.to_thread(append, self.folder, name, records.data, header=header)
        if offset == 0:  # the file was new: our records follow its warcinfo
            offset = len(header)
        captured = Captured(
            target_url=page.target_url,
            captured_at=page.fetched_at,
            http_status=page.status,
            content_type=page.headers.get("content-type", ""),
            origin=origin,
            warc_file=name,
            warc_offset=offset,
            warc_length=len(records.data),
            payload_digest=records.payload_digest,
        )
        await asyncio.to_thread(
            snapshots.record_snapshot, self.store, task.item_id, captured, now=now
        )
        return origin

    async def _page_for(self, fetcher: Fetcher, url: str) -> tuple[CapturedPage, str]:
        """The page's bytes: kept from collection when fresh, else fetched (see above)."""
        now = self.clock()
        kept = await asyncio.to_thread(self.recent.load, url)
        if kept is not None and kept.status == 200 and now - kept.fetched_at <= FRESH:
            return kept, "collection"
        etag = kept.headers.get("etag") if kept else None
        modified = kept.headers.get("last-modified") if kept else None
        response = await fetcher.fetch(url, accept=PAGE_ACCEPT, etag=etag, last_modified=modified)
        if response.not_modified and kept is not None:
            return kept, "revalidated"
        return self._captured(url, response, self.clock()), "fetched"

    async def archive_org_due(self, fetcher: Fetcher, report: ArchiveReport) -> None:
        endpoint = self.config.settings.archive_org_endpoint
        due = await asyncio.to_thread(
            snapshots.due_archive_org, self.store, now=self.clock(), limit=ARCHIVE_ORG_PER_ROUND
        )
        for item_id, url, _attempts in due:
            try:
                found = await save_page_now(fetcher, endpoint, url)
            except (ClippingsError, ValueError) as exc:
                reason = exc.reason if isinstance(exc, FetchError) else str(exc)
                state = await asyncio.to_thread(
                    snapshots.record_archive_org,
                    self.store,
                    item_id,
                    now=self.clock(),
                    error=reason,
                )
                log.warning("Save Page Now for item %d failed (%s): %s", item_id, state, reason)
                report.archive_org[state] = report.archive_org.get(state, 0) + 1
                continue
            await asyncio.to_thread(
                snapshots.record_archive_org,
                self.store,
                item_id,
                now=self.clock(),
                archive_url=found,
            )
            report.archive_org["ok"] = report.archive_org.get("ok", 0) + 1

    async def check_links_due(
        self, fetcher: Fetcher, report: ArchiveReport, *, all_public: bool = False
    ) -> None:
        every = self.config.settings.link_check_interval
        due = await asyncio.to_thread(
            link_checks.due_link_checks,
            self.store,
            now=self.clock(),
            every=every,
            limit=LINKS_PER_ROUND,
            all_public=all_public,
        )
        for item_id, url in due:
            verdict = await check_link(fetcher, url)
            now = self.clock()
            await asyncio.to_thread(
                link_checks.record_link_check,
                self.store,
                item_id,
                outcome=verdict.outcome,
                now=now,
                next_check_at=now + every,
                http_status=verdict.status,
                final_url=verdict.final_url,
                detail=verdict.detail,
            )
            report.links_checked += 1
            report.links_gone += verdict.outcome == "gone"

    # --- in the background -------------------------------------------------------

    def kick(self, item_ids: Sequence[int]) -> None:
        """Snapshot these items now, in the background (after an approval on the desk)."""
        task = asyncio.get_running_loop().create_task(self._quiet(item_ids))
        self._kicked.add(task)
        task.add_done_callback(self._kicked.discard)

    async def _quiet(self, item_ids: Sequence[int] | None) -> ArchiveReport:
        try:
            return await self.run_once(item_ids=item_ids)
        except Exception:  # a bug here must not reach the request that approved
            log.exception("archive round failed")
            return ArchiveReport()

    def install(self, scheduler: Any, *, every: float = EVERY) -> None:
        """Add a round every ``every`` seconds to ``clippings run``'s APScheduler."""
        scheduler.add_job(
            self._quiet,
            "interval",
            args=[None],
            seconds=every,
            next_run_time=datetime.now(UTC),
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,
            id="archive",
        )

    async def run_forever(self, stop: asyncio.Event, *, every: float = EVERY) -> None:
        """A round every ``every`` seconds until ``stop`` is set."""
        while not stop.is_set():
            await self._quiet(None)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=every)
        if self._kicked:
            await asyncio.gather(*self._kicked, return_exceptions=True)
