"""The only module that talks to the network.

``Fetcher.fetch(url)`` makes one polite, bounded GET and returns a
``Response`` or raises a ``FetchError`` with a readable reason
(``Fetcher.post_form`` sends a form through the same gates: Google News link
resolution). It:

- refuses non-http(s) schemes, and private, loopback and link-local addresses
  after DNS resolution and on every redirect (``netguard``), unless
  ``allow_private_networks`` is set;
- sends conditional headers (ETag / Last-Modified) and reports 304;
- follows at most ``max_redirects`` redirects, detecting loops;
- decodes gzip, deflate and brotli itself, with a cap on the decoded size
  (``decode``), so a bomb or an endless body ends as ``TooLarge``;
- obeys robots.txt per origin (``scraper.fetch.robots``), unless a source opts out;
- bounds concurrency overall and per host, and keeps a minimum gap between
  two requests to one host (widened by robots.txt ``Crawl-delay`` and by
  ``host_delays``, e.g. GDELT's 5 s), however many sources live on that host;
- after a ``429`` or ``503`` with ``Retry-After``, sends nothing more to that
  host until the time has passed (other sources on it fail fast, with the
  same ``retry_after``);
- enforces a deadline on each request, body included, so a server that
  trickles one byte a second cannot hold a worker. The deadline counts
  network time only: waiting for a turn at a busy host is not counted, nor
  is time the event loop was held by other work (``scraper.fetch.stallclock``).

Order of the gates for one request (invariant: no global slot is held while
waiting for a host)::

    scheme -> host paused? -> robots.txt -> host slot -> host gap -> global slot -> GET

Tests inject a transport (``httpx.MockTransport``), an address policy, or
point the fetcher at a real server on 127.0.0.1 with ``allow_private=True``.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import logging
import time
import zlib
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlencode, urljoin, urlsplit

import brotli
import httpcore
import httpx

from scraper.fetch.decode import decoder_for
from scraper.fetch.netguard import AddressPolicy, GuardedBackend
from scraper.fetch.robots import MAX_ROBOTS_BYTES, RobotsCache
from scraper.fetch.stallclock import NetworkTimeout, StallClock
from scraper.identity.urls import host_problem
from scraper.models.errors import BlockedURL, FetchError, HTTPStatusError, TooLarge, TransportError

log = logging.getLogger(__name__)

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.5, */*;q=0.1"
)
DECODE_ERRORS = (zlib.error, brotli.error, OSError, EOFError)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
DRAIN_BYTES = 65_536  # an unused body up to this size is read to keep its connection
ROBOTS_ACCEPT = "text/plain, */*;q=0.5"
SHORT_PAUSE = 5.0  # seconds; a host pause shorter than this is waited out, a longer one fails
MAX_PAUSE = 24 * 3600.0  # seconds; a larger Retry-After pauses a host only this long
BACKSTOP = 3  # httpx's wall-clock read timeout: this many times `timeout`
MAX_HOST_GATES = 5000  # hosts remembered; idle ones are forgotten past this (search feeds)


@dataclass(frozen=True, slots=True)
class FetchOptions:
    """The fetch-related part of settings, as plain values."""

    user_agent: str = "clippings/0.1"
    timeout: float = 20.0  # seconds for the whole request, body included
    connect_timeout: float = 10.0  # seconds
    max_body_bytes: int = 10_000_000  # decoded bytes
    max_redirects: int = 5
    concurrency: int = 16  # requests in flight, all hosts
    per_host_concurrency: int = 2
    per_host_delay: float = 1.0  # seconds between two requests to one host
    allow_private: bool = False
    respect_robots: bool = True
    # (host, seconds): a wider gap for hosts that ask for one (GDELT: 5 s, scraper.config.search)
    host_delays: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True, slots=True)
class Response:
    """A usable answer: 200 with a body, or 304 without one."""

    url: str  # the final URL, after redirects
    status: int
    body: bytes
    headers: Mapping[str, str]  # lower-case names
    elapsed: float  # seconds
    redirected_from: tuple[str, ...] = ()

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        for part in self.headers.get("content-type", "").split(";")[1:]:
            name, _, value = part.partition("=")
            if name.strip().lower() == "charset" and value.strip():
                return value.strip().strip("\"'")
        return None


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


@dataclass
class _HostGate:
    semaphore: asyncio.Semaphore
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    next_start: float = 0.0  # monotonic time before which no request may start
    gap: float = 0.0  # seconds between two starts (per_host_delay or Crawl-delay)
    paused_until: float = 0.0  # monotonic; set by Retry-After
    paused_status: int = 0  # the status that paused it
    users: int = 0  # requests waiting for or holding this gate


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport over the address-checking network backend."""

    def __init__(
        self,
        *,
        allow_private: bool,
        max_connections: int,
        policy: AddressPolicy | None = None,
    ) -> None:
        super().__init__(trust_env=False)
        # httpx builds its pool without a network_backend option; replace it with one
        # that checks every address it connects to (see scraper.fetch.netguard).
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=max_connections,
            max_keepalive_connections=max_connections,
            keepalive_expiry=5.0,
            network_backend=GuardedBackend(allow_private=allow_private, policy=policy),
        )


