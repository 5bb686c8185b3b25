"""What every desk route shares: the app state, rendering, login and CSRF checks, flashes.

``guarded(admin=..)`` wraps an endpoint: it resolves the session's user
(logged out: redirect to the login page), refuses non-admins on admin pages
(403), and for every POST checks the CSRF token before the endpoint runs
(missing or wrong: 403). Endpoints therefore start with a known user and a
trusted form.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote, urlencode

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.templating import Jinja2Templates

from scraper.config.schema import Config
from scraper.web import auth
from scraper.web.dates import desk_zone
from storage.desk_sessions import DeskSessions
from storage.login_throttle import LoginThrottle
from storage.review import ReviewStore
from storage.store import Store
from storage.users import User

if TYPE_CHECKING:
    from scraper.archive.jobs import Archiver
    from scraper.publish.publisher import Publisher

Endpoint = Callable[[Request], Awaitable[Response]]
TEMPLATES = Path(__file__).parent / "templates"
FACETS_TTL = 300.0  # seconds the filter menus' values are cached
COUNTS_TTL = 10.0  # seconds the status tabs' counts are cached (changes here reset them)
MAX_FORM_FIELDS = 1000  # bulk forms carry one field per selected card


@dataclass
class Desk:
    """The desk's state, one per app (``request.app.state.desk``)."""

    config: Config
    store: Store
    review: ReviewStore
    auth: auth.AuthSettings
    templates: Jinja2Templates
    throttle: LoginThrottle
    sessions: DeskSessions
    verifying: asyncio.Semaphore  # bounds Argon2 verifications in flight (memory)
    _facets: tuple[float, dict[str, list[str]]] | None = None
    _counts: tuple[float, dict[str, int]] | None = None
    background: set[Any] = field(default_factory=set)
    archiver: Archiver | None = None  # snapshots an approved story at once (scraper.archive)
    publisher: Publisher | None = None  # the public site; its publish job runs after changes

    @property
    def zone(self) -> tzinfo:
        """The time zone the desk shows dates in (``settings.timezone``; UTC without it)."""
        return desk_zone(self.config.settings)

    def facets(self) -> dict[str, list[str]]:
        """Filter menu values, recomputed at most every FACETS_TTL seconds."""
        now = time.monotonic()
        if self._facets is None or now - self._facets[0] > FACETS_TTL:
            values = self.review.distinct_values()
            programs = [p.name for p in self.config.programs]
            values["programs"] = list(dict.fromkeys([*programs, *values["programs"]]))
            self._facets = (now, values)
        return self._facets[1]

    def counts(self) -> dict[str, int]:
        """Items per status for the tabs, recomputed at most every COUNTS_TTL seconds."""
        now = time.monotonic()
        if self._counts is None or now - self._counts[0] > COUNTS_TTL:
            self._counts = (now, self.review.counts_by_status())
        return self._counts[1]

    def forget_counts(self) -> None:
        self._counts = None

    def forget_facets(self) -> None:
        """After a review change: forget cached menus and counts, and publish."""
        self._facets = None
        self._counts = None
        self._publish_soon()

    def _publish_soon(self) -> None:
        """The serve process's publish job: approved items become published, off the loop."""
        if self.publisher is None:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # called outside the app (a test): publish now
            self.publisher.publish()
            return
        task = loop.run_in_executor(None, self.publisher.publish)
        self.background.add(task)
        task.add_done_callback(self.background.discard)


def desk(request: Request) -> Desk:
    return request.app.state.desk  # type: ignore[no-any-return]


def now() -> datetime:
    return datetime.now(UTC)


