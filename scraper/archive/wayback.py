"""The Internet Archive's Save Page Now: ask it to capture a story's URL.

``GET {endpoint}{url}`` (``https://web.archive.org/save/https://x.com/a``)
makes the Wayback Machine fetch the page; it answers with (a redirect to) the
capture, ``https://web.archive.org/web/20261204170000/https://x.com/a``, or
names it in ``Content-Location``. The request goes through ``scraper.fetch.client``
(same limits; robots.txt is not asked: this is an API call, not crawling).
Only when ``archive_org: true``; failures are retried by the archive job and
never hold up an approval.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from scraper.fetch.client import Fetcher
from scraper.models.errors import ArchiveError


def save_url(endpoint: str, url: str) -> str:
    """``("https://web.archive.org/save/", "https://x.com/a")`` -> ``".../save/https://x.com/a"``."""
    return endpoint if endpoint.endswith(url) else endpoint.rstrip("/") + "/" + url


def archive_url_of(answer_url: str, headers: dict[str, str] | None = None) -> str | None:
    """The capture's address from the final URL of the answer or its ``Content-Location``."""
    if "/web/" in urlsplit(answer_url).path:
        return answer_url
    location = (headers or {}).get("content-location")
    if location and "/web/" in location:
        return urljoin(answer_url, location)
    return None


async def save_page_now(fetcher: Fetcher, endpoint: str, url: str) -> str:
    """Ask for a capture of ``url``; its archive URL, or ArchiveError/FetchError."""
    response = await fetcher.fetch(save_url(endpoint, url), accept="*/*", robots=False)
    found = archive_url_of(response.url, dict(response.headers))
    if found is None:
        raise ArchiveError(
            f"Save Page Now answered HTTP {response.status} without an archive address "
            f"(no /web/ URL, no Content-Location) for {url}"
        )
    return found
