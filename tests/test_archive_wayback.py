"""Approving on the desk snapshots in the background; Save Page Now against a fake endpoint."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from storage import snapshots
from tests.archive_world import ArchiveWorld, NewsSite, desk_app
from tests.desk_fixtures import http_client, live_server, sign_in
from tests.feedserver import FeedServer, Reply, Request


@pytest.fixture
def site() -> Iterator[NewsSite]:
    with NewsSite() as running:
        yield running


@pytest.fixture
def wayback() -> Iterator[FeedServer]:
    with FeedServer() as running:
        yield running


def spn_settings(wayback: FeedServer) -> str:
    return f"archive_org: true\narchive_org_endpoint: {wayback.url('/save/')}\n"


def test_approving_on_the_desk_snapshots_at_once(site: NewsSite, tmp_path: Path) -> None:
    path = site.add("one")
    world = ArchiveWorld.make(site, tmp_path)
    world.collect()
    item_id = world.item_id(path)
    desk = desk_app(world)
    with live_server(desk.app) as base, http_client(base) as client:
        csrf = sign_in(client, desk, "alice")
        answer = client.post(
            f"/desk/items/{item_id}/action",
            data={"action": "approve", "csrf": csrf, "next": "/desk/"},
        )
        assert answer.status_code == 303
        deadline = time.monotonic() + 20
        info = snapshots.snapshot_of(world.store, item_id)
        while (info is None or info.state != "ok") and time.monotonic() < deadline:
            time.sleep(0.1)
            info = snapshots.snapshot_of(world.store, item_id)
    assert info is not None
    assert info.state == "ok"
    assert info.origin == "collection"


def test_save_page_now_gets_one_request_per_approval(
    site: NewsSite, wayback: FeedServer, tmp_path: Path
) -> None:
    paths = [site.add("one"), site.add("two")]
    world = ArchiveWorld.make(site, tmp_path, settings=spn_settings(wayback))
    world.collect()
    ids = [world.item_id(p) for p in paths]
    capture = {}
    for path in paths:
        save = f"/save/{site.url(path)}"
        capture[path] = f"/web/20261204170000/{site.url(path)}"
        wayback.route(save, Reply(302, b"", {"Location": capture[path]}))
        wayback.route(capture[path], Reply(200, "<p>captured</p>", {"Content-Type": "text/html"}))
    for item_id in ids:
        world.approve(item_id)

    report = world.archive(links=False)
    world.archive(links=False)  # nothing more to ask

    assert report.archive_org == {"ok": 2}
    for path, item_id in zip(paths, ids, strict=True):
        assert len(wayback.hits(f"/save/{site.url(path)}")) == 1
        info = snapshots.snapshot_of(world.store, item_id)
        assert info is not None
        assert info.archive_org_url == wayback.url(capture[path])
        assert info.archive_org_state == "ok"


def test_a_failing_save_page_now_is_retried_and_never_blocks(
    site: NewsSite, wayback: FeedServer, tmp_path: Path
) -> None:
    path = site.add("one")
    world = ArchiveWorld.make(site, tmp_path, settings=spn_settings(wayback))
    world.collect()
    item_id = world.item_id(path)
    save = f"/save/{site.url(path)}"
    answers = [Reply(503, "busy"), Reply(200, "<p>done</p>", {"Content-Location": "/web/1/x"})]

    def endpoint(_request: Request) -> Reply:
        return answers.pop(0)

    wayback.route(save, endpoint)
    world.approve(item_id)

    first = world.archive(links=False)

    assert world.store.item(item_id)["status"] == "approved"
    assert first.snapshots == {"collection": 1}, "the snapshot does not wait for the Archive"
    assert first.archive_org == {"pending": 1}
    info = snapshots.snapshot_of(world.store, item_id)
    assert info is not None
    assert "503" in (info.archive_org_error or "")
    assert world.archive(links=False).archive_org == {}, "not before its retry time"
    world.archiver.clock = lambda: datetime.now(UTC) + timedelta(minutes=6)
    assert world.archive(links=False).archive_org == {"ok": 1}
    info = snapshots.snapshot_of(world.store, item_id)
    assert info is not None
    assert info.archive_org_url == wayback.url("/web/1/x")
    assert len(wayback.hits(save)) == 2


def test_save_page_now_is_off_by_default(
    site: NewsSite, wayback: FeedServer, tmp_path: Path
) -> None:
    path = site.add("one")
    world = ArchiveWorld.make(site, tmp_path)
    world.collect()
    world.approve(world.item_id(path))
    assert world.archive(links=False).archive_org == {}
    assert wayback.requests == []
