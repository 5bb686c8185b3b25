"""Logging in: cookies, server-side sessions, throttling and lockout, the secret key."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from scraper.models.errors import SecretKeyError
from scraper.web.auth import (
    csrf_token,
    hash_password,
    new_session_cookie,
    session_id_from_cookie,
    verify_password,
)
from scraper.web.secret_key import load_secret_key
from storage.users import LoginPolicy
from tests.desk_fixtures import (
    PASSWORDS,
    SECRET,
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


def test_forwarded_proto_from_a_local_proxy_makes_cookies_secure(world: DeskWorld) -> None:
    # uvicorn trusts X-Forwarded-Proto from 127.0.0.1 (FORWARDED_ALLOW_IPS) by default.
    with live_server(world.app) as base, http_client(base) as c:
        page = c.get("/desk/login", headers={"X-Forwarded-Proto": "https"})
    cookie = next(v for v in page.headers.get_list("set-cookie") if "clippings_login=" in v)
    assert "Secure" in cookie


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
    limits = {"user:alice": 2}
    world.review.record_login_failure(limits, now=T0, policy=policy)
    world.review.record_login_failure(limits, now=T0, policy=policy)
    assert world.review.locked_until(["user:alice"], now=T0) == T0 + policy.lockout
    later = T0 + policy.lockout + timedelta(seconds=1)
    assert world.review.locked_until(["user:alice"], now=later) is None


@pytest.mark.parametrize(
    ("failures", "delay"),
    [(0, 0.0), (1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (9, 4.0)],
    ids=["none", "first", "second", "third", "fourth", "capped"],
)
def test_failed_logins_are_slowed_down(failures: int, delay: float) -> None:
    assert LoginPolicy().delay(failures) == delay


def test_passwords_are_argon2_and_verify() -> None:
    hashed = hash_password("correct horse")
    assert hashed.startswith("$argon2id$")
    assert verify_password(hashed, "correct horse")
    assert not verify_password(hashed, "wrong horse")
    assert not verify_password(None, "correct horse")


@pytest.mark.parametrize(
    ("cookie", "valid"),
    [("good", True), ("tampered", False), ("no-signature", False), ("empty", False)],
    ids=["good", "tampered", "no-signature", "empty"],
)
def test_session_cookie_signature(cookie: str, valid: bool) -> None:
    value, sid = new_session_cookie(SECRET)
    token, _, signature = value.rpartition(".")
    given = {
        "good": value,
        "tampered": f"{token}x.{signature}",
        "no-signature": token,
        "empty": "",
    }[cookie]
    assert (session_id_from_cookie(SECRET, given) == sid) is valid
    assert csrf_token(SECRET, sid) != csrf_token(b"another key" * 4, sid)


def test_secret_key_file_is_created_private_and_reused(tmp_path: Path) -> None:
    env = {"CLIPPINGS_HOME": str(tmp_path / "home")}
    first = load_secret_key(env=env)
    path = tmp_path / "home" / "secret.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_secret_key(env=env) == first
    assert len(first) >= 32


@pytest.mark.parametrize(
    ("value", "ok"),
    [("k" * 40, True), ("short", False)],
    ids=["long-enough", "too-short"],
)
def test_secret_key_from_environment(tmp_path: Path, value: str, ok: bool) -> None:
    env = {"CLIPPINGS_SECRET_KEY": value, "CLIPPINGS_HOME": str(tmp_path)}
    if ok:
        assert load_secret_key(env=env) == value.encode()
        assert not (tmp_path / "secret.key").exists()
    else:
        with pytest.raises(SecretKeyError, match="shorter than"):
            load_secret_key(env=env)


def test_key_file_too_open_still_loads(tmp_path: Path) -> None:
    path = tmp_path / "secret.key"
    path.write_text("z" * 48)
    os.chmod(path, 0o644)
    assert load_secret_key(env={"CLIPPINGS_HOME": str(tmp_path)}) == b"z" * 48
