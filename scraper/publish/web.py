"""Public routes: the news page and the feeds, no login, with conditional GET.

``public_routes(config, store)`` returns Starlette routes for the review
app (or any Starlette app) to mount::

    GET /news/                        the page (``?embed=1``: the fragment without chrome)
    GET /news/page/2/                 older stories
    GET /news/programs/<slug>/        filtered pages; /news/cities/<slug>/ likewise
    GET /news/embed.html              the fragment under its static-export name
    GET /news/news.css                the stylesheet
    GET /feeds/all.rss|.atom|.json    every public item (newest ``feed_length``)
    GET /feeds/programs/<slug>.atom   one program; /feeds/cities/<slug>.rss one city
    GET /feeds/programs/<p>/cities/<c>.json   a program in a city (also cities/<c>/programs/<p>)

Every answer is a file of the built ``Site`` (the same bytes ``clippings
publish`` writes) with a strong ``ETag`` (a digest of the bytes) and
``Last-Modified`` (the last change of the public set); ``If-None-Match`` and,
without it, ``If-Modified-Since`` give ``304 Not Modified`` (RFC 9110 13.2.2).
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from scraper.config.schema import Config
from scraper.publish.publisher import Publisher
from scraper.publish.site import Resource
from storage.store import Store

RECHECK_SECONDS = 1.0  # the database is asked for changes at most this often
CACHE_CONTROL = "public, max-age=60"  # seconds a cache may reuse an answer before revalidating


def site_path(url_path: str, *, embed: bool = False) -> str:
    """``/news/page/2/`` -> ``news/page/2/index.html`` (``embed.html`` with ``embed``)."""
    path = url_path.lstrip("/")
    if path.endswith("/") or path == "":
        path += "embed.html" if embed else "index.html"
    return path


def not_modified(request: Request, resource: Resource, last_modified: datetime) -> bool:
    """RFC 9110 13.2.2: If-None-Match decides when present, else If-Modified-Since."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        return "*" in tags or resource.etag in tags
    if_modified_since = request.headers.get("if-modified-since")
    if if_modified_since is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return last_modified.replace(microsecond=0) <= since


def _headers(path: str, resource: Resource, last_modified: datetime, origin: str) -> dict[str, str]:
    headers = {
        "ETag": resource.etag,
        "Last-Modified": format_datetime(last_modified.astimezone(UTC), usegmt=True),
        "Cache-Control": CACHE_CONTROL,
        "X-Content-Type-Options": "nosniff",
    }
    if path.startswith("feeds/") or path.endswith(("embed.html", ".css")):
        headers["Access-Control-Allow-Origin"] = "*"  # feeds and fragments are for other sites
    if resource.content_type.startswith("text/html"):
        headers["Content-Security-Policy"] = (
            f"default-src 'none'; style-src 'self' {origin}; img-src 'self'; "
            "base-uri 'none'; form-action 'none'"
        )
        headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    return headers


def public_routes(
    config: Config,
    store: Store,
    *,
    recheck_seconds: float = RECHECK_SECONDS,
    publisher: Publisher | None = None,
) -> list[BaseRoute]:
    """Routes for ``/news/...`` and ``/feeds/...``, built over one ``Publisher``.

    A review change shows within ``recheck_seconds`` (0: on the next request).
    Serving never marks items published (a GET changes no state): the desk's
    publish job does, after a review change (``Publisher.publish``).
    """
    publisher = publisher or Publisher(config, store, recheck_seconds=recheck_seconds)
    origin = publisher.options.site_url.rstrip("/")

    async def serve(request: Request) -> Response:
        build = await run_in_threadpool(publisher.current)
        site = build.site
        path = site_path(request.url.path, embed=request.query_params.get("embed") == "1")
        resource = site.files.get(path)
        if resource is None:
            if not path.endswith(".html") and f"{path}/index.html" in site.files:
                return RedirectResponse(f"/{path}/", status_code=308)
            return PlainTextResponse("Not found", status_code=404)
        headers = _headers(path, resource, site.last_modified, origin)
        if not_modified(request, resource, site.last_modified):
            return Response(status_code=304, headers=headers)
        return Response(resource.body, headers=headers, media_type=resource.content_type)

    async def to_news(_request: Request) -> Response:
        return RedirectResponse("/news/", status_code=308)

    return [
        Route("/news", to_news, methods=["GET", "HEAD"]),
        Route("/news/{path:path}", serve, methods=["GET", "HEAD"], name="public_news"),
        Route("/feeds/{path:path}", serve, methods=["GET", "HEAD"], name="public_feeds"),
    ]