class Fetcher:
    """Makes bounded, polite GET requests. Use as ``async with Fetcher(opts) as f``."""

    def __init__(
        self,
        options: FetchOptions,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        address_policy: AddressPolicy | None = None,
    ) -> None:
        self.options = options
        self._transport = transport or GuardedTransport(
            allow_private=options.allow_private,
            max_connections=options.concurrency * 2,
            policy=address_policy,
        )
        self._client = httpx.AsyncClient(
            transport=self._transport,
            follow_redirects=False,
            trust_env=False,
            # The request's deadline is network time (``_through_gate``); httpx's own
            # timeouts are wall-clock, so they only back it up, well behind it.
            timeout=httpx.Timeout(options.timeout * BACKSTOP, connect=options.connect_timeout),
            headers={"User-Agent": options.user_agent, "Accept-Encoding": "gzip, deflate, br"},
        )
        self._global = asyncio.Semaphore(options.concurrency)
        self.stall_clock = StallClock()  # deadlines count network time, not loop stalls
        self._hosts: dict[str, _HostGate] = {}
        self.robots = RobotsCache(self._fetch_robots, user_agent=options.user_agent)

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.stall_clock.stop()
        await self._client.aclose()

    def _gate(self, host: str) -> _HostGate:
        gate = self._hosts.get(host)
        if gate is None:
            if len(self._hosts) >= MAX_HOST_GATES:
                self._forget_idle_hosts()
            gate = _HostGate(
                asyncio.Semaphore(self.options.per_host_concurrency),
                gap=max(self.options.per_host_delay, dict(self.options.host_delays).get(host, 0.0)),
            )
            self._hosts[host] = gate
        return gate

    def _forget_idle_hosts(self) -> None:
        """Drop the gates of hosts with nothing in flight and no gap or pause pending."""
        now = time.monotonic()
        for host, gate in list(self._hosts.items()):
            if gate.users == 0 and gate.next_start <= now and gate.paused_until <= now:
                del self._hosts[host]

    async def _check_pause(self, gate: _HostGate, host: str, url: str) -> None:
        remaining = gate.paused_until - time.monotonic()
        if remaining <= 0:
            return
        if remaining <= SHORT_PAUSE:
            await asyncio.sleep(remaining)
            return
        raise HTTPStatusError(
            f"not sent: {host} asked for a pause (HTTP {gate.paused_status} with Retry-After); "
            f"{remaining:.0f} s left",
            url=url,
            status=gate.paused_status,
            retry_after=remaining,
        )

    def _pause(self, gate: _HostGate, status: int, retry_after: float | None) -> None:
        if status in (429, 503) and retry_after:
            until = time.monotonic() + min(retry_after, MAX_PAUSE)
            if until > gate.paused_until:
                gate.paused_until, gate.paused_status = until, status

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = FEED_ACCEPT,
        robots: bool | None = None,
        method: str = "GET",
    ) -> Response:
        """GET ``url``; raise FetchError (or a subclass) with a readable reason.

        ``robots`` overrides ``respect_robots`` for this request (a source's
        ``robots:`` key). ``method="HEAD"`` asks for the headers only (link
        checks); the same gates and limits apply.
        """
        obey = self.options.respect_robots if robots is None else robots
        return await self._fetch(
            url,
            etag=etag,
            last_modified=last_modified,
            accept=accept,
            robots=obey,
            cap=self.options.max_body_bytes,
            method=method,
        )

    async def post_form(
        self, url: str, form: Mapping[str, str], *, accept: str = "*/*", robots: bool | None = None
    ) -> Response:
        """POST ``form`` (URL-encoded) to ``url`` through the same gates as a GET.

        A redirect in answer is an error: a form is never sent on to another address.
        """
        obey = self.options.respect_robots if robots is None else robots
        body = urlencode(form).encode("ascii")
        return await self._fetch(
            url,
            etag=None,
            last_modified=None,
            accept=accept,
            robots=obey,
            cap=self.options.max_body_bytes,
            method="POST",
            form=body,
        )

    async def _fetch_robots(self, url: str) -> bytes:
        cap = min(MAX_ROBOTS_BYTES, self.options.max_body_bytes)
        try:
            response = await self._fetch(
                url, etag=None, last_modified=None, accept=ROBOTS_ACCEPT, robots=False, cap=cap
            )
        except TooLarge:  # RFC 9309: read what fits under the cap (here: treat as allow-all)
            return b""
        return response.body

    async def _fetch(
        self,
        url: str,
        *,
        etag: str | None,
        last_modified: str | None,
        accept: str,
        robots: bool,
        cap: int,
        method: str = "GET",
        form: bytes | None = None,
    ) -> Response:
        started = time.monotonic()
        visited: list[str] = []
        current = url
        while True:
            try:
                parts = urlsplit(current)
                hostname = parts.hostname
            except ValueError as exc:  # "Invalid IPv6 URL"
                raise BlockedURL(f"refused: the URL is not valid ({exc})", url=current) from exc
            if parts.scheme not in ("http", "https") or not hostname:
                raise BlockedURL(
                    "refused: only http and https URLs are fetched "
                    f"({parts.scheme or 'no'} scheme)",
                    url=current,
                )
            problem = host_problem(hostname)
            if problem:
                raise BlockedURL(f"refused: {problem}", url=current)
            host = hostname.lower()
            gate = self._gate(host)
            await self._check_pause(gate, host, current)
            if robots:
                verdict = await self.robots.check(current)
                if not verdict.allowed:
                    raise BlockedURL(verdict.reason or "refused by robots.txt", url=current)
                if verdict.crawl_delay is not None:
                    gate.gap = max(self.options.per_host_delay, verdict.crawl_delay)
            headers = {"Accept": accept}
            if etag and not visited:
                headers["If-None-Match"] = etag
            if last_modified and not visited:
                headers["If-Modified-Since"] = last_modified
            if form is not None:
                headers["Content-Type"] = "application/x-www-form-urlencoded;charset=UTF-8"
            status, response_headers, body = await self._gated_request(
                gate, current, headers, cap, method, form
            )
            if status in (301, 302, 303, 307, 308) and form is not None:
                raise HTTPStatusError(
                    f"redirect {status} in answer to a form (not followed)",
                    url=current,
                    status=status,
                )
            if status in (301, 302, 303, 307, 308):
                location = response_headers.get("location")
                if not location:
                    raise HTTPStatusError(
                        f"redirect {status} without a Location", url=current, status=status
                    )
                target = urljoin(current, location.strip())
                visited.append(current)
                if target in visited or target == current:
                    raise TransportError(
                        f"redirect loop ({len(visited)} hops back to {target})", url=url
                    )
                if len(visited) > self.options.max_redirects:
                    raise TransportError(
                        f"too many redirects (more than {self.options.max_redirects})", url=url
                    )
                current = target
                continue
            elapsed = time.monotonic() - started
            if status == 304:
                if not (etag or last_modified):
                    raise HTTPStatusError(
                        "answered 304 Not Modified to a request that was not conditional",
                        url=current,
                        status=status,
                    )
                return Response(current, 304, b"", response_headers, elapsed, tuple(visited))
            if status >= 400 or status < 200 or status in (204, 205):
                retry_after = parse_retry_after(response_headers.get("retry-after"))
                self._pause(gate, status, retry_after)
                raise HTTPStatusError(
                    _status_reason(status),
                    url=current,
                    status=status,
                    retry_after=retry_after,
                )
            return Response(current, status, body, response_headers, elapsed, tuple(visited))

    async def _gated_request(
        self,
        gate: _HostGate,
        url: str,
        headers: dict[str, str],
        cap: int,
        method: str,
        form: bytes | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        gate.users += 1
        try:
            return await self._through_gate(gate, url, headers, cap, method, form)
        finally:
            gate.users -= 1

    async def _through_gate(
        self,
        gate: _HostGate,
        url: str,
        headers: dict[str, str],
        cap: int,
        method: str,
        form: bytes | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        async with gate.semaphore:
            async with gate.lock:
                delay = gate.next_start - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                await self._global.acquire()
                gate.next_start = time.monotonic() + gate.gap
            try:
                try:
                    # Network time only: a stall of the loop does not count
                    # (scraper.fetch.stallclock).
                    return await self.stall_clock.within(
                        self._one_request(url, headers, cap, method, form),
                        timeout=self.options.timeout,
                    )
                except NetworkTimeout as exc:
                    raise TransportError(
                        f"timed out after {exc.network:.1f} s "
                        "(the whole answer must arrive within `timeout`)",
                        url=url,
                    ) from exc
            finally:
                self._global.release()

    async def _one_request(
        self, url: str, headers: dict[str, str], cap: int, method: str, form: bytes | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        try:
            async with self._client.stream(method, url, headers=headers, content=form) as response:
                response_headers = {k.lower(): v for k, v in response.headers.items()}
                if (
                    response.status_code in (301, 302, 303, 307, 308, 304)
                    or response.status_code >= 400
                ):
                    await _drain(response, response_headers)
                    return response.status_code, response_headers, b""
                if method == "HEAD":  # no body follows, whatever Content-Length says
                    return response.status_code, response_headers, b""
                declared = response_headers.get("content-length", "")
                if (
                    declared.isdigit()
                    and int(declared) > cap
                    and "content-encoding" not in response_headers
                ):
                    raise TooLarge(
                        f"body of {int(declared):,} bytes is over the {cap:,}-byte cap", url=url
                    )
                try:
                    decoder = decoder_for(
                        None
                        if response.is_stream_consumed
                        else response_headers.get("content-encoding")
                    )
                except ValueError as exc:
                    raise FetchError(str(exc), url=url) from exc
                chunks: list[bytes] = []
                size = 0
                try:
                    async for raw in _raw_chunks(response):
                        for piece in decoder.feed(raw):
                            size += len(piece)
                            if size > cap:
                                raise TooLarge(f"decoded body passed the {cap:,}-byte cap", url=url)
                            chunks.append(piece)
                    for piece in decoder.flush():
                        size += len(piece)
                        if size > cap:
                            raise TooLarge(f"decoded body passed the {cap:,}-byte cap", url=url)
                        chunks.append(piece)
                except DECODE_ERRORS as exc:
                    coding = response_headers.get("content-encoding")
                    raise FetchError(f"could not decode the {coding} body: {exc}", url=url) from exc
                return response.status_code, response_headers, b"".join(chunks)
        except FetchError:
            raise
        except httpx.InvalidURL as exc:  # e.g. a host that is not a valid IDNA name
            raise BlockedURL(f"refused: the URL is not valid ({exc})", url=url) from exc
        except httpx.TimeoutException as exc:
            raise TransportError(f"timed out ({type(exc).__name__})", url=url) from exc
        except httpx.TooManyRedirects as exc:
            raise TransportError("too many redirects", url=url) from exc
        except httpx.RemoteProtocolError as exc:
            raise TransportError(
                f"connection broken: {exc or 'server closed the connection'}", url=url
            ) from exc
        except httpx.ConnectError as exc:
            raise TransportError(f"could not connect: {exc}", url=url) from exc
        except httpx.NetworkError as exc:  # reset or closed mid-answer
            raise TransportError(
                f"connection broken: {exc or type(exc).__name__}", url=url
            ) from exc
        except httpx.HTTPError as exc:
            raise TransportError(f"{type(exc).__name__}: {exc}", url=url) from exc


async def _drain(response: httpx.Response, headers: Mapping[str, str]) -> None:
    """Read a short unused body, so its connection goes back to the pool for the next request.

    A response closed before its end is reached closes its connection, so every
    304 would cost a new connection. Long or unknown-length bodies are not read.
    """
    declared = headers.get("content-length", "")
    if response.status_code == 304 or (declared.isdigit() and int(declared) <= DRAIN_BYTES):
        with contextlib.suppress(httpx.HTTPError):
            await response.aread()


async def _raw_chunks(response: httpx.Response) -> AsyncIterator[bytes]:
    """The body as sent; a response already read (``httpx.MockTransport``) comes decoded."""
    if response.is_stream_consumed:
        yield response.content
        return
    async for chunk in response.aiter_raw():
        yield chunk


_NO_BODY = frozenset({301, 302, 303, 304, 307, 308})
_REASONS = {
    400: "bad request",
    401: "needs a login",
    403: "forbidden (blocked or needs a login)",
    404: "not found",
    410: "gone",
    429: "too many requests (rate limited)",
    500: "server error",
    502: "bad gateway",
    503: "service unavailable",
    504: "gateway timeout",
}


def _status_reason(status: int) -> str:
    return f"HTTP {status} {_REASONS.get(status, 'error')}".strip()
