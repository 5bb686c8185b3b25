"""The web app: the review desk under ``/desk/`` and the public pages at the root.

``create_app(config, store)`` builds a Starlette app. The desk (login, queue,
item pages, sources, audit) is mounted at ``/desk``; the publishing routes
(``scraper.publish.web.public_routes``: ``/news/...``, ``/feeds/...``) at the
root, without login. Every desk response carries a strict Content Security
Policy (scripts and styles only from the app itself), ``no-store`` caching and
anti-framing headers.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import Markup, escape
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from scraper.config.schema import Config
from scraper.publish.publisher import Publisher
from scraper.publish.web import RECHECK_SECONDS
from scraper.web import (
    archived,
    autocomplete,
    entry,
    login,
    notify_pages,
    pages,
    queue,
    reader,
    report_pages,
    sessions,
    suggest,
    view_feeds,
    view_pages,
)
from scraper.web import stories as story_pages
from scraper.web.archived import archive_lifespan
from scraper.web.auth import AuthSettings
from scraper.web.common import TEMPLATES, Desk
from scraper.web.dates import day_only, exact_date, local_moment, relative
from scraper.web.guards import BodyLimit, HostGuard, TrustedProxies, default_hosts
from scraper.web.reading import marked_paragraphs
from scraper.web.secret_key import load_secret_key
from storage.desk_sessions import DeskSessions
from storage.login_throttle import LoginPolicy, LoginThrottle
from storage.review import ReviewStore
from storage.store import Store

if TYPE_CHECKING:
    from scraper.archive.jobs import Archiver

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
DESK_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        b"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
]


class DeskHeaders:
    """Adds the desk's security headers (and ``no-store`` on its pages) to ``/desk`` answers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not path.startswith("/desk"):
            await self.app(scope, receive, send)
            return
        static = path.startswith("/desk/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.extend(DESK_HEADERS)
                if not static:
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def month_year(value: str | None) -> str:
    """``"2024-03-05T14:30:00+00:00"`` -> ``"March 2024"`` (the news page's date)."""
    if not value:
        return "no date"
    try:
        return datetime.fromisoformat(value).strftime("%B %Y")
    except ValueError:
        return value[:10]


def day(value: str | datetime | None) -> str:
    if not value:
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.strftime("%-d %b %Y")


def moment(value: str | datetime | None) -> str:
    if not value:
        return "never"
    at = datetime.fromisoformat(value) if isinstance(value, str) else value
    return at.strftime("%-d %b %Y, %H:%M UTC")


def in_context(text: str, start: int, end: int, *, width: int = 160) -> Markup:
    """The matched phrase highlighted with ``<mark>`` and ``width`` characters around it."""
    if not (0 <= start <= end <= len(text)):
        return Markup("")
    lo, hi = max(0, start - width), min(len(text), end + width)
    head = ("…" if lo > 0 else "") + text[lo:start]
    tail = text[end:hi] + ("…" if hi < len(text) else "")
    return Markup("{}<mark>{}</mark>{}").format(head, text[start:end], tail)


def _templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATES))
    env = templates.env
    env.filters["month_year"] = month_year
    env.filters["day"] = day
    env.filters["moment"] = moment
    env.filters["exact"] = exact_date
    env.filters["day_in"] = day_only
    env.filters["local"] = local_moment
    env.filters["relative"] = relative
    env.globals["in_context"] = in_context
    env.globals["marked"] = marked_paragraphs
    env.globals["escape"] = escape
    return templates


def _public_routes(config: Config, store: Store, publisher: Publisher) -> list[BaseRoute]:
    """The publishing routes (``/news``, ``/feeds``) over the app's one publisher."""
    from scraper.publish.web import public_routes

    return list(public_routes(config, store, publisher=publisher))


async def _home(request: Request) -> Response:
    return RedirectResponse("/desk/", status_code=307)


