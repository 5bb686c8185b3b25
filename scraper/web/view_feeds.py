"""Private feeds of saved views: Atom and JSON Feed at an unguessable token URL.

    GET /feeds/views/<token>.atom
    GET /feeds/views/<token>.json

No login: the token is the key (256 random bits; only its digest is stored,
see ``storage.views``). A wrong or revoked token is a plain 404, the same as a
view that never existed. A view shows what the desk's queue shows for its
filter, newest first, at most ``feed_length`` stories, each cleaned like the
public feeds (``public_item``). Answers are ``private`` (no shared cache keeps
them), ``noindex`` and send no referrer.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from scraper.notify.outlook import view_filter
from scraper.publish.feeds import CONTENT_TYPES, Channel, atom, json_feed
from scraper.publish.model import public_item
from scraper.web.common import call, desk
from storage.review import ReviewStore
from storage.views import SavedView, ViewStore

HEADERS = {
    "Cache-Control": "private, max-age=60",
    "X-Robots-Tag": "noindex, nofollow",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


def _not_found() -> Response:
    return PlainTextResponse("Not found.", status_code=404, headers=HEADERS)


def feed_path(token: str, kind: str) -> str:
    return f"/feeds/views/{token}.{kind}"


async def view_feed(request: Request) -> Response:
    state = desk(request)
    token, kind = str(request.path_params["token"]), str(request.path_params["kind"])
    if kind not in ("atom", "json"):
        return _not_found()
    view: SavedView | None = await call(ViewStore(state.store).by_token, token)
    if view is None:
        return _not_found()
    settings = state.config.settings
    flt = view_filter(view.query)
    page = await call(ReviewStore(state.store).queue, flt, page=1, per_page=settings.feed_length)
    host = urlsplit(settings.site_url).hostname or "localhost"
    items = [public_item(i, host=host) for i in page.items]
    updated = max((i.updated for i in items), default=datetime(1970, 1, 1, tzinfo=UTC))
    channel = Channel(
        title=f"{view.name} · {settings.site_title}",
        description=f"Saved desk view {view.name!r} ({view.query or 'all stories'})",
        home_url=urljoin(settings.site_url, f"/desk/?{view.query}"),
        self_url=urljoin(settings.site_url, feed_path(token, kind)),
        site_url=settings.site_url,
        language=settings.site_language,
        updated=updated,
        program_scheme=urljoin(settings.site_url, "/news/programs/"),
        city_scheme=urljoin(settings.site_url, "/news/cities/"),
    )
    body = atom(channel, items) if kind == "atom" else json_feed(channel, items)
    return Response(body, media_type=CONTENT_TYPES[kind], headers=HEADERS)


def routes() -> list[BaseRoute]:
    """Mounted before the public ``/feeds/...`` routes, which would answer 404."""
    return [Route("/feeds/views/{token}.{kind}", view_feed, methods=["GET", "HEAD"])]
