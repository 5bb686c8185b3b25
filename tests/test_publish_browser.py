"""The News & Updates page in a real headless Chromium, with the 30-story demo
(``tests/publishing_demo.py``): the stories render, a tag leads to its filtered
page, the keyboard reaches the stories, nothing scrolls sideways on a phone, and
the embed fragment takes the host page's fonts without restyling the host."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from scraper.pipeline.wiring import open_store
from tests.chromium import ARGS, CHROMIUM
from tests.publishing_demo import DMI, STORIES, add_demo_stories, serve_demo

PAGE_SIZE = 20  # the default ``page_size``

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
]
sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("news-browser")
    store = open_store(f"sqlite:///{folder / 'demo.db'}")
    add_demo_stories(store, now=datetime(2024, 3, 30, 12, 0, tzinfo=UTC))
    with serve_demo(store) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def test_the_page_renders_the_newest_stories(page: Any, base: str) -> None:
    page.goto(base + "news/")
    headlines = page.locator(".clippings-headline").all_inner_texts()
    assert len(headlines) == PAGE_SIZE
    assert headlines[0] == STORIES[0].headline
    assert "Mayor & praises outreach" in headlines  # the hostile headline, as its words
    assert page.locator("script").count() == 0
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("main").count() == 1
    assert page.get_by_role("heading", level=1).inner_text() == "News & Updates"
    first = page.locator(".clippings-item").first
    assert first.locator(".clippings-meta").inner_text() == f"March 2024 | {STORIES[0].outlet}"
    assert first.locator("blockquote").inner_text() == STORIES[0].excerpt
    assert page.get_by_role("link", name="Older stories").is_visible()


def test_a_tag_link_opens_its_filtered_page(page: Any, base: str) -> None:
    page.goto(base + "news/")
    page.get_by_role("link", name=DMI, exact=True).first.click()
    page.wait_for_url(base + "news/programs/drug-market-intervention/")
    assert page.get_by_role("heading", level=1).inner_text() == DMI
    headlines = page.locator(".clippings-headline").all_inner_texts()
    assert headlines == [s.headline for s in STORIES if DMI in s.programs]
    current = page.locator('.clippings-tag[aria-current="page"]').all_inner_texts()
    assert current == [DMI] * len(headlines)
    page.get_by_role("link", name="Show all stories").first.click()
    page.wait_for_url(base + "news/")


def test_the_skip_link_is_the_first_stop_and_leads_to_the_stories(page: Any, base: str) -> None:
    page.goto(base + "news/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Skip to the stories"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "clippings-main"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == STORIES[0].headline


PHONE_PAGES = [
    ("first page", "news/"),
    ("program page", "news/programs/national-initiative-for-building-community-trust-and-justice/"),
    ("city page", "news/cities/chicago-il/"),
    ("page 2", "news/page/2/"),
    ("empty city", "news/cities/washington-dc/"),
]


@pytest.mark.parametrize("path", [p for _, p in PHONE_PAGES], ids=[n for n, _ in PHONE_PAGES])
def test_nothing_scrolls_sideways_on_a_phone(browser: Any, base: str, path: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 800})
    phone = context.new_page()
    phone.goto(base + path)
    width = phone.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert width <= 390


HOST = """<!doctype html><html lang="en"><head><meta charset="utf-8"><style>
body { font-family: Georgia, serif; color: rgb(34, 34, 34); }
h1 { color: rgb(1, 2, 3); } a { color: rgb(138, 21, 56); } p { margin: 7px 0; }
</style></head><body><h1>In the news</h1><p id="own">Our own paragraph.</p>{fragment}</body></html>"""


def test_the_embed_fragment_takes_the_host_fonts_and_leaves_the_host_alone(
    page: Any, base: str
) -> None:
    fragment = page.request.get(base + "news/?embed=1").text()
    page.set_content(HOST.replace("{fragment}", fragment))

    def style(selector: str, prop: str) -> str:
        return str(
            page.eval_on_selector(selector, f"e => getComputedStyle(e).getPropertyValue('{prop}')")
        )

    assert page.locator(".clippings-headline").count() == PAGE_SIZE
    assert page.locator('link[rel="stylesheet"]').count() == 1  # the fragment's own
    assert style(".clippings-list", "list-style-type") == "none"  # the stylesheet applies
    assert "Georgia" in style(".clippings-headline a", "font-family")
    assert style(".clippings-headline a", "color") == "rgb(138, 21, 56)"  # the host's link colour
    assert style("body", "background-color") == "rgba(0, 0, 0, 0)"
    assert style("h1", "color") == "rgb(1, 2, 3)"
    assert style("#own", "margin-top") == "7px"
