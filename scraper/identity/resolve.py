"""Search-engine links -> article URLs, behind one small interface with a cache.

``LinkResolver`` is the interface the pipeline calls: ``resolve(links)`` answers
a ``Resolution`` for each link it handles. ``GoogleNewsResolver`` is the one
implementation; another (a maintained library, a different service) can take
its place without the pipeline changing. For each Google News link, in order:

1. the token carries the URL (the older form): decoded locally, no request;
2. the cache (``link_resolutions`` in the database, ``LinkCache``) knows it;
3. only with ``online=True`` (``settings.resolve_google_news_links``): the
   article page gives a signature, then one ``batchexecute`` POST per
   ``batch_size`` links answers the URLs. Every request goes through the
   fetch layer (address guard, robots.txt, size caps, per-host gap);
   at most ``max_online`` links are asked about per call, and after a failure
   a link waits ``retry_delay`` (doubling, up to a day) before it is tried again.

A link left unresolved keeps its Google URL; the pipeline stores it under the
outlet and headline and resolves it on a later pass.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Literal, Protocol
from urllib.parse import urlsplit

from scraper.identity import gnews
from scraper.models import Entry, LinkRecord
from scraper.models.errors import FetchError, HTTPStatusError

log = logging.getLogger(__name__)

PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
BATCH_SIZE = 20  # links per batchexecute POST
MAX_ONLINE = 30  # links asked about per pass and resolver call
RETRY_DELAY = timedelta(hours=1)  # after a failed attempt; doubles each time, up to MAX_RETRY
MAX_RETRY = timedelta(days=1)

How = Literal["token", "cache", "online", "unresolved"]


@dataclass(frozen=True, slots=True)
class Resolution:
    """The article URL behind a link (``url``), or why it is not known (``reason``)."""

    link: str
    url: str | None
    how: How
    reason: str | None = None


class LinkCache(Protocol):
    """Where resolutions are kept between passes (``storage.links.LinkCache``)."""

    def get_links(self, keys: Sequence[str]) -> dict[str, LinkRecord]: ...

    def put_links(self, records: Sequence[LinkRecord]) -> None: ...


class Page(Protocol):
    @property
    def body(self) -> bytes: ...


class Network(Protocol):
    """The part of ``scraper.fetch.Fetcher`` a resolver uses."""

    async def fetch(self, url: str, *, accept: str = ...) -> Page: ...

    async def post_form(self, url: str, form: Mapping[str, str], *, accept: str = ...) -> Page: ...


class LinkResolver(Protocol):
    """Turns search-engine links into article URLs."""

    def handles(self, link: str) -> bool: ...

    async def resolve(self, links: Sequence[str]) -> dict[str, Resolution]: ...


class MemoryCache:
    """A ``LinkCache`` in memory (tests, ``clippings sources check``)."""

    def __init__(self) -> None:
        self.records: dict[str, LinkRecord] = {}

    def get_links(self, keys: Sequence[str]) -> dict[str, LinkRecord]:
        return {k: self.records[k] for k in keys if k in self.records}

    def put_links(self, records: Sequence[LinkRecord]) -> None:
        self.records.update((r.key, r) for r in records)


def _utcnow() -> datetime:
    return datetime.now(UTC)


class GoogleNewsResolver:
    """``LinkResolver`` for Google News links (see the module docstring)."""

    def __init__(
        self,
        cache: LinkCache,
        *,
        network: Network | None = None,
        online: bool = False,
        endpoint: str = f"https://{gnews.GOOGLE_NEWS_HOST}",
        batch_size: int = BATCH_SIZE,
        max_online: int = MAX_ONLINE,
        retry_delay: timedelta = RETRY_DELAY,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        self.cache = cache
        self.network = network
        self.online = online and network is not None
        self.endpoint = endpoint.rstrip("/")
        self.batch_size = max(1, batch_size)
        self.max_online = max_online
        self.retry_delay = retry_delay
        self.clock = clock
        parts = urlsplit(self.endpoint)
        own = (parts.hostname or "").lower() + (f":{parts.port}" if parts.port else "")
        self.hosts = frozenset({gnews.GOOGLE_NEWS_HOST, own})

    def _token(self, link: str) -> str | None:
        return gnews.article_token(link, hosts=self.hosts)

    def handles(self, link: str) -> bool:
        return self._token(link) is not None

    async def resolve(self, links: Sequence[str]) -> dict[str, Resolution]:
        answers: dict[str, Resolution] = {}
        pending: dict[str, list[str]] = {}  # cache key -> links with that token
        tokens: dict[str, str] = {}
        for link in dict.fromkeys(links):
            token = self._token(link)
            if token is None:
                continue
            decoded = gnews.decode_token(token)
            if decoded.kind == "url" and decoded.url:
                answers[link] = Resolution(link, decoded.url, "token")
                continue
            key = f"google-news:{token}"
            pending.setdefault(key, []).append(link)
            tokens[key] = token
        if not pending:
            return answers
        now = self.clock()
        known = await asyncio.to_thread(self.cache.get_links, list(pending))  # off the loop
        ask: list[str] = []
        for key, group in pending.items():
            record = known.get(key)
            if record is not None and record.url:
                answers.update((link, Resolution(link, record.url, "cache")) for link in group)
                continue
            if not self.online:
                reason = (
                    "not resolved: the token does not carry the URL and online resolution is off"
                )
            elif record is not None and record.retry_at is not None and record.retry_at > now:
                when = f"{record.retry_at:%Y-%m-%d %H:%M} UTC"
                reason = f"not resolved: {record.last_error}; next try after {when}"
            elif len(ask) >= self.max_online:
                reason = (
                    f"not resolved yet: at most {self.max_online} links are asked about per pass"
                )
            else:
                ask.append(key)
                continue
            answers.update((link, Resolution(link, None, "unresolved", reason)) for link in group)
        if ask:
            found, failures = await self._ask(ask, tokens, pending)
            records = [
                LinkRecord(key=key, url=url, resolved_at=now) for key, url in found.items()
            ] + [self._failed(known.get(key), key, reason, now) for key, reason in failures.items()]
            await asyncio.to_thread(self.cache.put_links, records)
            for key in ask:
                for link in pending[key]:
                    if key in found:
                        answers[link] = Resolution(link, found[key], "online")
                    else:
                        answers[link] = Resolution(
                            link, None, "unresolved", f"not resolved: {failures[key]}"
                        )
        return answers

    def _failed(
        self, before: LinkRecord | None, key: str, reason: str, now: datetime
    ) -> LinkRecord:
        attempts = (before.attempts if before else 0) + 1
        wait = min(self.retry_delay * 2 ** (attempts - 1), MAX_RETRY)
        return LinkRecord(
            key=key, url=None, attempts=attempts, last_error=reason, retry_at=now + wait
        )

    async def _ask(
        self, keys: list[str], tokens: Mapping[str, str], links: Mapping[str, list[str]]
    ) -> tuple[dict[str, str], dict[str, str]]:
        """Ask Google: ``(url by key, failure reason by key)``."""
        assert self.network is not None
        found: dict[str, str] = {}
        failures: dict[str, str] = {}
        signed: list[tuple[str, str, str]] = []  # (key, timestamp, signature)
        stopped: str | None = None
        for key in keys:
            if stopped:
                failures[key] = stopped
                continue
            page_url = gnews.article_page(self.endpoint, tokens[key], links[key][0])
            try:
                page = await self.network.fetch(page_url, accept=PAGE_ACCEPT)
            except FetchError as exc:
                failures[key] = f"article page: {exc.reason}"
                if isinstance(exc, HTTPStatusError) and exc.status == 429:
                    stopped = f"article page: {exc.reason}"  # ask no more this pass
                continue
            sig = gnews.signature(page.body.decode("utf-8", "replace"))
            if sig is None:
                failures[key] = "article page has no data-n-a-sg / data-n-a-ts"
                continue
            signed.append((key, sig[1], sig[0]))
        for start in range(0, len(signed), self.batch_size):
            batch = signed[start : start + self.batch_size]
            if stopped:
                failures.update((key, stopped) for key, _, _ in batch)
                continue
            form = gnews.batch_form([(tokens[key], ts, sg) for key, ts, sg in batch])
            try:
                answer = await self.network.post_form(f"{self.endpoint}{gnews.BATCH_PATH}", form)
                urls = gnews.batch_answers(answer.body.decode("utf-8", "replace"))
            except FetchError as exc:
                reason = f"batchexecute: {exc.reason}"
                failures.update((key, reason) for key, _, _ in batch)
                if isinstance(exc, HTTPStatusError) and exc.status == 429:
                    stopped = reason
                continue
            except ValueError as exc:
                failures.update(
                    (key, f"batchexecute answer unreadable: {exc}") for key, _, _ in batch
                )
                continue
            for n, (key, _, _) in enumerate(batch):
                url = urls.get(n)
                if url and url.startswith(("http://", "https://")):
                    found[key] = url
                else:
                    failures[key] = "batchexecute gave no URL for this link"
        return found, failures


async def resolve_entries(resolver: LinkResolver, entries: Sequence[Entry]) -> list[Entry]:
    """Entries with each resolved search link replaced by its article URL (``via`` keeps it)."""
    links = [e.url for e in entries if resolver.handles(e.url)]
    if not links:
        return list(entries)
    try:
        answers = await resolver.resolve(links)
    except Exception:  # a resolver bug must not lose the feed: entries keep their links
        log.exception("link resolution failed")
        return list(entries)
    out: list[Entry] = []
    for entry in entries:
        answer = answers.get(entry.url)
        if answer is not None and answer.url:
            out.append(replace(entry, url=answer.url, via=entry.url))
        else:
            out.append(entry)
    return out