async def call(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run a blocking storage call off the event loop."""
    return await run_in_threadpool(func, *args, **kwargs)


def is_https(request: Request) -> bool:
    """HTTPS configured, or the request came over it (uvicorn applies X-Forwarded-Proto)."""
    return desk(request).auth.https or request.url.scheme == "https"


def set_cookie(
    request: Request,
    response: Response,
    name: str,
    value: str,
    *,
    max_age: int | None,
    path: str = "/desk",
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=path,
        httponly=True,
        samesite="lax",
        secure=is_https(request),
    )


def wants_json(request: Request) -> bool:
    return request.headers.get("x-requested-with") == "clippings"


def flash(request: Request, response: Response, message: str) -> None:
    value = quote(auth.sign_flash(desk(request).auth.secret_key, message[:600]), safe="")
    set_cookie(request, response, auth.FLASH_COOKIE, value, max_age=60)


def redirect(request: Request, url: str, *, message: str | None = None) -> Response:
    response = RedirectResponse(url, status_code=303)
    if message:
        flash(request, response, message)
    return response


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, *, status: int = 200
) -> HTMLResponse:
    """A page; the pending flash message is shown once and cleared."""
    state = desk(request)
    context = dict(context or {})
    cookie = request.cookies.get(auth.FLASH_COOKIE)
    message = auth.read_flash(state.auth.secret_key, unquote(cookie)) if cookie else None
    context.setdefault("flash", message)
    context.setdefault("user", getattr(request.state, "user", None))
    context.setdefault("csrf", getattr(request.state, "csrf", ""))
    context.setdefault("settings", state.config.settings)
    context.setdefault("zone", state.zone)
    context.setdefault("now", now())
    response = state.templates.TemplateResponse(request, name, context, status_code=status)
    if cookie:
        response.delete_cookie(auth.FLASH_COOKIE, path="/desk")
    return response


def error_page(request: Request, status: int, title: str, message: str) -> Response:
    if wants_json(request):
        return JSONResponse({"ok": False, "message": message}, status_code=status)
    return render(request, "error.html", {"title": title, "message": message}, status=status)


async def current_user(request: Request) -> User | None:
    state = desk(request)
    sid = auth.session_id_from_cookie(
        state.auth.secret_key, request.cookies.get(auth.SESSION_COOKIE)
    )
    if sid is None:
        return None
    user: User | None = await call(
        state.review.session_user,
        sid,
        now=now(),
        idle=state.auth.session_idle,
        touch_every=state.auth.touch_every,
    )
    if user is not None:
        request.state.session_id = sid
        request.state.csrf = auth.csrf_token(state.auth.secret_key, sid)
    return user


def login_url(request: Request) -> str:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return "/desk/login?" + urlencode({"next": target})


def guarded(*, admin: bool = False) -> Callable[[Endpoint], Endpoint]:
    """Require a logged-in user (an admin with ``admin``) and a valid CSRF token on POST."""

    def wrap(endpoint: Endpoint) -> Endpoint:
        @functools.wraps(endpoint)
        async def guarded_endpoint(request: Request) -> Response:
            user = await current_user(request)
            if user is None:
                if wants_json(request):
                    return JSONResponse(
                        {"ok": False, "message": "Your session has ended: log in again."},
                        status_code=401,
                    )
                return RedirectResponse(login_url(request), status_code=303)
            request.state.user = user
            if request.method == "POST":
                form = await request.form(max_fields=MAX_FORM_FIELDS)
                request.state.form = form
                if not auth.tokens_match(request.state.csrf, _str(form.get("csrf"))):
                    return error_page(
                        request,
                        403,
                        "Form expired",
                        "This form has expired or did not come from the desk. "
                        "Go back, reload the page and try again.",
                    )
            if admin and not user.is_admin:
                return error_page(request, 403, "Admins only", "This page is for admins.")
            return await endpoint(request)

        return guarded_endpoint

    return wrap


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def form_of(request: Request) -> FormData:
    return request.state.form  # type: ignore[no-any-return]


def field_value(request: Request, name: str) -> str:
    """A text field of the (already checked) form; '' when absent or a file."""
    return _str(form_of(request).get(name)) or ""