def desk_routes() -> Sequence[BaseRoute]:
    return [
        Route("/", queue.queue_page, name="queue"),
        Route("/login", login.login_page, methods=["GET"], name="login"),
        Route("/login", login.login_submit, methods=["POST"]),
        Route("/logout", login.logout, methods=["POST"], name="logout"),
        Route("/items/{item_id:id}", reader.item_page, name="item"),
        Route("/items/{item_id:id}/action", queue.act, methods=["POST"], name="act"),
        Route("/items/{item_id:id}/pane", reader.pane, name="pane"),
        Route("/items/{item_id:id}/excerpt", reader.use_excerpt, methods=["POST"]),
        Route("/items/{item_id:id}/reject", reader.reject_page, name="reject"),
        Route("/view", reader.set_view, methods=["POST"], name="view"),
        Route("/complete/cities", autocomplete.cities, name="complete_cities"),
        Route("/complete/outlets", autocomplete.outlets, name="complete_outlets"),
        Route("/add", entry.entry_page, methods=["GET"], name="add"),
        Route("/add", entry.entry_post, methods=["POST"]),
        Route("/items/{item_id:id}/edit", queue.edit_page, methods=["GET"], name="edit"),
        Route("/items/{item_id:id}/edit", queue.edit_submit, methods=["POST"]),
        Route("/items/{item_id:id}/notes", queue.notes, methods=["POST"], name="notes"),
        Route(
            "/items/{item_id:id}/suggestion", suggest.accept, methods=["POST"], name="suggestion"
        ),
        Route(
            "/items/{item_id:id}/story", story_pages.story_action, methods=["POST"], name="story"
        ),
        Route("/bulk", queue.bulk, methods=["POST"], name="bulk"),
        Route("/undo", queue.undo, methods=["POST"], name="undo"),
        Route("/submit", pages.submit_page, methods=["GET"], name="submit"),
        Route("/submit", pages.submit_post, methods=["POST"]),
        Route("/sources", pages.sources_page, name="sources"),
        Route("/sources/{source_id}/check", pages.check_source, methods=["POST"], name="check"),
        Route("/sessions", sessions.sessions_page, name="sessions"),
        Route("/sessions/end", sessions.end_session, methods=["POST"], name="end_session"),
        Route("/audit", pages.audit_page, name="audit"),
        Route("/items/{item_id:id}/archive", archived.archive_page, name="archive"),
        Route("/items/{item_id:id}/archive/page", archived.archived_page, name="archived_page"),
        Route("/audit.csv", pages.audit_export, name="audit_csv"),
        *report_pages.routes(),  # coverage report (issue 16)
        *view_pages.routes(),  # saved views (issue 16)
        *notify_pages.routes(),  # digests and alerts (issue 16)
        Mount("/static", StaticFiles(directory=str(STATIC)), name="static"),
    ]


def create_app(
    config: Config,
    store: Store,
    *,
    https: bool = False,
    secret_key: bytes | None = None,
    login_policy: LoginPolicy | None = None,
    listen_host: str | None = None,
    archiver: Archiver | None = None,
    archive_in_background: bool = False,
) -> Starlette:
    """The whole web app over ``store``; ``https`` marks cookies ``Secure``.

    ``listen_host`` (the address ``serve`` listens on) is allowed as a Host
    header besides ``allowed_hosts`` or its default. With ``archiver``,
    approving on the desk snapshots the story at once (in the background);
    ``archive_in_background`` also runs its rounds (snapshots to retry, link
    checks, Save Page Now) every minute while the app is up.
    """
    options = config.settings
    settings = AuthSettings(
        secret_key=secret_key or load_secret_key(),
        https=https,
        policy=login_policy or LoginPolicy(),
        session_idle=options.session_idle,
    )
    routes: list[BaseRoute] = [Mount("/desk", routes=list(desk_routes()))]
    routes.extend(view_feeds.routes())  # before the public /feeds/... that would 404
    publisher = Publisher(config, store, recheck_seconds=RECHECK_SECONDS)
    public = _public_routes(config, store, publisher)
    routes.extend(public)
    routes.append(Route("/", _home))  # reached only when publishing does not serve "/"
    app = Starlette(
        routes=routes,
        lifespan=archive_lifespan(archiver) if archiver and archive_in_background else None,
    )
    app.state.desk = Desk(
        config=config,
        store=store,
        review=ReviewStore(store),
        auth=settings,
        templates=_templates(),
        archiver=archiver,
        publisher=publisher,
        throttle=LoginThrottle(store, settings.policy),
        sessions=DeskSessions(store),
        verifying=asyncio.Semaphore(settings.max_verifying),
    )
    # Cards and rows rendered outside a page (answers to the desk's script) need it too.
    app.state.desk.templates.env.globals["zone"] = app.state.desk.zone
    hosts = list(options.allowed_hosts) or default_hosts(options.site_url)
    if listen_host and listen_host not in ("0.0.0.0", "::"):
        hosts.append(listen_host)
    # Added innermost first: a request meets HostGuard, BodyLimit, TrustedProxies, DeskHeaders.
    app.add_middleware(DeskHeaders)
    app.add_middleware(TrustedProxies, networks=options.trusted_proxies)
    app.add_middleware(BodyLimit, limit=options.max_request_bytes)
    app.add_middleware(HostGuard, patterns=hosts)
    return app
