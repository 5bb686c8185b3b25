"""Is a published story's link still there? A polite HEAD, then a GET when needed.

Verdicts (``LinkVerdict.outcome``):

- ``gone``: the server says 404 Not Found or 410 Gone, or the link now
  redirects to the outlet's home page (``https://x.com/news/a`` ->
  ``https://x.com/``), the usual way a deleted story disappears;
- ``ok``: the page answers (2xx, or a redirect to another article);
- ``unknown``: nothing can be concluded this time (timeout, 5xx, 403,
  robots.txt refusal); the previous verdict stands and the next check
  comes at the usual interval.

HEAD comes first (no body is sent); any HEAD answer other than a plain
success is confirmed with a GET, as many servers answer HEAD wrongly (405,
404). Both go through ``scraper.fetch.client``: same User-Agent, robots.txt,
per-host gap and limits as collection. A "soft 404" (a 200 page saying "not
found") is not detected.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from scraper.fetch.client import PAGE_ACCEPT, Fetcher, Response
from scraper.models.errors import BlockedURL, FetchError, HTTPStatusError

GONE_STATUSES = frozenset({404, 410})
HOME_PATHS = frozenset({"", "index.html", "index.htm", "index.php", "home", "default.aspx"})


@dataclass(frozen=True, slots=True)
class LinkVerdict:
    outcome: str  # ok | gone | unknown
    detail: str  # in words, for the desk
    status: int | None = None
    final_url: str | None = None


def is_home(url: str) -> bool:
    """``https://x.com/`` and ``https://x.com/index.html`` are home pages; ``/news/a`` is not."""
    parts = urlsplit(url)
    return parts.path.strip("/").lower() in HOME_PATHS and not parts.query


def judge(url: str, response: Response) -> LinkVerdict:
    """The verdict on a successful answer (after redirects) to a request for ``url``."""
    if response.redirected_from and is_home(response.url) and not is_home(url):
        return LinkVerdict(
            "gone",
            f"redirects to the outlet's home page ({response.url})",
            response.status,
            response.url,
        )
    moved = f"; now at {response.url}" if response.url != url else ""
    return LinkVerdict(
        "ok", f"online (HTTP {response.status}){moved}", response.status, response.url
    )


def judge_error(exc: FetchError) -> LinkVerdict:
    """The verdict on a failed request."""
    if isinstance(exc, HTTPStatusError) and exc.status in GONE_STATUSES:
        return LinkVerdict("gone", exc.reason, exc.status, exc.url)
    if isinstance(exc, BlockedURL):
        return LinkVerdict("unknown", f"not checked: {exc.reason}", None, exc.url)
    return LinkVerdict("unknown", f"no answer this time: {exc.reason}", exc.status, exc.url)


async def check_link(fetcher: Fetcher, url: str) -> LinkVerdict:
    """HEAD ``url``; confirm anything but a plain success with a GET."""
    try:
        head = await fetcher.fetch(url, accept=PAGE_ACCEPT, method="HEAD")
    except BlockedURL as exc:
        return judge_error(exc)
    except FetchError:
        pass  # many servers answer HEAD wrongly: ask with GET before concluding
    else:
        verdict = judge(url, head)
        if verdict.outcome == "ok":
            return verdict
    try:
        page = await fetcher.fetch(url, accept=PAGE_ACCEPT)
    except FetchError as exc:
        return judge_error(exc)
    return judge(url, page)
