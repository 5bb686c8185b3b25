"""Logging in and out of the desk: throttled, bounded in memory, audited.

A login attempt first takes a slot for its (account, address) pair in the
database (``storage.login_throttle``): past ``max_failures`` in the window no
password is verified at all, however many requests arrive at once. An account
that failed often, from anywhere, waits a growing delay before each check.
Argon2 needs about 64 MiB per verification, so at most ``max_verifying`` run
at once per process; the rest wait up to ``verify_wait`` seconds, then get
429 with their slot given back. The answer never says whether the name exists.
Every login, failure, lockout and logout is written to the audit log with the
client address (``TrustedProxies`` decides what that address is).
"""

from __future__ import annotations

import asyncio
import secrets
from datetime import datetime

from starlette.requests import Request
from starlette.responses import Response

from scraper.web import auth
from scraper.web.common import (
    call,
    current_user,
    desk,
    error_page,
    guarded,
    now,
    redirect,
    render,
    set_cookie,
)
from scraper.web.forms import one_line, safe_next
from storage.users import User

LOGIN_NONCE_MAX_AGE = 3600  # seconds a login form stays valid


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _login_form(
    request: Request, *, name: str = "", error: str | None = None, status: int = 200
) -> Response:
    state = desk(request)
    nonce = request.cookies.get(auth.LOGIN_COOKIE) or secrets.token_urlsafe(24)
    response = render(
        request,
        "login.html",
        {
            "login_csrf": auth.login_token(state.auth.secret_key, nonce),
            "name": name,
            "error": error,
            "next": safe_next(request.query_params.get("next")),
        },
        status=status,
    )
    set_cookie(request, response, auth.LOGIN_COOKIE, nonce, max_age=LOGIN_NONCE_MAX_AGE)
    return response


async def login_page(request: Request) -> Response:
    if await current_user(request) is not None:
        return redirect(request, safe_next(request.query_params.get("next")))
    return _login_form(request)


def _locked(request: Request, name: str, until: datetime | None) -> Response:
    minutes = max(1, round(((until or now()) - now()).total_seconds() / 60))
    return _login_form(
        request,
        name=name,
        error=f"Too many failed attempts. Try again in {minutes} minute(s).",
        status=429,
    )


async def _verify(
    request: Request, name: str, password: str
) -> tuple[bool, tuple[User, str] | None] | None:
    """``(ok, found)`` after at most ``verify_wait`` seconds in line; None when busy."""
    state = desk(request)
    try:
        await asyncio.wait_for(state.verifying.acquire(), timeout=state.auth.verify_wait)
    except TimeoutError:
        return None
    try:
        found = await call(state.review.user_credentials, name) if name else None
        ok = await call(auth.verify_password, found[1] if found else None, password)
        if ok and found is not None and auth.needs_rehash(found[1]):
            await call(
                state.review.set_password,
                found[0].name,
                auth.hash_password(password),
                now=now(),
                end_sessions=False,
            )
    finally:
        state.verifying.release()
    return bool(ok and found is not None), found


async def login_submit(request: Request) -> Response:
    state = desk(request)
    form = await request.form(max_fields=10)
    nonce = request.cookies.get(auth.LOGIN_COOKIE) or ""
    given = form.get("csrf")
    if not nonce or not auth.tokens_match(
        auth.login_token(state.auth.secret_key, nonce), given if isinstance(given, str) else None
    ):
        return error_page(
            request, 403, "Form expired", "The login form has expired: reload it and try again."
        )
    name = one_line(str(form.get("name") or ""))[:100]
    password = str(form.get("password") or "")[: auth.MAX_PASSWORD_CHARS]
    address = client_address(request)
    throttle = state.throttle
    attempt = await call(throttle.take_slot, name, address, now=now())
    if not attempt.allowed:
        return _locked(request, name, attempt.retry_at)
    wait = throttle.policy.wait(
        account_failures=attempt.account_failures, address_failures=attempt.address_failures
    )
    if wait:
        await asyncio.sleep(wait)
    verified = await _verify(request, name, password)
    if verified is None:
        await call(throttle.give_back, name, address)
        response = _login_form(
            request, name=name, error="The server is busy: try again in a moment.", status=429
        )
        response.headers["Retry-After"] = "5"
        return response
    ok, found = verified
    if not ok:
        locked = await call(throttle.failed, name, address, now=now())
        who = name or "(no name)"
        await call(state.review.record, user=who, action="login_failed", now=now(), detail=address)
        if locked:
            until = now() + throttle.policy.lockout
            await call(
                state.review.record,
                user=who,
                action="lockout",
                now=now(),
                detail=f"{address} locked out until {until:%Y-%m-%d %H:%M} UTC",
            )
        return _login_form(
            request, name=name, error="That name and password do not match.", status=401
        )
    assert found is not None  # ok means the name was found
    user = found[0]
    await call(throttle.succeeded, name, address)
    cookie, sid = auth.new_session_cookie(state.auth.secret_key)
    browser = request.headers.get("user-agent")
    await call(
        state.sessions.create,
        sid,
        user.id,
        now=now(),
        lifetime=state.auth.session_lifetime,
        address=address,
        user_agent=browser,
    )
    await call(state.review.record, user=user.name, action="login", now=now(), detail=address)
    response = redirect(request, safe_next(str(form.get("next") or "")))
    set_cookie(
        request,
        response,
        auth.SESSION_COOKIE,
        cookie,
        max_age=int(state.auth.session_lifetime.total_seconds()),
    )
    response.delete_cookie(auth.LOGIN_COOKIE, path="/desk")
    return response


@guarded()
async def logout(request: Request) -> Response:
    state = desk(request)
    await call(state.review.end_session, request.state.session_id)
    await call(
        state.review.record,
        user=request.state.user.name,
        action="logout",
        now=now(),
        detail=client_address(request),
    )
    response = redirect(request, "/desk/login", message="You are logged out.")
    response.delete_cookie(auth.SESSION_COOKIE, path="/desk")
    return response
