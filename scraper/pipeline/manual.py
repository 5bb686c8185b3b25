"""Stories submitted by hand: ``clippings add URL`` and the desk's "Submit a link" form.

A submitted URL takes the collector's own path (``Collector.ingest`` with the
source id ``manual``): canonical URL, identity keys, dedup against stored
stories, article fetch and analysis. A person vouched for it, so a new story
the analysis would have filtered out lands in the queue as a candidate.

Honest by construction: a story already stored is answered without fetching;
otherwise the page is fetched *before* anything is written, and a page that
cannot be fetched or is refused raises ``SubmitError`` with the reason in plain
words, leaving the database untouched (the desk shows the reason beside the
field and offers to enter the story by hand). The fetched page is handed to
the collector, so it is not requested twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from scraper.config.schema import Config
from scraper.fetch.client import PAGE_ACCEPT, Fetcher, Response
from scraper.identity.keys import story_keys
from scraper.identity.resolve import GoogleNewsResolver
from scraper.identity.urls import canonicalize_url
from scraper.models import Entry
from scraper.models.errors import (
    BadURL,
    Drop,
    FetchError,
    PrivateAddress,
    SubmitError,
)
from scraper.models.stored import SourceState
from scraper.pipeline.adapters import fetch_options
from scraper.pipeline.manual_entry import MANUAL_SOURCE
from storage.links import LinkCache
from storage.review import ReviewStore
from storage.store import Store

NOT_PUBLIC = (
    "Not added: that address is not a public web page (clippings only fetches "
    "pages on the public internet)."
)


class _Fetched:
    """The collector's fetcher, except that the page already fetched is not fetched again."""

    def __init__(self, fetcher: Fetcher, url: str, page: Response) -> None:
        self._fetcher, self._url, self._page = fetcher, url, page

    async def fetch(self, url: str, **options: Any) -> Response:
        if url == self._url:
            return self._page
        return await self._fetcher.fetch(url, **options)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._fetcher, name)


def fetch_failure(exc: FetchError) -> str:
    """A fetch failure in plain words, for the person who pasted the link."""
    reason = exc.reason
    if exc.status in (401, 402, 403):
        return (
            f"The site refused to show the page ({reason}): it may be behind a paywall or a login."
        )
    if exc.status == 404 or exc.status == 410:
        return f"There is no page at that address ({reason}): check the link."
    if exc.status is not None and exc.status >= 500:
        return f"The site had a problem answering ({reason}): try again later."
    return f"The page could not be fetched: {reason}."


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
    """The canonical form of a submitted URL; SubmitError with a readable reason.

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


async def _article_of(url: str, *, config: Config, store: Store, fetcher: Fetcher) -> str:
    """The article behind a Google News link pasted by hand (else ``url`` itself).

    Decoded locally when the link carries the URL; otherwise asked of Google
    only with ``resolve_google_news_links`` (``scraper.identity.resolve``).
    A link that stays unresolved is refused: its page is Google's, not the story.
    """
    resolver = GoogleNewsResolver(
        LinkCache(store), network=fetcher, online=config.settings.resolve_google_news_links
    )
    if not resolver.handles(url):
        return url
    answer = (await resolver.resolve([url])).get(url)
    if answer is None or answer.url is None:
        why = answer.reason if answer is not None and answer.reason else "not resolved"
        raise SubmitError(
            f"That is a Google News link, not the story's own address ({why}). "
            "Open it in a browser and paste the address of the article it leads to."
        )
    return check_url(answer.url)


async def submit_url(
    url: str, *, config: Config, store: Store, user: str, fetcher: Fetcher | None = None
) -> Submitted:
    """Fetch, analyse and store ``url`` like a collected story; raises SubmitError
    (and stores nothing) when the page cannot be fetched or is refused.

    A page on a non-public address stores nothing, and the message does not
    say what the name resolved to.
    """
    from scraper.pipeline.collector import Collector

    canonical = check_url(url)
    review = ReviewStore(store)
    if fetcher is None:
        async with Fetcher(fetch_options(config)) as own:
            return await submit_url(canonical, config=config, store=store, user=user, fetcher=own)
    canonical = await _article_of(canonical, config=config, store=store, fetcher=fetcher)
    entry = Entry(url=canonical)
    keys = story_keys(
        source_id=MANUAL_SOURCE,
        url=canonical,
        guid=None,
        canonical_url=None,
        outlet=None,
        title=None,
    )
    page: Response | None = None
    if store.find_story(keys.keys, title_key=None, published_at=None) is None:
        try:
            page = await fetcher.fetch(canonical, accept=PAGE_ACCEPT)
        except PrivateAddress as exc:
            raise SubmitError(NOT_PUBLIC) from exc
        except FetchError as exc:
            raise SubmitError(fetch_failure(exc)) from exc
    # The collector fetches the canonical link; hand it the page fetched above.
    reader = fetcher if page is None else cast(Fetcher, _Fetched(fetcher, canonical, page))
    from scraper.archive.jobs import Archiver  # keeps the page for the snapshot on approve

    keep = Archiver(config, store).keep_page
    collector = Collector(config, store, reader, refuse_private=True, keep_page=keep)
    try:
        outcome, item_id, _ = await collector.ingest(entry, source=manual_source(), may_fetch=True)
    except Drop as drop:
        raise SubmitError(f"Not added: {drop.reason}.") from drop
    except PrivateAddress as exc:
        raise SubmitError(NOT_PUBLIC) from exc
    now = datetime.now(UTC)
    item: Mapping[str, Any] = store.item(item_id) or {}
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
