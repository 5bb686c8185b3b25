"""Logging in: cookies, server-side sessions, throttling and lockout, the secret key."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from scraper.config.schema import Config, Settings
from scraper.web.auth import (
    hash_password,
)
from storage.login_throttle import LoginPolicy, LoginThrottle
from tests.desk_fixtures import (
    PASSWORDS,
    T0,
    DeskWorld,
    csrf_of,
    http_client,
    live_server,
    login,
    make_world,
    save,
    story,
)


@pytest.fixture
def world(tmp_path: Path) -> DeskWorld:
    w = make_world(tmp_path, policy=LoginPolicy(max_failures=3, delay_base=0.0, delay_max=0.0))
    save(w.store, story(1))
    return w


@pytest.fixture
def base(world: DeskWorld) -> Iterator[str]:
    with live_server(world.app) as url:
        yield url


def _try(c: object, name: str, password: str) -> int:
    page = c.get("/desk/login")  # type: ignore[attr-defined]
    answer = c.post(  # type: ignore[attr-defined]
        "/desk/login", data={"name": name, "password": password, "csrf": csrf_of(page.text)}
    )
    return int(answer.status_code)


@pytest.mark.parametrize(
    ("name", "password", "status"),
    [
        ("alice", "alice-password-1", 303),
        ("alice", "wrong-password", 401),
        ("nobody", "alice-password-1", 401),
        ("", "", 401),
        ("ALICE", "alice-password-1", 401),
    ],
    ids=["right", "wrong-password", "unknown-user", "empty", "name-is-case-sensitive"],
)
def test_login_outcomes(base: str, name: str, password: str, status: int) -> None:
    with http_client(base) as c:
        assert _try(c, name, password) == status
        assert (c.get("/desk/").status_code == 200) is (status == 303)


def test_session_cookie_flags_over_http(base: str) -> None:
    with http_client(base) as c:
        page = c.get("/desk/login")
        answer = c.post(
            "/desk/login",
            data={"name": "alice", "password": PASSWORDS["alice"], "csrf": csrf_of(page.text)},
        )
    cookie = next(v for v in answer.headers.get_list("set-cookie") if "clippings_session=" in v)
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie or "SameSite=Lax" in cookie
    assert "Secure" not in cookie
    assert "Path=/desk" in cookie


def test_cookies_are_secure_with_https(tmp_path: Path) -> None:
    world = make_world(tmp_path, https=True)
    with live_server(world.app) as base, http_client(base) as c:
        page = c.get("/desk/login")
    cookie = next(v for v in page.headers.get_list("set-cookie") if "clippings_login=" in v)
    assert "Secure" in cookie


@pytest.mark.parametrize(
    ("trusted", "secure"), [([], False), (["127.0.0.1"], True)], ids=["by default", "trusted"]
)
def test_forwarded_proto_counts_only_from_a_trusted_proxy(
    tmp_path: Path, trusted: list[str], secure: bool
) -> None:
    config = Config(settings=Settings(trusted_proxies=trusted))
    world = make_world(tmp_path, config=config)
    with live_server(world.app) as base, http_client(base) as c:
        page = c.get("/desk/login", headers={"X-Forwarded-Proto": "https"})
    cookie = next(v for v in page.headers.get_list("set-cookie") if "clippings_login=" in v)
    assert ("Secure" in cookie) is secure


def test_logout_revokes_the_session_server_side(base: str) -> None:
    with http_client(base) as c:
        token = login(c, "alice")
        stolen = c.cookies.get("clippings_session")
        assert c.post("/desk/logout", data={"csrf": token}).status_code == 303
        assert c.get("/desk/").status_code == 303
    with http_client(base) as thief:
        thief.cookies.set("clippings_session", stolen or "", domain="127.0.0.1", path="/desk")
        assert thief.get("/desk/").status_code == 303


def test_password_change_ends_sessions(base: str, world: DeskWorld) -> None:
    with http_client(base) as c:
        login(c, "alice")
        world.review.set_password("alice", hash_password("a-new-password"), now=T0)
        assert c.get("/desk/").status_code == 303


def test_forged_cookie_is_ignored(base: str) -> None:
    with http_client(base) as c:
        c.cookies.set("clippings_session", "abc.def", domain="127.0.0.1", path="/desk")
        assert c.get("/desk/").status_code == 303


def test_repeated_failures_lock_the_name(base: str) -> None:
    with http_client(base) as c:
        assert [_try(c, "alice", "nope-nope") for _ in range(3)] == [401, 401, 401]
        # locked now: even the right password is refused, with a readable message
        page = c.get("/desk/login")
        answer = c.post(
            "/desk/login",
            data={"name": "alice", "password": PASSWORDS["alice"], "csrf": csrf_of(page.text)},
        )
        assert answer.status_code == 429
        assert "Too many failed attempts" in answer.text
        # another name is not locked
        assert _try(c, "root", PASSWORDS["root"]) == 303


def test_lock_ends_after_the_lockout(world: DeskWorld) -> None:
    policy = LoginPolicy(max_failures=2)
    throttle = LoginThrottle(world.store, policy)
    for _ in range(2):
        assert throttle.take_slot("alice", "203.0.113.5", now=T0).allowed
        throttle.failed("alice", "203.0.113.5", now=T0)
    refused = throttle.take_slot("alice", "203.0.113.5", now=T0)
    assert not refused.allowed
    assert refused.retry_at == T0 + policy.lockout
    later = T0 + policy.lockout + timedelta(seconds=1)
    assert throttle.take_slot("alice", "203.0.113.5", now=later).allowed


@pytest.mark.parametrize(
    ("failures", "delay"),
    [(0, 0.0), (1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (5, 8.0), (9, 8.0)],
    ids=["none", "first", "second", "third", "fourth", "fifth", "capped"],
)
def test_delays_grow_and_are_capped(failures: int, delay: float) -> None:
    assert LoginPolicy().delay(failures) == delay


@pytest.mark.parametrize(
    ("account", "address", "wait"),
    [(0, 0, 0.0), (4, 0, 0.0), (5, 0, 0.5), (7, 0, 2.0), (30, 0, 8.0), (0, 19, 0.0), (0, 21, 1.0)],
    ids=["fresh", "free", "slowed", "growing", "capped", "address-free", "address-slowed"],
)
def test_verifications_wait_after_many_failures(account: int, address: int, wait: float) -> None:
    assert LoginPolicy().wait(account_failures=account, address_failures=address) == wait
