"""The sessions page: one's own sessions and ending them, admins ending anyone's,
and sessions that end when left idle for the configured time."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from scraper.config.schema import Config, Settings
from scraper.web.auth import SESSION_COOKIE, new_session_cookie
from scraper.web.sessions import browser_name
from storage.security_log import security_events
from tests.desk_fixtures import DeskWorld, http_client, live_server, login, make_world

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
_HANDLE = re.compile(r'name="session" value="([0-9a-f]{16})"')


def _client(base: str, agent: str) -> httpx.Client:
    c = http_client(base)
    c.headers["User-Agent"] = agent
    return c


def _end(c: httpx.Client, token: str, handle: str) -> int:
    return c.post("/desk/sessions/end", data={"csrf": token, "session": handle}).status_code


@pytest.fixture
def world(tmp_path: Path) -> DeskWorld:
    return make_world(tmp_path)


def test_staff_see_their_sessions_and_end_one(world: DeskWorld) -> None:
    with (
        live_server(world.app) as base,
        _client(base, FIREFOX) as laptop,
        _client(base, IPHONE) as phone,
    ):
        token = login(laptop, "alice")
        login(phone, "alice")
        page = laptop.get("/desk/sessions").text
        assert "Firefox on Linux" in page
        assert "Safari on iPhone" in page
        assert page.count("127.0.0.1") == 2
        assert "(this browser)" in page
        handles = _HANDLE.findall(page)
        assert len(handles) == 2
        # The row without "(this browser)" is the phone's.
        rows = page.split("<tr>")
        other = next(h for h in handles if not any(h in r and "this browser" in r for r in rows))
        assert _end(laptop, token, other) == 303
        assert phone.get("/desk/").status_code == 303  # logged out
        assert laptop.get("/desk/").status_code == 200
    ended = [e for e in security_events(world.store) if e.action == "session_ended"]
    assert len(ended) == 1
    assert ended[0].user == "alice"


def test_staff_cannot_end_others_but_admins_can(world: DeskWorld) -> None:
    with (
        live_server(world.app) as base,
        _client(base, FIREFOX) as alice,
        _client(base, FIREFOX) as bob,
        _client(base, IPHONE) as root,
    ):
        login(alice, "alice")
        alice_handle = _HANDLE.findall(alice.get("/desk/sessions").text)[0]
        bob_token = login(bob, "bob")
        assert alice_handle not in bob.get("/desk/sessions").text
        assert _end(bob, bob_token, alice_handle) == 404
        assert alice.get("/desk/").status_code == 200
        root_token = login(root, "root")
        admin_page = root.get("/desk/sessions").text
        assert "Everyone else" in admin_page
        assert alice_handle in admin_page
        assert _end(root, root_token, alice_handle) == 303
        assert alice.get("/desk/").status_code == 303
        assert _end(root, root_token, "not-a-handle") == 400


@pytest.mark.parametrize(("idle", "status"), [(timedelta(minutes=1), 303), (None, 200)])
def test_sessions_end_after_the_idle_time(
    tmp_path: Path, idle: timedelta | None, status: int
) -> None:
    settings = Settings(session_idle=idle) if idle else Settings()
    world = make_world(tmp_path, config=Config(settings=settings))
    user = next(u for u in world.review.users() if u.name == "alice")
    cookie, sid = new_session_cookie(world.app.state.desk.auth.secret_key)
    two_minutes_ago = datetime.now(UTC) - timedelta(minutes=2)
    world.review.create_session(sid, user.id, now=two_minutes_ago, lifetime=timedelta(days=14))
    with live_server(world.app) as base, http_client(base) as c:
        c.cookies.set(SESSION_COOKIE, cookie, domain="127.0.0.1", path="/desk")
        assert c.get("/desk/").status_code == status


@pytest.mark.parametrize(
    ("agent", "name"),
    [(FIREFOX, "Firefox on Linux"), (IPHONE, "Safari on iPhone"), (None, "unknown browser")],
)
def test_browser_names(agent: str | None, name: str) -> None:
    assert browser_name(agent) == name


def test_last_use_is_recorded(world: DeskWorld) -> None:
    user = next(u for u in world.review.users() if u.name == "alice")
    now = datetime.now(UTC)
    world.review.create_session(
        "a" * 64, user.id, now=now - timedelta(minutes=10), lifetime=timedelta(days=1)
    )
    found = world.review.session_user(
        "a" * 64, now=now, idle=timedelta(days=1), touch_every=timedelta(minutes=5)
    )
    assert found is not None
    (info,) = world.app.state.desk.sessions.live(now=now, idle=timedelta(days=1), user="alice")
    assert info.last_seen_at == now
