"""Link checks against a local news site: gone links flagged, outputs switched to the archived copy."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from scraper.publish.publisher import Publisher
from storage import link_checks
from tests.archive_world import ArchiveWorld, NewsSite, desk_app
from tests.desk_fixtures import http_client, live_server, sign_in
from tests.feedserver import Reply

NOTE = "archived copy; the original is no longer online"


@pytest.fixture
def site() -> Iterator[NewsSite]:
    with NewsSite() as running:
        yield running


def approved(
    site: NewsSite, tmp_path: Path, *slugs: str, db_url: str | None = None
) -> tuple[ArchiveWorld, list[int]]:
    paths = [site.add(slug) for slug in slugs]
    world = ArchiveWorld.make(
        site, tmp_path, settings=f"site_url: {site.url('/')}\n", db_url=db_url
    )
    world.collect()
    ids = [world.item_id(p) for p in paths]
    for item_id in ids:
        world.approve(item_id)
    world.archive(links=False)
    return world, ids


def check_all(world: ArchiveWorld) -> None:
    world.archive(all_links=True)


@pytest.mark.parametrize(
    ("name", "change", "outcome", "words"),
    [
        ("deleted: 404", lambda site, path: site.pages.__setitem__(path, None), "gone", "404"),
        (
            "gone: 410",
            lambda site, path: site.server.route(path, Reply(410, "gone")),
            "gone",
            "410",
        ),
        (
            "redirected to the outlet's home page",
            lambda site, path: (
                site.moved.__setitem__(path, "/"),
                site.server.route("/", Reply(200, "<h1>Home</h1>", {"Content-Type": "text/html"})),
            ),
            "gone",
            "home page",
        ),
        (
            "moved to another article",
            lambda site, path: (
                site.moved.__setitem__(path, "/news/2026/renamed/"),
                site.server.route("/news/2026/renamed/", Reply(200, "<p>same story</p>")),
            ),
            "ok",
            "now at",
        ),
        (
            "server error: no verdict",
            lambda site, path: site.server.route(path, Reply(500, "oops")),
            "unknown",
            "500",
        ),
        ("unchanged", lambda site, path: None, "ok", "online"),
    ],
)
def test_link_check_verdicts(
    site: NewsSite, tmp_path: Path, name: str, change: object, outcome: str, words: str
) -> None:
    world, (item_id,) = approved(site, tmp_path, "one")
    path = "/news/one/"
    change(site, path)  # type: ignore[operator]

    check_all(world)

    state = link_checks.link_states(world.store, [item_id])[item_id]
    assert state.outcome == outcome, name
    assert words in (state.detail or ""), state.detail
    assert state.gone == (outcome == "gone")


def test_head_first_and_get_only_when_needed(site: NewsSite, tmp_path: Path) -> None:
    world, (item_id,) = approved(site, tmp_path, "one")
    path = "/news/one/"
    before = len(site.server.hits(path))
    check_all(world)
    methods = [r.method for r in site.server.hits(path)[before:]]
    assert methods == ["HEAD"], "a page that answers HEAD is not downloaded"

    def no_head(request: object) -> Reply:  # a server that refuses HEAD
        if getattr(request, "method", "") == "HEAD":
            return Reply(405, "")
        return Reply(200, "<p>here</p>", {"Content-Type": "text/html"})

    site.server.route(path, no_head)
    before = len(site.server.hits(path))
    check_all(world)
    assert [r.method for r in site.server.hits(path)[before:]] == ["HEAD", "GET"]
    assert link_checks.link_states(world.store, [item_id])[item_id].outcome == "ok"


def test_links_are_checked_weekly_after_approval(
    site: NewsSite, tmp_path: Path, db_url: str
) -> None:
    world, _ids = approved(site, tmp_path, "one", db_url=db_url)
    now = datetime.now(UTC)
    assert world.archive().links_checked == 0, "not checked right after approval"
    world.archiver.clock = lambda: now + timedelta(days=7, minutes=1)
    assert world.archive().links_checked == 1
    assert world.archive().links_checked == 0, "then not again for a week"
    world.archiver.clock = lambda: now + timedelta(days=14, minutes=2)
    assert world.archive().links_checked == 1


def test_deleted_story_is_flagged_and_the_outputs_switch_to_the_archived_copy(
    site: NewsSite, tmp_path: Path, db_url: str
) -> None:
    world, (gone_id, alive_id) = approved(site, tmp_path, "one", "two", db_url=db_url)
    publisher = Publisher(world.config, world.store)
    before = publisher.current().site
    assert NOTE not in before.files["news/index.html"].body.decode()
    site.pages["/news/one/"] = None  # the outlet deletes the story

    check_all(world)

    site_now = publisher.current().site  # rebuilt by itself: the item's update time moved
    page = site_now.files["news/index.html"].body.decode()
    archive_url = site.url(f"/news/archive/{gone_id}/")
    assert f'href="{archive_url}"' in page
    assert NOTE in page
    assert page.count(NOTE) == 1, "only the gone story"
    assert site.url("/news/two/") in page, "the story still online keeps its link"
    copy = site_now.files[f"news/archive/{gone_id}/index.html"].body.decode()
    assert "Tomas Greer" in copy
    assert NOTE in copy
    assert site.url("/news/one/") in copy
    assert f"news/archive/{alive_id}/index.html" not in site_now.files
    rss = site_now.files["feeds/all.rss"].body.decode()
    assert f"<link>{archive_url}</link>" in rss
    assert NOTE in rss
    atom = site_now.files["feeds/all.atom"].body.decode()
    assert f'href="{archive_url}"' in atom
    feed = json.loads(site_now.files["feeds/all.json"].body)
    entry = next(e for e in feed["items"] if e["url"] == archive_url)
    assert NOTE in entry["content_text"]
    assert entry["_clippings"]["original_url"] == site.url("/news/one/")

    site.pages["/news/one/"] = "<p>restored</p>"  # back online: links switch back
    check_all(world)
    page = publisher.current().site.files["news/index.html"].body.decode()
    assert NOTE not in page
    assert site.url("/news/one/") in page


def test_desk_flags_the_gone_story_and_shows_its_archived_copy(
    site: NewsSite, tmp_path: Path
) -> None:
    world, (item_id,) = approved(site, tmp_path, "one")
    site.pages["/news/one/"] = None
    check_all(world)
    desk = desk_app(world)
    with live_server(desk.app) as base, http_client(base) as client:
        sign_in(client, desk, "alice")
        queue = client.get("/desk/", params={"status": "approved"})
        assert queue.status_code == 200
        assert "link gone: archived copy" in queue.text
        item = client.get(f"/desk/items/{item_id}")
        assert "Original no longer online" in item.text
        copy = client.get(f"/desk/items/{item_id}/archive")
        assert copy.status_code == 200
        assert "Tomas Greer" in copy.text
        assert "The original is no longer online" in copy.text
        assert "Riverton Ledger" in copy.text
        page = client.get(f"/desk/items/{item_id}/archive/page")
        assert page.status_code == 200
        policies = page.headers.get_list("content-security-policy")
        assert any(p.startswith("sandbox") and "default-src 'none'" in p for p in policies)
        assert "Outreach walk number one" in page.text
