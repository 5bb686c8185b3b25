"""The desk as a reviewer works it, over HTTP: both queue views and the remembered choice,
"Newest first" by publication date, the reading pane and what is done from it, the reject
prompt, fewer controls on a card, the sources page, the audit log, manual entry."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from scraper.config.schema import Config, Settings
from scraper.web.autocomplete import complete_city
from tests.desk_fixtures import (
    T0,
    DeskWorld,
    http_client,
    live_server,
    make_world,
    save,
    sign_in,
    story,
)

NEW_YORK = Config(settings=Settings(timezone="America/New_York"))


@pytest.fixture
def world(tmp_path: Path) -> DeskWorld:
    w = make_world(tmp_path, config=Config(settings=Settings(timezone="UTC")))
    # collected in order 1, 2, 3; published 3 (newest), 1, then 2 without a date
    save(w.store, story(1, published=T0 - timedelta(days=2)), at=T0)
    save(w.store, replace(story(2), published_at=None), at=T0 + timedelta(hours=1))
    save(w.store, story(3, published=T0), at=T0 - timedelta(days=5))
    return w


@pytest.fixture
def alice(world: DeskWorld) -> Iterator[tuple[httpx.Client, str]]:
    with live_server(world.app) as url, http_client(url) as c:
        yield c, sign_in(c, world, "alice")


def _order(page: str) -> list[int]:
    return [int(i) for i in re.findall(r'class="entry (?:card|line)[^"]*" id="item-(\d+)"', page)]


def test_newest_first_is_by_publication_date_and_collection_order_stays(
    alice: tuple[httpx.Client, str],
) -> None:
    c, _ = alice
    # item 2 has no publication date: it sorts by when it was first seen (T0 + 1 h)
    assert _order(c.get("/desk/").text) == [2, 3, 1]
    assert _order(c.get("/desk/?order=collected").text) == [2, 1, 3]


def test_an_edited_date_moves_the_story(world: DeskWorld, alice: tuple[httpx.Client, str]) -> None:
    c, _ = alice
    world.review.edit(
        1, {"published": "2024-03-05T00:00:00+00:00"}, user="alice", now=T0, version=None
    )
    assert _order(c.get("/desk/").text) == [1, 2, 3]


def test_cards_show_the_exact_date(alice: tuple[httpx.Client, str]) -> None:
    c, _ = alice
    page = c.get("/desk/").text
    assert "Mar 1, 2024, 12:00 PM" in page  # item 3: the page gave a time
    assert "first seen Mar 1, 2024" in page  # item 2: no publication date


def test_dates_are_shown_in_the_configured_zone(tmp_path: Path) -> None:
    w = make_world(tmp_path, config=NEW_YORK)
    save(w.store, story(1, published=T0))  # 12:00 UTC
    save(w.store, story(2, published=datetime(2024, 3, 2, tzinfo=UTC)))  # a day, no time
    with live_server(w.app) as url, http_client(url) as c:
        sign_in(c, w, "alice")
        page = c.get("/desk/").text
    assert "Mar 1, 2024, 7:00 AM" in page  # EST
    assert "Mar 2, 2024<" in page  # a day alone is never shifted into Mar 1


def test_the_view_is_remembered_per_user(world: DeskWorld, alice: tuple[httpx.Client, str]) -> None:
    c, token = alice
    assert 'class="entry card ' in c.get("/desk/").text
    answer = c.post(
        "/desk/view", data={"csrf": token, "view": "list", "next": "/desk/?order=collected"}
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/desk/?order=collected"
    page = c.get("/desk/").text
    assert page.count('class="entry line ') == 3
    assert 'class="entry card ' not in page
    assert 'aria-pressed="true">List' in page
    with http_client(str(c.base_url)) as other:
        sign_in(other, world, "bob")
        assert 'class="entry card ' in other.get("/desk/").text  # bob's choice is his own
    bad = c.post("/desk/view", data={"csrf": token, "view": "grid"})
    assert bad.status_code == 400


def test_a_card_has_three_controls_and_more(alice: tuple[httpx.Client, str]) -> None:
    c, _ = alice
    page = c.get("/desk/").text
    card = page[page.index('id="item-3"') :]
    card = card[: card.index("</article>")]
    menu = card[card.index('<details class="menu">') :]
    before_menu = card[: card.index('<details class="menu">')]
    assert ">Approve</button>" in before_menu
    assert ">Reject</a>" in before_menu
    assert ">Edit</a>" in before_menu
    assert 'name="other"' not in before_menu  # the merge box lives in "More"
    assert 'name="other"' in menu
    # the reason is asked for when rejecting, in a prompt hidden until then
    assert re.search(r'<form[^>]*class="js-inplace reject-form" hidden', card)


def test_reject_without_javascript_asks_for_the_reason(
    world: DeskWorld, alice: tuple[httpx.Client, str]
) -> None:
    c, token = alice
    page = c.get("/desk/items/1/reject?next=/desk/")
    assert page.status_code == 200
    assert "Why?" in page.text
    data = {
        "csrf": token,
        "action": "reject",
        "version": "1",
        "reason": "old news",
        "next": "/desk/",
    }
    assert c.post("/desk/items/1/action", data=data).status_code == 303
    assert world.store.item(1)["status_reason"] == "old news"


def test_list_view_answers_an_action_with_a_row(alice: tuple[httpx.Client, str]) -> None:
    c, token = alice
    data = {"csrf": token, "action": "approve", "version": "1", "view": "list", "next": "/desk/"}
    answer = c.post("/desk/items/1/action", data=data, headers={"X-Requested-With": "clippings"})
    assert answer.status_code == 200
    assert answer.json()["card"].startswith('<article class="entry line status-approved"')


def test_the_reading_pane(world: DeskWorld, alice: tuple[httpx.Client, str]) -> None:
    c, _ = alice
    hostile = "Council <img src=x onerror=alert(1)> hears about Group Violence Intervention."
    data = replace(story(9, text=hostile), evidence=[])
    start = hostile.index("Group Violence Intervention")
    data = replace(
        data,
        evidence=[
            {
                "kind": "program",
                "label": "Group Violence Intervention",
                "phrase": "Group Violence Intervention",
                "start": start,
                "end": start + 27,
                "field": "text",
                "note": "",
            }
        ],
    )
    item_id = save(world.store, data)
    pane = c.get(f"/desk/items/{item_id}/pane?view=list&next=/desk/")
    assert pane.status_code == 200
    html = pane.text
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<img" not in html
    assert '<mark class="ev-program" title="program: Group Violence Intervention">' in html
    assert "Use as excerpt" in html
    assert 'name="view" value="list"' in html  # its actions answer with list rows
    # the same pane is the plain page of the story, for a browser without JavaScript
    page = c.get(f"/desk/items/{item_id}").text
    assert '<mark class="ev-program"' in page
    assert c.get("/desk/items/999/pane").status_code == 404


def test_use_as_excerpt_writes_it_as_a_person_would(
    world: DeskWorld, alice: tuple[httpx.Client, str]
) -> None:
    c, token = alice
    answer = c.post("/desk/items/1/excerpt", data={"csrf": token, "quote": "1", "version": "1"})
    assert answer.status_code == 303
    assert (
        world.store.item(1)["excerpt"]
        == "“Nobody here wants to go back,” added Deacon Harold Vance."
    )
    stale = c.post("/desk/items/1/excerpt", data={"csrf": token, "quote": "0", "version": "1"})
    assert stale.status_code == 409  # someone (here: alice herself) changed it since
    bad = c.post("/desk/items/1/excerpt", data={"csrf": token, "quote": "7"})
    assert bad.status_code == 400


def test_a_suggested_tag_is_added_with_one_click(
    world: DeskWorld, alice: tuple[httpx.Client, str]
) -> None:
    c, token = alice
    ev = {
        "kind": "city",
        "label": "Gary, IN",
        "phrase": "x",
        "start": 0,
        "end": 1,
        "note": "mentioned in passing",
    }
    item_id = save(world.store, replace(story(8), cities=[], evidence=[ev]))
    pane = c.get(f"/desk/items/{item_id}/pane").text
    assert "+ Gary, IN" in pane  # a suggestion, not a tag
    assert 'class="tag city">Gary, IN' not in pane
    data = {"csrf": token, "pick": "city|Gary, IN", "version": "1"}
    assert c.post(f"/desk/items/{item_id}/suggestion", data=data).status_code == 303
    assert world.store.item(item_id)["cities"] == ["Gary, IN"]


def test_filters_in_force_show_as_chips(alice: tuple[httpx.Client, str]) -> None:
    c, _ = alice
    page = c.get("/desk/?city=Pittsburgh%2C+PA&q=outreach").text
    assert "City: Pittsburgh, PA" in page
    assert "Search: outreach" in page
    chip = re.search(r'href="([^"]+)"[^>]*aria-label="Remove the filter City', page)
    assert chip is not None
    assert "city=" not in chip.group(1).replace("&amp;", "&")
    assert "q=outreach" in chip.group(1)


def test_autocomplete_answers_json_to_reviewers_only(
    world: DeskWorld, alice: tuple[httpx.Client, str]
) -> None:
    c, _ = alice
    complete_city("warm")  # the gazetteer loads once per process: not within the request timeout
    assert c.get("/desk/complete/cities?q=gary").json() == {"values": ["Gary, IN"]}
    assert c.get("/desk/complete/outlets?q=river").json() == {"values": ["Riverton Ledger"]}
    with http_client(str(c.base_url)) as stranger:
        assert stranger.get("/desk/complete/cities?q=gary").status_code == 303


def test_manual_entry_lands_in_the_queue(world: DeskWorld, alice: tuple[httpx.Client, str]) -> None:
    c, token = alice
    form = c.get("/desk/add?url=https://paywalled.example.com/story").text
    assert 'value="https://paywalled.example.com/story"' in form
    bad = c.post("/desk/add", data={"csrf": token, "headline": "", "outlet": "", "url": "ftp://x"})
    assert bad.status_code == 400
    assert "A headline is needed." in bad.text
    assert "not an http(s) address" in bad.text
    before = len(world.store.items())
    fields = {
        "csrf": token,
        "headline": "Mentors walk kids home after late games",
        "outlet": "Harbor Weekly",
        "published": "2024-02-20",
        "excerpt": "“They know someone is looking out,” said coach Rae Dunn.",
        "programs": "Group Violence Intervention",
        "cities": "Gary, IN",
        "url": "https://paywalled.example.com/story",
    }
    answer = c.post("/desk/add", data=fields)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/desk/?status=candidate"
    items = world.store.items()
    assert len(items) == before + 1
    added = next(i for i in items if i["headline"] == fields["headline"])
    assert added["status"] == "candidate"
    assert added["sources"] == ["manual"]
    assert added["cities"] == ["Gary, IN"]
    assert added["published"].startswith("2024-02-20")
    assert fields["headline"] in c.get("/desk/").text
    again = c.post("/desk/add", data=fields)  # the same link again: taken to the stored story
    assert again.headers["location"] == f"/desk/items/{added['id']}"
    assert len(world.store.items()) == before + 1
    offline = {**fields, "url": "", "headline": "Print only: a vigil on Elm Street draws 200"}
    assert c.post("/desk/add", data=offline).status_code == 303
    assert len(world.store.items()) == before + 2


def test_audit_log_names_stories_and_keeps_logins_apart(
    world: DeskWorld, alice: tuple[httpx.Client, str]
) -> None:
    c, token = alice
    data = {
        "csrf": token,
        "action": "reject",
        "version": "1",
        "reason": "off topic",
        "next": "/desk/",
    }
    c.post("/desk/items/1/action", data=data)
    world.review.record(user="alice", action="login", now=datetime.now(UTC))
    with http_client(str(c.base_url)) as admin:
        sign_in(admin, world, "root")
        page = admin.get("/desk/audit").text
        assert "Outreach workers report calmer summer 1" in page  # the headline beside #1
        assert page.count("off topic") == 1  # the reason once, not as a change and a note
        assert ">login<" not in page
        logins = admin.get("/desk/audit?kind=logins").text
        assert ">login<" in logins
        assert ">reject<" not in logins


@pytest.mark.parametrize(
    ("status", "words"),
    [
        pytest.param(403, "refused to show the page", id="paywall"),
        pytest.param(404, "There is no page at that address", id="gone"),
        pytest.param(503, "had a problem answering", id="down"),
    ],
)
def test_a_link_that_cannot_be_fetched_stores_nothing(
    tmp_path: Path, status: int, words: str
) -> None:
    from scraper.config.schema import load_config
    from tests.conftest import write_sources
    from tests.feedserver import FeedServer, Reply

    w = make_world(tmp_path, config=load_config(write_sources(tmp_path, "[]\n")))
    with FeedServer() as server, live_server(w.app) as base, http_client(base) as c:
        server.route("/story", lambda _req: Reply(status, "no", {"Content-Type": "text/html"}))
        token = sign_in(c, w, "alice")
        answer = c.post("/desk/submit", data={"csrf": token, "url": server.url("/story")})
    assert answer.status_code == 400
    error = re.search(r'<p class="error" id="url-error" role="alert">([^<]+)</p>', answer.text)
    assert error is not None
    assert words in error.group(1)
    assert "/desk/add?url=" in answer.text  # offered: enter it by hand
    assert w.store.items() == []
    assert w.review.audit(limit=None) == []
