"""The desk's coverage report in headless Chromium: the chart renders, and printing
(what "Save as PDF" does) hides the desk's chrome and gives a PDF."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.chromium import ARGS, CHROMIUM
from tests.desk_fixtures import SECRET, live_server, make_world
from tests.publishing_demo import add_demo_stories

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
]
sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture
def desk(tmp_path: Path) -> Iterator[tuple[str, str]]:
    from datetime import timedelta

    from scraper.web.auth import SESSION_COOKIE, new_session_cookie

    world = make_world(tmp_path)
    add_demo_stories(world.store, now=datetime(2024, 3, 30, tzinfo=UTC))
    user = next(u for u in world.review.users() if u.name == "alice")
    cookie, sid = new_session_cookie(SECRET)
    world.review.create_session(sid, user.id, now=datetime.now(UTC), lifetime=timedelta(hours=1))
    with live_server(world.app) as base:
        yield base, cookie
    del SESSION_COOKIE


def test_the_report_prints_without_the_desk_chrome(desk: tuple[str, str]) -> None:
    from scraper.web.auth import SESSION_COOKIE

    base, cookie = desk
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.add_cookies([{"name": SESSION_COOKIE, "value": cookie, "url": base + "/desk"}])
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        missing: list[str] = []
        page.on("response", lambda r: missing.append(r.url) if r.status >= 400 else None)
        page.goto(f"{base}/desk/report?from=2015-01-01&to=2024-12-31")
        assert page.locator("svg.chart").is_visible()
        box = page.locator("svg.chart").bounding_box()
        assert box is not None
        assert box["height"] > 200
        assert page.locator("header.top").is_visible()
        if shot := os.environ.get("CLIPPINGS_REPORT_SCREENSHOT"):
            page.screenshot(path=shot, full_page=True)
        page.emulate_media(media="print")
        assert not page.locator("header.top").is_visible()
        assert not page.locator(".report .actions").is_visible()
        assert page.locator("svg.chart").is_visible()
        pdf = page.pdf(format="A4")
        assert pdf.startswith(b"%PDF")
        assert missing == []
        # No CSP violation (the chart uses no inline style); Chromium's own favicon 404 aside.
        assert [e for e in errors if "Refused" in e or "Content Security Policy" in e] == []
        browser.close()
