"""End to end in a real headless Chromium: log in, filter, edit and approve with the keyboard,
undo, see it in the audit log; screenshots of the queue and the edit form go to /tmp."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.chromium import ARGS, CHROMIUM
from tests.desk_fixtures import PASSWORDS, DeskWorld, live_server, make_world, save, story

SHOTS = Path("/tmp")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
]
sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> DeskWorld:
    w = make_world(Path(tmp_path_factory.mktemp("browser")))
    save(w.store, story(1, headline="Ceasefire partners mark a quieter spring in Pittsburgh"))
    save(
        w.store,
        story(
            2,
            headline='<script>alert("owned")</script> Council hears outreach report',
            outlet="Harbor Weekly",
            cities=("York, PA",),
        ),
    )
    save(
        w.store,
        story(
            3,
            headline="Youth league adds evening games",
            cities=("Gary, IN",),
            programs=("Project Safe Neighborhoods",),
        ),
    )
    save(
        w.store,
        story(4, status="filtered", programs=(), cities=(), headline="Bakery wins regional award"),
    )
    return w


@pytest.fixture(scope="module")
def base(world: DeskWorld) -> Iterator[str]:
    with live_server(world.app) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


def _login(page: Any, base: str, name: str) -> None:
    page.goto(f"{base}/desk/")
    assert "/desk/login" in page.url
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(PASSWORDS[name])
    page.get_by_label("Password").press("Enter")
    page.wait_for_url(f"{base}/desk/")


def test_review_with_the_keyboard(browser: Any, base: str, world: DeskWorld) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("dialog", lambda dialog: errors.append(f"dialog: {dialog.message}"))
    _login(page, base, "alice")

    # the hostile headline is text, not markup, and nothing ran
    assert page.get_by_text('<script>alert("owned")</script> Council hears').count() == 1
    page.screenshot(path=str(SHOTS / "desk-queue.png"), full_page=True)

    # filter by city: the filters sit behind a button; the filter in force becomes a chip
    page.get_by_text("Filters", exact=True).click()
    page.get_by_label("City").select_option("Gary, IN")
    page.get_by_role("button", name="Filter", exact=True).click()
    page.wait_for_load_state()
    assert page.locator(".cards .card").count() == 1
    assert "Youth league" in page.locator(".cards .card").inner_text()
    page.get_by_role("link", name="Remove the filter City: Gary, IN").click()
    assert page.locator(".cards .card").count() == 3

    # on a wide screen the first card is current (and open in the pane); e edits it
    first = page.locator(".cards .card").first
    first.locator(".pick").wait_for()
    page.locator("#pane .pane-story").wait_for()
    assert "current" in (first.get_attribute("class") or "")
    item_id = int(first.get_attribute("data-id") or 0)
    page.keyboard.press("e")
    page.wait_for_url(f"**/desk/items/{item_id}/edit**")
    page.get_by_role("button", name="Use").first.click()  # pick a quote without a round trip
    assert page.get_by_label("Excerpt").input_value().startswith("“We are seeing")
    page.screenshot(path=str(SHOTS / "desk-edit.png"), full_page=True)
    page.get_by_label("Headline").fill("Edited in the browser")
    page.get_by_label("Headline").press("Enter")  # the form's main action: save and approve
    page.wait_for_url(lambda url: "/edit" not in url)  # back where the reviewer was
    assert "Saved and approved" in page.locator("#status").inner_text()
    edited = world.store.item(item_id)
    assert edited["headline"] == "Edited in the browser"
    assert edited["status"] in ("approved", "published")  # the desk's publish job follows
    assert edited["original"]["headline"] != "Edited in the browser"

    # approve the next card in place with "a": the card changes without a page load
    page.locator("#pane .pane-story").wait_for()
    page.keyboard.press("j")
    target = int(page.locator(".cards .card.current").get_attribute("data-id") or 0)
    page.keyboard.press("a")
    page.locator(f"#item-{target} .badge-approved").wait_for()
    assert world.store.item(target)["status"] in ("approved", "published")

    # u undoes that approval
    page.keyboard.press("u")
    page.locator("#status").get_by_text("Undone").wait_for()
    assert world.store.item(target)["status"] == "candidate"

    # ? shows the help
    page.keyboard.press("?")
    assert page.locator("#help").is_visible()
    page.keyboard.press("Escape")
    assert errors == []
    context.close()

    # the admin sees alice's edit in the audit log
    admin = browser.new_context()
    page = admin.new_page()
    _login(page, base, "root")
    page.get_by_role("link", name="Audit log").click()
    rows = page.locator("table.audit tbody tr")
    text = rows.all_inner_texts()
    assert any("alice" in r and "edit+approve" in r and "Edited in the browser" in r for r in text)
    assert any("alice" in r and "undo" in r for r in text)
    admin.close()


def test_queue_on_a_phone(browser: Any, base: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    _login(page, base, "bob")
    page.screenshot(path=str(SHOTS / "desk-queue-phone.png"), full_page=False)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # nothing forces sideways scrolling
    context.close()


def test_chromium_is_where_ci_puts_it() -> None:
    assert shutil.which("chromium") == CHROMIUM
