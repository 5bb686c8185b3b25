"""Every desk route against every kind of visitor: logged out, reviewer, admin, bad CSRF."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.desk_fixtures import (
    DeskWorld,
    http_client,
    live_server,
    login,
    make_world,
    save,
    story,
)

GETS = [
    "/desk/",
    "/desk/items/1",
    "/desk/items/1/edit",
    "/desk/submit",
    "/desk/sources",
    "/desk/audit",
    "/desk/audit.csv",
]
ADMIN_ONLY = {"/desk/audit", "/desk/audit.csv"}
POSTS = {
    "/desk/items/1/action": {"action": "approve", "version": "1"},
    "/desk/items/1/edit": {"headline": "A new headline", "version": "1"},
    "/desk/items/1/notes": {"internal_note": "call them", "version": "1"},
    "/desk/bulk": {"action": "approve", "ids": "1:1"},
    "/desk/undo": {},
    "/desk/submit": {"url": "not a url"},
    "/desk/sources/nowhere/check": {},
    "/desk/logout": {},
}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> DeskWorld:
    w = make_world(Path(tmp_path_factory.mktemp("routes")))
    save(w.store, story(1))
    return w


@pytest.fixture(scope="module")
def base(world: DeskWorld) -> Iterator[str]:
    with live_server(world.app) as url:
        yield url


@pytest.fixture(scope="module")
def clients(base: str) -> Iterator[dict[str, tuple[httpx.Client, str]]]:
    """A logged-in client and its CSRF token per user (logins are slow: Argon2)."""
    made = {name: http_client(base) for name in ("alice", "root", "bob")}
    try:
        yield {name: (c, login(c, name)) for name, c in made.items()}
    finally:
        for c in made.values():
            c.close()


@pytest.mark.parametrize("path", GETS, ids=GETS)
def test_logged_out_get_goes_to_login(base: str, path: str) -> None:
    with http_client(base) as c:
        answer = c.get(path)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/desk/login?next=")


@pytest.mark.parametrize("path", list(POSTS), ids=list(POSTS))
def test_logged_out_post_changes_nothing(base: str, world: DeskWorld, path: str) -> None:
    with http_client(base) as c:
        answer = c.post(path, data={**POSTS[path], "csrf": "x"})
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/desk/login")
    assert world.store.item(1)["status"] == "candidate"


@pytest.mark.parametrize(
    ("who", "path"),
    [(who, path) for who in ("alice", "root") for path in GETS],
    ids=[f"{who}-{path}" for who in ("reviewer", "admin") for path in GETS],
)
def test_get_permissions(clients: dict[str, tuple[httpx.Client, str]], who: str, path: str) -> None:
    answer = clients[who][0].get(path)
    expected = 403 if who == "alice" and path in ADMIN_ONLY else 200
    assert answer.status_code == expected
    if expected == 200 and not path.endswith(".csv"):
        assert "text/html" in answer.headers["content-type"]
        assert "script-src 'self'" in answer.headers["content-security-policy"]
        assert answer.headers["cache-control"] == "no-store"


@pytest.mark.parametrize(
    ("case", "token"),
    [("missing", None), ("wrong", "0" * 64), ("another session's", "other")],
    ids=["missing", "wrong", "other-session"],
)
@pytest.mark.parametrize("path", list(POSTS), ids=list(POSTS))
def test_post_without_valid_csrf_is_refused(
    clients: dict[str, tuple[httpx.Client, str]],
    world: DeskWorld,
    path: str,
    case: str,
    token: str | None,
) -> None:
    c = clients["root"][0]
    data = dict(POSTS[path])
    if token is not None:
        data["csrf"] = clients["bob"][1] if token == "other" else token
    answer = c.post(path, data=data)
    assert answer.status_code == 403, case
    assert "expired" in answer.text
    assert c.get("/desk/").status_code == 200  # still logged in: logout was refused too
    assert world.store.item(1)["status"] == "candidate"
    assert world.store.item(1)["internal_note"] == ""


def test_login_form_needs_its_csrf_token(base: str) -> None:
    with http_client(base) as c:
        c.get("/desk/login")
        answer = c.post("/desk/login", data={"name": "alice", "password": "alice-password-1"})
        assert answer.status_code == 403
        assert c.get("/desk/").status_code == 303


def test_static_files_are_served_without_login(base: str) -> None:
    with http_client(base) as c:
        css = c.get("/desk/static/desk.css")
        js = c.get("/desk/static/desk.js")
    assert css.status_code == 200
    assert "text/css" in css.headers["content-type"]
    assert js.status_code == 200
    assert "keydown" in js.text


def test_public_pages_are_mounted_at_the_root(base: str) -> None:
    with http_client(base) as c:
        news = c.get("/news/")
        feed = c.get("/feeds/all.atom")
    assert news.status_code == 200
    assert feed.status_code == 200
    assert "<feed" in feed.text


def test_unknown_desk_page_is_404(clients: dict[str, tuple[httpx.Client, str]]) -> None:
    c = clients["alice"][0]
    assert c.get("/desk/items/999").status_code == 404
    assert c.get("/desk/nothing-here").status_code == 404


def test_open_redirects_are_refused(
    base: str, clients: dict[str, tuple[httpx.Client, str]]
) -> None:
    with http_client(base) as c:
        page = c.get("/desk/login?next=https://evil.example/")
    assert 'value="/desk/"' in page.text
    c, token = clients["alice"]
    answer = c.post("/desk/undo", data={"csrf": token, "next": "//evil.example/x"})
    assert answer.status_code == 303
    assert answer.headers["location"] == "/desk/"
