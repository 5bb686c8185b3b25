"""robots.txt: fetched once per origin, parsed with protego, cached, consulted before a GET.

The rules follow RFC 9309:

- ``200``: the file's rules apply to our product token (the User-Agent up to
  the first ``/``, e.g. ``clippings``), and ``Crawl-delay`` widens the gap
  between two requests to the host (capped at ``MAX_CRAWL_DELAY``);
- ``4xx`` (no file, forbidden, gone): everything is allowed;
- ``5xx``, ``429``, a timeout or a broken connection: the site is unreachable
  and *nothing* is fetched from it until the answer expires (``RETRY_AFTER``),
  so an overloaded site is not hit harder;
- an unparsable file allows everything (protego is lenient; this is a last resort).

A source may turn robots.txt off with ``robots: false`` in sources.yaml (for a
site that has given permission); ``Fetcher.fetch(url, robots=False)`` then
skips this module. The fetch of robots.txt itself goes through the fetcher
with all its limits (address guard, size cap, host gap).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from protego import Protego

from scraper.models.errors import FetchError, HTTPStatusError, PrivateAddress

log = logging.getLogger(__name__)

TTL = 24 * 3600.0  # seconds a fetched robots.txt is trusted
RETRY_AFTER = 15 * 60.0  # seconds an unreachable robots.txt blocks the host before a new try
MAX_CRAWL_DELAY = 10.0  # seconds; a larger Crawl-delay is honoured only up to this
MAX_ORIGINS = 2000  # origins kept in the cache (search feeds reach many hosts)
MAX_ROBOTS_BYTES = 512 * 1024  # RFC 9309 asks parsers to read at least 500 KiB


@dataclass(frozen=True, slots=True)
class RobotsFile:
    """What one origin's robots.txt says, or why it could not be read."""

    rules: Protego | None  # None: everything allowed (no file, 4xx, unparsable)
    unreachable: str | None = None  # a reason: nothing may be fetched from the origin
    fetched_at: float = 0.0  # time.monotonic()

    def allows(self, url: str, agent: str) -> bool:
        if self.unreachable is not None:
            return False
        return self.rules is None or bool(self.rules.can_fetch(url, agent))

    def crawl_delay(self, agent: str) -> float | None:
        if self.rules is None:
            return None
        delay = self.rules.crawl_delay(agent)
        return min(float(delay), MAX_CRAWL_DELAY) if delay else None


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    reason: str | None = None  # why not, for the sources page
    crawl_delay: float | None = None  # seconds


def product_token(user_agent: str) -> str:
    """``"clippings/0.1 (media monitoring)"`` -> ``"clippings"``."""
    token = user_agent.strip().split("/", 1)[0].split(" ", 1)[0]
    return token or "*"


def robots_url(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/robots.txt"


def parse_robots(body: bytes, *, now: float) -> RobotsFile:
    """A ``RobotsFile`` from the bytes of a 200 answer."""
    text = body[:MAX_ROBOTS_BYTES].decode("utf-8", errors="replace")
    try:
        return RobotsFile(Protego.parse(text), fetched_at=now)
    except Exception as exc:  # protego is lenient, but a hostile file must not break a pass
        log.info("unparsable robots.txt (%s); treating it as allow-all", exc)
        return RobotsFile(None, fetched_at=now)


def from_error(error: FetchError, *, now: float) -> RobotsFile:
    """A ``RobotsFile`` from a failed fetch of robots.txt (RFC 9309 section 2.3.1)."""
    status = error.status
    if (
        isinstance(error, HTTPStatusError)
        and status is not None
        and 400 <= status < 500
        and status != 429
    ):
        return RobotsFile(None, fetched_at=now)
    return RobotsFile(
        None, unreachable=f"robots.txt could not be read ({error.reason})", fetched_at=now
    )


# Fetches robots.txt at the URL given; returns the body of a 200 or raises FetchError.
FetchRobots = Callable[[str], Awaitable[bytes]]


class RobotsCache:
    """robots.txt per origin (scheme, host, port), each fetched at most once at a time."""

    def __init__(
        self,
        fetch: FetchRobots,
        *,
        user_agent: str,
        ttl: float = TTL,
        retry_after: float = RETRY_AFTER,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._fetch = fetch
        self.agent = product_token(user_agent)
        self._ttl = ttl
        self._retry_after = retry_after
        self._clock = clock
        self._files: OrderedDict[str, RobotsFile] = OrderedDict()
        self._pending: dict[str, asyncio.Future[RobotsFile]] = {}

    def _fresh(self, origin: str) -> RobotsFile | None:
        known = self._files.get(origin)
        if known is None:
            return None
        lifetime = self._retry_after if known.unreachable else self._ttl
        if self._clock() - known.fetched_at > lifetime:
            return None
        self._files.move_to_end(origin)
        return known

    async def file_for(self, url: str) -> RobotsFile:
        origin = robots_url(url)
        known = self._fresh(origin)
        if known is not None:
            return known
        pending = self._pending.get(origin)
        if pending is not None:  # another request is fetching it: share its answer
            return await asyncio.shield(pending)
        future: asyncio.Future[RobotsFile] = asyncio.get_running_loop().create_future()
        self._pending[origin] = future
        try:
            try:
                body = await self._fetch(origin)
                found = parse_robots(body, now=self._clock())
            except PrivateAddress:  # the page itself is refused the same way: say so
                raise
            except FetchError as exc:
                found = from_error(exc, now=self._clock())
            self._files[origin] = found
            while len(self._files) > MAX_ORIGINS:
                self._files.popitem(last=False)
            future.set_result(found)
            return found
        except BaseException as exc:  # cancelled: waiters must not hang
            if not future.done():
                future.set_exception(exc)
                future.exception()  # mark retrieved; the waiters re-raise it
            raise
        finally:
            del self._pending[origin]

    async def check(self, url: str) -> Verdict:
        """May ``url`` be fetched, and with what gap between requests to its host?"""
        robots = await self.file_for(url)
        if robots.unreachable is not None:
            return Verdict(False, f"refused: {robots.unreachable}; the site is left alone for now")
        if not robots.allows(url, self.agent):
            return Verdict(
                False,
                f"refused by robots.txt (disallowed for {self.agent}); "
                "set robots: false on the source if the site has allowed it",
            )
        return Verdict(True, crawl_delay=robots.crawl_delay(self.agent))
