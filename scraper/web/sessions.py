"""The sessions page: where one is logged in, and ending those sessions.

Everyone sees their own sessions (started, last used, address, browser) and can
end any of them; an admin also sees everyone's and can end anyone's. Ending a
session deletes it server-side at once and is written to the audit log.
"""

from __future__ import annotations

import re
from datetime import timedelta

from starlette.requests import Request
from starlette.responses import Response

from scraper.web.common import call, desk, error_page, field_value, guarded, now, redirect, render

_BROWSERS = (
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("Chromium/", "Chromium"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
    ("curl/", "curl"),
)
_SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)
_HANDLE = re.compile(r"^[0-9a-f]{16}$")


def browser_name(user_agent: str | None) -> str:
    """``"Mozilla/5.0 (X11; Linux x86_64) ... Firefox/128.0"`` -> ``"Firefox on Linux"``."""
    if not user_agent:
        return "unknown browser"
    browser = next((name for mark, name in _BROWSERS if mark in user_agent), None)
    system = next((name for mark, name in _SYSTEMS if mark in user_agent), None)
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or user_agent[:60]


def duration(span: timedelta) -> str:
    """``timedelta(days=3)`` -> ``"3 days"``; ``timedelta(hours=1)`` -> ``"1 hour"``."""
    seconds = int(span.total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds} seconds"


@guarded()
async def sessions_page(request: Request) -> Response:
    state = desk(request)
    user = request.state.user
    current = request.state.session_id
    idle = state.auth.session_idle
    mine = await call(state.sessions.live, now=now(), idle=idle, user=user.name, current=current)
    others = []
    if user.is_admin:
        everyone = await call(state.sessions.live, now=now(), idle=idle, current=current)
        others = [s for s in everyone if s.user != user.name]
    return render(
        request,
        "sessions.html",
        {"mine": mine, "others": others, "browser_name": browser_name, "idle": duration(idle)},
    )


@guarded()
async def end_session(request: Request) -> Response:
    state = desk(request)
    user = request.state.user
    handle = field_value(request, "session")
    if not _HANDLE.match(handle):
        return error_page(request, 400, "No such session", "That session is not one of these.")
    ended = await call(state.sessions.end, handle, user=None if user.is_admin else user.name)
    if ended is None:
        return error_page(request, 404, "No such session", "That session has already ended.")
    await call(
        state.review.record,
        user=user.name,
        action="session_ended",
        now=now(),
        detail=f"{ended.user}'s session from {ended.address or 'an unknown address'}",
    )
    return redirect(request, "/desk/sessions", message=f"Ended a session of {ended.user}.")
