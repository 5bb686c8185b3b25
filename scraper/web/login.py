"""Logging in and out of the desk, with slowed-down and locked-out failures.

A failed login waits ``LoginPolicy.delay(n)`` seconds before answering (the
n-th failure in a row); ``max_failures`` failures for one name within the
window lock that name for ``lockout``, and a higher count locks the client
address. The answer never says whether the name exists.
"""

from __future__ import annotations

import asyncio
import secrets

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

LOGIN_NONCE_MAX_AGE = 3600  # seconds a login form stays valid


def _client(request: Request) -> str:
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
    password = str(form.get("password") or "")
    policy = state.auth.policy
    keys = {f"user:{name.lower()}": policy.max_failures}
    keys[f"ip:{_client(request)}"] = policy.max_failures_per_address
    locked = await call(state.review.locked_until, list(keys), now=now())
    if locked is not None:
        minutes = max(1, round((locked - now()).total_seconds() / 60))
        return _login_form(
            request,
            name=name,
            error=f"Too many failed attempts. Try again in {minutes} minute(s).",
            status=429,
        )
    found = await call(state.review.user_credentials, name) if name else None
    password_hash = found[1] if found else None
    ok = await call(auth.verify_password, password_hash, password)
    if not ok or found is None:
        failures = await call(state.review.record_login_failure, keys, now=now(), policy=policy)
        await asyncio.sleep(policy.delay(failures))
        return _login_form(
            request, name=name, error="That name and password do not match.", status=401
        )
    user, stored_hash = found
    await call(state.review.clear_login_failures, [f"user:{name.lower()}"])
    if auth.needs_rehash(stored_hash):
        await call(
            state.review.set_password,
            user.name,
            auth.hash_password(password),
            now=now(),
            end_sessions=False,
        )
    cookie, sid = auth.new_session_cookie(state.auth.secret_key)
    await call(
        state.review.create_session,
        sid,
        user.id,
        now=now(),
        lifetime=state.auth.session_lifetime,
    )
    await call(state.review.record, user=user.name, action="login", now=now())
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
    response = redirect(request, "/desk/login", message="You are logged out.")
    response.delete_cookie(auth.SESSION_COOKIE, path="/desk")
    return response
