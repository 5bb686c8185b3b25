"""A hostile page's snapshot viewed in headless Chromium: no script runs, nothing is fetched."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from scraper.archive.export import snapshot_bytes
from scraper.archive.warc import parse_snapshot
from storage import snapshots
from tests.archive_world import ArchiveWorld, NewsSite, desk_app
from tests.chromium import ARGS, CHROMIUM
from tests.desk_fixtures import PASSWORDS, live_server

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
]
sync_api = pytest.importorskip("playwright.sync_api")


def hostile(base: str) -> str:
    """Every way a page can try to run code or call home (each would open a dialog)."""
    return f"""
<script>alert("inline script")</script>
<script src="{base}/evil.js"></script>
<img src="{base}/tracker.png" onerror="alert('onerror')">
<svg onload="alert('svg onload')"><circle r="4"/></svg>
<iframe srcdoc="<script>parent.alert('iframe')</script>"></iframe>
<iframe src="{base}/frame.html"></iframe>
<a id="js-link" href="javascript:alert('javascript link')">click me</a>
<p onmouseover="alert('mouseover')" style="background:url({base}/bg.png)">Hover here</p>
<link rel="stylesheet" href="{base}/style.css">
<meta http-equiv="refresh" content="0;url=javascript:alert('refresh')">
<object data="{base}/thing.swf"></object>
<form action="{base}/steal"><input name="q" autofocus onfocus="alert('onfocus')"></form>
<base href="{base}/elsewhere/">
"""


@pytest.fixture
def site() -> Iterator[NewsSite]:
    with NewsSite() as running:
        yield running


def test_a_hostile_page_never_runs_when_its_snapshot_is_viewed(
    site: NewsSite, tmp_path: Path
) -> None:
    path = site.add("one", extra=hostile(site.url("").rstrip("/")))
    world = ArchiveWorld.make(site, tmp_path)
    world.collect()
    item_id = world.item_id(path)
    world.approve(item_id)
    world.archive(links=False)
    info = snapshots.snapshot_of(world.store, item_id)
    assert info is not None
    stored = parse_snapshot(snapshot_bytes(world.folder, info)).body.decode()
    assert 'alert("inline script")' in stored, "the snapshot itself is faithful"
    desk = desk_app(world)
    requests_before = len(site.server.requests)
    dialogs: list[str] = []
    with live_server(desk.app) as base, sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = browser.new_context().new_page()
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            outside: list[str] = []
            page.on(
                "request", lambda r: outside.append(r.url) if not r.url.startswith(base) else None
            )
            page.goto(f"{base}/desk/login")
            page.get_by_label("Name").fill("alice")
            page.get_by_label("Password").fill(PASSWORDS["alice"])
            page.get_by_label("Password").press("Enter")
            page.wait_for_url(f"{base}/desk/")
            page.goto(f"{base}/desk/items/{item_id}/archive")
            page.get_by_role("link", name="The page as it was fetched").click()
            page.wait_for_load_state("load")
            assert "/archive/page" in page.url
            assert page.get_by_text("Outreach walk number one").first.is_visible()
            assert page.get_by_text("Archived copy of").is_visible()
            page.get_by_text("Hover here").hover()
            page.wait_for_timeout(500)  # time for anything that would fire late
            html = page.content()
            assert dialogs == []
            assert outside == [], "no request leaves for the original site"
            assert len(site.server.requests) == requests_before
            # The control: the same page at the outlet does run (the handler sees dialogs).
            page.goto(site.url(path))
            page.wait_for_timeout(300)
            assert "inline script" in dialogs
        finally:
            browser.close()
    assert "<script" not in html
    assert "onerror" not in html
    assert "javascript:" not in html
    assert "<iframe" not in html
