"""Stories submitted by hand: ``clippings add URL`` and the desk's "Submit a link" form.

A submitted URL takes the collector's own path (``Collector.ingest`` with the
source id ``manual``): canonical URL, identity keys, dedup against stored
stories, article fetch and analysis. A person vouched for it, so a new story
the analysis would have filtered out lands in the queue as a candidate.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from scraper.config.schema import Config
from scraper.fetch.client import Fetcher
from scraper.identity.urls import canonicalize_url
from scraper.models import Entry
from scraper.models.errors import BadURL, Drop, PrivateAddress, SubmitError
from scraper.models.stored import SourceState
from scraper.pipeline.adapters import fetch_options
from storage.review import ReviewStore
from storage.store import Store

MANUAL_SOURCE = "manual"


@dataclass(frozen=True, slots=True)
class Submitted:
    """What became of a submitted URL."""

    outcome: str  # "new" | "seen"
    item_id: int
    status: str
    headline: str | None
    note: str | None  # e.g. the article page could not be read

    def message(self) -> str:
        title = self.headline or "(no headline found)"
        if self.outcome == "seen":
            return f"Already collected as item {self.item_id} ({self.status}): {title}"
        extra = f" Note: {self.note}." if self.note else ""
        return f"Added item {self.item_id} to the queue: {title}.{extra}"


def manual_source() -> SourceState:
    return SourceState(
        id=MANUAL_SOURCE,
        kind="page",
        url="",
        outlet=None,
        city=None,
        enabled=True,
        removed=False,
        interval_seconds=0,
        etag=None,
        last_modified=None,
        next_check_at=None,
        last_checked_at=None,
        last_success_at=None,
        last_status=None,
        error_count=0,
        last_error=None,
        items_found=0,
    )


def check_url(url: str) -> str:
    """The canonical form of a submitted URL; ``SubmitError`` with a readable reason.

    The canonical form has no user name or password: ``http://user:pass@host/a``
    is stored, fetched and audited as ``http://host/a``.
    """
    url = url.strip()
    if not url:
        raise SubmitError("Paste the address of a story.")
    try:
        return canonicalize_url(url)
    except BadURL as exc:
        raise SubmitError(f"That is not a usable web address: {exc.reason}.") from exc


async def submit_url(
    url: str, *, config: Config, store: Store, user: str, fetcher: Fetcher | None = None
) -> Submitted:
    """Fetch, analyse and store ``url`` like a collected story; raises ``SubmitError``.

    A page on a non-public address stores nothing, and the message does not
    say what the name resolved to.
    """
    from scraper.pipeline.collector import Collector

    canonical = check_url(url)
    review = ReviewStore(store)
    if fetcher is None:
        async with Fetcher(fetch_options(config)) as own:
            return await submit_url(canonical, config=config, store=store, user=user, fetcher=own)
    collector = Collector(config, store, fetcher, refuse_private=True)
    try:
        outcome, item_id, _ = await collector.ingest(
            Entry(url=canonical), source=manual_source(), may_fetch=True
        )
    except Drop as drop:
        raise SubmitError(f"Not added: {drop.reason}.") from drop
    except PrivateAddress as exc:
        raise SubmitError(
            "Not added: that address is not a public web page (clippings only fetches "
            "pages on the public internet)."
        ) from exc
    now = datetime.now(UTC)
    item = store.item(item_id) or {}
    review.record(user=user, action="submit", now=now, item_id=item_id, detail=canonical)
    if outcome == "new" and item.get("status") == "filtered":
        item = review.act(
            item_id,
            "promote",
            user=user,
            now=now,
            version=None,
            reason=None,
        )
    return Submitted(
        outcome=outcome,
        item_id=item_id,
        status=str(item.get("status")),
        headline=item.get("headline"),
        note=item.get("analysis_note"),
    )
