"""Hostile requests to the web app: foreign Host headers, huge bodies, numbers past
64 bits, and fields longer than anything a page or a file name can hold."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from scraper.config.schema import Config, Settings
from scraper.publish.model import MAX_SLUG, slugify
from scraper.web.guards import host_allowed
from tests.desk_fixtures import (
    DeskWorld,
    http_client,
    live_server,
    make_world,
    save,
    sign_in,
    story,
)


@pytest.fixture
def world(tmp_path: Path) -> DeskWorld:
    w = make_world(tmp_path)
    save(w.store, story(1))
    return w


@pytest.fixture
def base(world: DeskWorld) -> Iterator[str]:
    with live_server(world.app) as url:
        yield url


# --- Host header ---------------------------------------------------------------------

HOSTS = {
    "rebinding domain": ("evil.example", 400),
    "rebinding with port": ("evil.example:8000", 400),
    "site_url host": ("127.0.0.1:8000", 200),
    "localhost": ("localhost", 200),
    "IPv6 loopback": ("[::1]:8000", 200),
    "suffix trick": ("127.0.0.1.evil.example", 400),
    "empty": ("", 400),
}


@pytest.mark.parametrize(("host", "status"), HOSTS.values(), ids=HOSTS.keys())
def test_only_allowed_hosts_are_answered(base: str, host: str, status: int) -> None:
    with http_client(base) as c:
        assert c.get("/desk/login", headers={"Host": host}).status_code == status


def test_allowed_hosts_setting_replaces_the_default(tmp_path: Path) -> None:
    config = Config(settings=Settings(allowed_hosts=["desk.example.org", "*.example.net"]))
    world = make_world(tmp_path, config=config)
    with live_server(world.app) as base, http_client(base) as c:
        assert c.get("/desk/login", headers={"Host": "desk.example.org"}).status_code == 200
        assert c.get("/desk/login", headers={"Host": "a.example.net:443"}).status_code == 200
        assert c.get("/desk/login", headers={"Host": "example.org"}).status_code == 400
        assert c.get("/desk/login", headers={"Host": "127.0.0.1"}).status_code == 400


@pytest.mark.parametrize(
    ("header", "allowed"),
    [("Example.ORG.", True), ("x.example.org", False), ("[::1]", True), ("::1", True)],
)
def test_host_matching(header: str, allowed: bool) -> None:
    assert host_allowed(header, ["example.org", "::1"]) is allowed


# --- request bodies --------------------------------------------------------------------


def _raw_request(base: str, head: str, *, body: bytes = b"") -> tuple[bytes, float]:
    """Send a request by hand; the answer's first bytes and how long it took."""
    host, port = base.removeprefix("http://").split(":")
    started = time.monotonic()
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(head.encode() + body)
        answer = sock.recv(4096)
    return answer, time.monotonic() - started


def test_a_huge_declared_body_is_refused_before_reading(base: str) -> None:
    """300 MB announced and never sent: the answer comes at once, not after a spool."""
    head = (
        "POST /desk/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: multipart/form-data; boundary=x\r\n"
        "Content-Length: 300000000\r\n\r\n"
    )
    answer, took = _raw_request(base, head)
    assert answer.startswith(b"HTTP/1.1 413")
    assert took < 5


def test_a_chunked_body_is_cut_at_the_limit(base: str) -> None:
    def chunks() -> Iterator[bytes]:
        yield b"name="
        for _ in range(40):  # one 2.6 MB field, no Content-Length
            yield b"x" * 65536

    with http_client(base) as c:
        answer = c.post(
            "/desk/login",
            content=chunks(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
    assert answer.status_code == 413


def test_body_limit_is_a_setting(tmp_path: Path) -> None:
    world = make_world(tmp_path, config=Config(settings=Settings(max_request_bytes=100)))
    with live_server(world.app) as base, http_client(base) as c:
        answer = c.post("/desk/login", data={"name": "x" * 200, "password": "y"})
    assert answer.status_code == 413


# --- numbers past 64 bits ------------------------------------------------------------------

HUGE = "99999999999999999999999"


@pytest.mark.parametrize(
    ("path", "statuses"),
    [
        (f"/desk/items/{HUGE}", {404}),
        (f"/desk/items/{HUGE}/edit", {404}),
        ("/desk/items/999999999999999999", {404}),
        (f"/desk/?page={HUGE}", {200}),
        (f"/desk/audit?page={HUGE}&item={HUGE}", {200}),
        (f"/desk/audit?page=-{HUGE}", {200}),
    ],
    ids=["item", "edit", "18 digits", "queue page", "audit page and item", "negative page"],
)
def test_huge_numbers_in_urls_are_not_server_errors(
    base: str, world: DeskWorld, path: str, statuses: set[int]
) -> None:
    with http_client(base) as c:
        sign_in(c, world, "root")
        assert c.get(path).status_code in statuses


def test_huge_numbers_in_forms_are_not_server_errors(base: str, world: DeskWorld) -> None:
    with http_client(base) as c:
        token = sign_in(c, world, "alice")
        bulk = c.post(
            "/desk/bulk", data={"csrf": token, "action": "approve", "ids": [f"{HUGE}:{HUGE}"]}
        )
        assert bulk.status_code < 500
        act = c.post(
            "/desk/items/1/action", data={"csrf": token, "action": "approve", "version": HUGE}
        )
        assert act.status_code < 500
        merge = c.post(
            "/desk/items/1/story", data={"csrf": token, "action": "merge", "other": HUGE}
        )
        assert merge.status_code < 500


# --- field lengths ------------------------------------------------------------------------


def test_a_huge_city_is_refused_beside_its_field(base: str, world: DeskWorld) -> None:
    with http_client(base) as c:
        token = sign_in(c, world, "alice")
        page = c.post(
            "/desk/items/1/edit",
            data={
                "csrf": token,
                "headline": "Outreach workers report calmer summer",
                "cities": "Y" * 5000 + ", PA",
            },
        )
    assert page.status_code == 400
    assert 'id="cities-error"' in page.text
    assert "at most 100 characters" in page.text
    assert world.store.item(1)["cities"] == ["Pittsburgh, PA"]  # type: ignore[index]


def test_a_huge_note_is_refused_beside_its_field(base: str, world: DeskWorld) -> None:
    with http_client(base) as c:
        token = sign_in(c, world, "alice")
        page = c.post(
            "/desk/items/1/notes",
            data={"csrf": token, "public_note": "n" * 5000, "internal_note": "fine"},
        )
    assert page.status_code == 400
    assert 'id="public_note-error"' in page.text
    assert 'id="internal_note-error"' not in page.text
    assert "n" * 5000 in page.text  # what was typed is kept for fixing


def test_a_huge_reason_is_refused_not_cut(base: str, world: DeskWorld) -> None:
    with http_client(base) as c:
        token = sign_in(c, world, "alice")
        answer = c.post(
            "/desk/items/1/action",
            data={"csrf": token, "action": "reject", "reason": "r" * 600},
        )
    assert answer.status_code == 400
    assert "at most 500 characters" in answer.text
    assert world.store.item(1)["status"] == "candidate"  # type: ignore[index]


def test_tag_slugs_fit_in_a_file_name() -> None:
    long_a, long_b = "Y" * 5000 + ", PA", "Y" * 5000 + ", OH"
    assert len(slugify(long_a)) <= MAX_SLUG
    assert slugify(long_a) != slugify(long_b)
    assert slugify("York, PA") == "york-pa"
