"""The desk in a real headless Chromium: the compact list worked with the keyboard, the
reading pane, no page wider than a 360 px phone, a link that cannot be fetched, and a
story entered by hand."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scraper.config.schema import load_config
from tests.chromium import ARGS, CHROMIUM
from tests.conftest import write_sources
from tests.desk_fixtures import SECRET, DeskWorld, live_server, make_world, save, story
from tests.feedserver import FeedServer, Reply

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
]
sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> DeskWorld:
    tmp = Path(tmp_path_factory.mktemp("desk-browser"))
    w = make_world(tmp, config=load_config(write_sources(tmp, "[]\n")))
    save(w.store, story(1, headline="Ceasefire partners mark a quieter spring in Pittsburgh"))
    save(w.store, story(2, headline="Council hears outreach report", cities=("York, PA",)))
    save(
        w.store,
        story(
            3,
            headline="Youth league adds evening games at the rec center on the east side",
            outlet="Harbor Weekly Community Newspaper and Radio",
            cities=("Gary, IN", "York, PA", "Erie, PA"),
            programs=("Project Safe Neighborhoods", "Group Violence Intervention"),
        ),
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


def _session(browser: Any, base: str, world: DeskWorld, name: str, **context: Any) -> Any:
    """A browser context logged in as ``name`` (a session made directly: Argon2 is slow)."""
    from datetime import UTC, datetime, timedelta

    from scraper.web.auth import SESSION_COOKIE, new_session_cookie

    user = next(u for u in world.review.users() if u.name == name)
    cookie, sid = new_session_cookie(SECRET)
    world.review.create_session(sid, user.id, now=datetime.now(UTC), lifetime=timedelta(hours=1))
    ctx = browser.new_context(**context)
    ctx.add_cookies([{"name": SESSION_COOKIE, "value": cookie, "url": f"{base}/desk/"}])
    return ctx


def test_compact_list_with_keyboard_approve(browser: Any, base: str, world: DeskWorld) -> None:
    ctx = _session(browser, base, world, "alice", viewport={"width": 1400, "height": 900})
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{base}/desk/")
    page.get_by_role("button", name="List", exact=True).click()
    page.wait_for_url(f"{base}/desk/")
    assert page.locator("#entries .entry.line").count() == 3
    # one line a story: a row is far shorter than a card
    height = page.locator("#entries .entry.line").first.bounding_box()["height"]
    assert height < 70
    page.locator("#pane .pane-story").wait_for()
    page.keyboard.press("j")  # the second story; the first was open from the start
    target = int(page.locator("#entries .entry.current").get_attribute("data-id") or 0)
    page.locator(f"#pane .pane-story[data-id='{target}']").wait_for()
    page.keyboard.press("a")
    page.locator(f"#item-{target}.status-approved").wait_for()
    assert world.store.item(target)["status"] == "approved"
    # the next story is current and open in the pane
    following = int(page.locator("#entries .entry.current").get_attribute("data-id") or 0)
    assert following != target
    page.locator(f"#pane .pane-story[data-id='{following}']").wait_for()
    # r asks for the reason in place; Enter rejects with it
    page.keyboard.press("r")
    reason = page.locator(f"#item-{following} .reason-input")
    assert reason.is_visible()
    reason.fill("not about our programs")
    reason.press("Enter")
    page.locator(f"#item-{following}.status-rejected").wait_for()
    assert world.store.item(following)["status_reason"] == "not about our programs"
    # the choice of view is remembered: a new page load shows the list again
    page.goto(f"{base}/desk/?status=all")
    assert page.locator("#entries .entry.line").count() == 3
    page.get_by_role("button", name="Cards", exact=True).click()
    page.wait_for_url(f"{base}/desk/?status=all")
    assert page.locator("#entries .entry.card").count() == 3
    assert errors == []
    ctx.close()
    world.review.act(target, "unpublish", user="t", now=world.review.audit()[0].at, version=None)
    world.review.act(following, "promote", user="t", now=world.review.audit()[0].at, version=None)


def test_reading_pane(browser: Any, base: str, world: DeskWorld) -> None:
    ctx = _session(browser, base, world, "bob", viewport={"width": 1400, "height": 900})
    page = ctx.new_page()
    page.goto(f"{base}/desk/")
    page.get_by_role("link", name="Council hears outreach report").click()
    pane = page.locator("#pane .pane-story[data-id='2']")
    pane.wait_for()
    box, listing = page.locator("#pane").bounding_box(), page.locator("#entries").bounding_box()
    assert box["x"] > listing["x"] + listing["width"] - 1  # beside the list
    assert pane.locator("mark.ev-program").first.inner_text() == "Group Violence Intervention"
    assert "Nobody here wants to go back" in pane.inner_text()
    pane.get_by_role("button", name="Use as excerpt").nth(1).click()
    page.locator("#status").get_by_text("Excerpt set").wait_for()
    assert world.store.item(2)["excerpt"] == (
        "“Nobody here wants to go back,” added Deacon Harold Vance."
    )
    # on a narrow screen the pane comes below the list
    page.set_viewport_size({"width": 700, "height": 900})
    page.goto(f"{base}/desk/")
    page.get_by_role("link", name="Council hears outreach report").click()
    page.locator("#pane .pane-story[data-id='2']").wait_for()
    box, listing = page.locator("#pane").bounding_box(), page.locator("#entries").bounding_box()
    assert box["y"] >= listing["y"] + listing["height"] - 1
    ctx.close()


DESK_PAGES = [
    "/desk/",
    "/desk/?status=all&city=Gary%2C+IN&q=youth",
    "/desk/items/3",
    "/desk/items/3/edit",
    "/desk/items/3/reject",
    "/desk/submit",
    "/desk/add",
    "/desk/sources",
    "/desk/audit",
    "/desk/audit?kind=logins",
    "/desk/views",
    "/desk/report",
    "/desk/me",
    "/desk/notifications",
    "/desk/sessions",
    "/desk/login",
]


@pytest.mark.parametrize("view", ["cards", "list"])
def test_no_desk_page_scrolls_sideways_at_360px(
    browser: Any, base: str, world: DeskWorld, view: str
) -> None:
    ctx = _session(
        browser, base, world, "root", viewport={"width": 360, "height": 740}, is_mobile=True
    )
    page = ctx.new_page()
    page.goto(f"{base}/desk/")
    page.get_by_role("button", name="List" if view == "list" else "Cards", exact=True).click()
    page.wait_for_load_state()
    wide = []
    for path in DESK_PAGES:
        page.goto(f"{base}{path}")
        for opened in (False, True):
            if opened:  # open the menus and filters too: they must fit as well
                page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
            sizes = page.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            if sizes[0] > sizes[1]:
                wide.append(f"{path} ({'open' if opened else 'closed'}): {sizes}")
    assert wide == []
    # the filters are behind a button, the active ones shown as chips
    page.goto(f"{base}/desk/?status=all&city=Gary%2C+IN")
    assert not page.get_by_label("Program").is_visible()
    assert page.get_by_role("link", name="Remove the filter City: Gary, IN").is_visible()
    ctx.close()


def test_submit_link_failure_and_manual_entry(browser: Any, base: str, world: DeskWorld) -> None:
    ctx = _session(browser, base, world, "alice", viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    before = len(world.store.items())
    with FeedServer() as server:
        server.route("/paywalled", lambda _req: Reply(403, "no", {"Content-Type": "text/html"}))
        page.goto(f"{base}/desk/submit")
        page.get_by_label("Address of the story").fill(server.url("/paywalled"))
        page.get_by_role("button", name="Fetch and add").click()
        error = page.locator("#url-error")
        error.wait_for()
        assert "refused to show the page" in error.inner_text()
        assert len(world.store.items()) == before  # nothing stored
        page.get_by_role("link", name="Enter it by hand").click()
        page.wait_for_url("**/desk/add?url=**")
        assert page.get_by_label("Link").input_value() == server.url("/paywalled")
    page.get_by_label("Headline").fill("Mentors walk kids home after late games")
    page.get_by_label("Outlet").fill("Harbor Weekly")
    page.get_by_label("Date").fill("2024-02-20")
    excerpt = page.get_by_label("Excerpt")
    excerpt.fill("“They know someone is looking out,” said coach Rae Dunn.")
    assert page.locator("#excerpt-count").inner_text().startswith("56 / 320")
    page.get_by_label("Group Violence Intervention").check()
    cities = page.get_by_label("Cities")
    cities.fill("Gary")
    options = page.locator(f"#{cities.get_attribute('list')} option")
    options.first.wait_for(state="attached")
    assert options.first.get_attribute("value") == "Gary, IN"
    cities.fill("Gary, IN")
    page.get_by_role("button", name="Add to the queue").click()
    page.wait_for_url("**/desk/?status=candidate")
    assert "Added to the queue" in page.locator("#status").inner_text()
    assert page.get_by_text("Mentors walk kids home after late games").count() >= 1
    added = next(i for i in world.store.items() if i["headline"].startswith("Mentors walk"))
    assert added["sources"] == ["manual"]
    assert added["programs"] == ["Group Violence Intervention"]
    ctx.close()
