"""In a real headless Chromium: a suggested city on a card becomes a tag with one click."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tests.chromium import ARGS, CHROMIUM
from tests.desk_fixtures import PASSWORDS, DeskWorld, live_server, make_world, save, story

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
]
sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture
def world(tmp_path: Path) -> DeskWorld:
    w = make_world(tmp_path)
    data = story(1, cities=(), headline="Riverton pastors plan summer nights")
    at = data.text.find("Riverton")
    weak = {
        "kind": "city",
        "label": "Riverton, WY",
        "phrase": "Riverton",
        "start": at,
        "end": at + len("Riverton"),
        "field": "text",
        "note": "named in the story; most populous place of that name",
        "confidence": 0.35,
    }
    save(w.store, replace(data, evidence=[*data.evidence, weak]))
    return w


@pytest.fixture
def base(world: DeskWorld) -> Iterator[str]:
    with live_server(world.app) as url:
        yield url


def test_one_click_accepts_a_suggestion(base: str, world: DeskWorld) -> None:
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page: Any = browser.new_page()
            page.goto(f"{base}/desk/")
            page.get_by_label("Name").fill("alice")
            page.get_by_label("Password").fill(PASSWORDS["alice"])
            page.get_by_label("Password").press("Enter")
            page.wait_for_url(f"{base}/desk/")
            button = page.locator("button.suggestion", has_text="Riverton, WY").first
            assert "35%" in button.inner_text()
            button.click()
            page.locator(".tag.city", has_text="Riverton, WY").first.wait_for(timeout=10_000)
            page.reload()
            page.locator(".tag.city", has_text="Riverton, WY").first.wait_for(timeout=10_000)
            assert page.locator("button.suggestion", has_text="Riverton").count() == 0
        finally:
            browser.close()
    item = world.store.item(1)
    assert item is not None
    assert item["cities"] == ["Riverton, WY"]
