"""Reviewing over HTTP: actions, edits with originals, conflicts, undo, bulk, filters, audit."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from tests.desk_fixtures import (
    DeskWorld,
    http_client,
    live_server,
    make_world,
    save,
    sign_in,
    story,
)

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'
GVI = "Group Violence Intervention"
PSN = "Project Safe Neighborhoods"


@pytest.fixture
def world(tmp_path: Path) -> DeskWorld:
    w = make_world(tmp_path)
    save(w.store, story(1))
    save(w.store, story(2, headline=HOSTILE, outlet="Harbor Weekly", cities=("York, PA",)))
    save(w.store, story(3, status="filtered", programs=(), cities=()))
    save(
        w.store,
        story(4, programs=(PSN,), published=datetime(2023, 6, 1, tzinfo=UTC)),
        source="manual",
    )
    return w


@pytest.fixture
def base(world: DeskWorld) -> Iterator[str]:
    with live_server(world.app) as url:
        yield url


@pytest.fixture
def alice(base: str, world: DeskWorld) -> Iterator[tuple[httpx.Client, str]]:
    with http_client(base) as c:
        yield c, sign_in(c, world, "alice")


def _act(
    c: httpx.Client, token: str, item: int, action: str, version: int, **extra: str
) -> httpx.Response:
    data = {"csrf": token, "action": action, "version": str(version), "next": "/desk/", **extra}
    return c.post(f"/desk/items/{item}/action", data=data)


@pytest.mark.parametrize("path", ["/desk/?status=all", "/desk/items/2", "/desk/items/2/edit"])
def test_hostile_headline_shows_as_text(alice: tuple[httpx.Client, str], path: str) -> None:
    c, _ = alice
    page = c.get(path).text
    assert "<script>alert" not in page
    assert "onerror=alert(1)>" not in page
    assert "&lt;script&gt;alert" in page


@pytest.mark.parametrize(
    ("item", "action", "before", "after"),
    [
        (1, "approve", "candidate", "approved"),
        (1, "reject", "candidate", "rejected"),
        (3, "promote", "filtered", "candidate"),
        (3, "approve", "filtered", "approved"),
    ],
    ids=["approve", "reject", "promote-filtered", "approve-filtered"],
)
def test_actions_change_status(
    world: DeskWorld,
    alice: tuple[httpx.Client, str],
    item: int,
    action: str,
    before: str,
    after: str,
) -> None:
    c, token = alice
    assert world.store.item(item)["status"] == before
    answer = _act(c, token, item, action, 1, reason="off topic")
    assert answer.status_code == 303
    got = world.store.item(item)
    assert got["status"] == after
    assert got["reviewed_by"] == "alice"
    assert got["version"] == 2
    assert (got["status_reason"] == "off topic") is (action == "reject")


def test_unpublish_takes_an_approved_item_back(
    world: DeskWorld, alice: tuple[httpx.Client, str]
) -> None:
    c, token = alice
    _act(c, token, 1, "approve", 1)
    assert _act(c, token, 1, "unpublish", 2).status_code == 303
    assert world.store.item(1)["status"] == "candidate"


def test_action_that_does_not_apply_is_refused(
    world: DeskWorld, alice: tuple[httpx.Client, str]
) -> None:
    c, token = alice
    answer = _act(c, token, 1, "unpublish", 1)
    assert answer.status_code == 409
    assert world.store.item(1)["status"] == "candidate"


def test_second_reviewer_sees_the_first_decision(base: str, world: DeskWorld) -> None:
    with http_client(base) as a, http_client(base) as b:
        ta, tb = sign_in(a, world, "alice"), sign_in(b, world, "bob")
        assert _act(a, ta, 1, "approve", 1).status_code == 303
        answer = _act(b, tb, 1, "reject", 1, reason="dup")  # bob's page still showed version 1
    assert answer.status_code == 409
    assert "Someone else already changed item 1 by alice" in answer.text
    assert "badge-approved" in answer.text  # the current state is shown
    assert world.store.item(1)["status"] == "approved"
    assert world.store.item(1)["status_reason"] is None


def test_inplace_action_answers_json_with_the_new_card(alice: tuple[httpx.Client, str]) -> None:
    c, token = alice
    answer = c.post(
        "/desk/items/1/action",
        data={"csrf": token, "action": "approve", "version": "1", "next": "/desk/"},
        headers={"X-Requested-With": "clippings"},
    )
    body = answer.json()
    assert body["ok"] is True
    assert body["status"] == "approved"
    assert 'id="item-1"' in body["card"]
    stale = c.post(
        "/desk/items/1/action",
        data={"csrf": token, "action": "reject", "version": "1"},
        headers={"X-Requested-With": "clippings"},
    )
    assert stale.status_code == 409
    assert stale.json()["status"] == "approved"


def _edit(c: httpx.Client, token: str, item: int, version: int, **fields: object) -> httpx.Response:
    data: dict[str, object] = {
        "csrf": token,
        "version": str(version),
        "headline": "Edited headline",
        "excerpt": "A new excerpt.",
        "published": "2024-02-20",
        "outlet": "Riverton Ledger",
        "programs": [GVI, PSN],
        "cities": "York, PA; Gary, IN",
        "then": "save",
    }
    data.update(fields)
    return c.post(f"/desk/items/{item}/edit", data=data)


def test_edit_keeps_originals_and_updates_tag_filters(
    world: DeskWorld, alice: tuple[httpx.Client, str]
) -> None:
    c, token = alice
    assert _edit(c, token, 1, 1, then="approve").status_code == 303
    item = world.store.item(1)
    assert item["headline"] == "Edited headline"
    assert item["original"]["headline"] == "Outreach workers report calmer summer 1"
    assert item["original"]["cities"] == ["Pittsburgh, PA"]
    assert item["cities"] == ["York, PA", "Gary, IN"]
    assert item["programs"] == [GVI, PSN]
    assert item["published"].startswith("2024-02-20")
    assert item["status"] == "approved"
    assert "outlet" not in item["original"]  # unchanged fields are not edits
    gary = c.get("/desk/?status=all&city=Gary%2C+IN").text
    pittsburgh = c.get("/desk/?status=approved&city=Pittsburgh%2C+PA").text
    assert "Edited headline" in gary
    assert "Edited headline" not in pittsburgh


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"headline": "  "}, "headline", "A headline is needed."),
        ({"published": "2024-13-40"}, "published", "Use a date like 2024-03-05."),
        ({"published": "2999-01-01"}, "published", "The date is in the future."),
        ({"cities": "Springfield"}, "cities", "City, ST"),
        ({"programs": ["Made-up Program"]}, "programs", "Unknown program"),
    ],
    ids=["empty-headline", "bad-date", "future-date", "bad-city", "unknown-program"],
)
def test_invalid_edit_shows_message_next_to_field(
    world: DeskWorld,
    alice: tuple[httpx.Client, str],
    fields: dict[str, object],
    field: str,
    message: str,
) -> None:
    c, token = alice
    answer = _edit(c, token, 1, 1, **fields)
    assert answer.status_code == 400
    assert f'id="{field}-error"' in answer.text
    assert message in answer.text
    assert world.store.item(1)["version"] == 1


def test_use_quote_without_javascript_fills_the_excerpt(
    world: DeskWorld, alice: tuple[httpx.Client, str]
) -> None:
    c, token = alice
    answer = _edit(c, token, 1, 1, use_quote="1")
    assert answer.status_code == 200
    # written as a person would, with the title the article gives the speaker
    assert "“Nobody here wants to go back,” added Deacon Harold Vance.</textarea>" in answer.text
    assert world.store.item(1)["version"] == 1  # not saved yet


def test_undo_restores_the_last_change(world: DeskWorld, alice: tuple[httpx.Client, str]) -> None:
    c, token = alice
    _edit(c, token, 1, 1, then="approve")
    assert c.post("/desk/undo", data={"csrf": token, "next": "/desk/"}).status_code == 303
    item = world.store.item(1)
    assert item["status"] == "candidate"
    assert item["headline"] == "Outreach workers report calmer summer 1"
    assert item["original"] == {}
    assert item["cities"] == ["Pittsburgh, PA"]
    assert "Pittsburgh" in c.get("/desk/?city=Pittsburgh%2C+PA").text


def test_undo_refuses_when_someone_changed_the_item_since(base: str, world: DeskWorld) -> None:
    with http_client(base) as a, http_client(base) as b:
        ta, tb = sign_in(a, world, "alice"), sign_in(b, world, "bob")
        _act(a, ta, 1, "approve", 1)
        _act(b, tb, 1, "unpublish", 2)
        answer = a.post("/desk/undo", data={"csrf": ta, "next": "/desk/"})
        assert answer.status_code == 303
        assert "cannot be undone" in a.get("/desk/").text
    assert world.store.item(1)["status"] == "candidate"
    assert world.store.item(1)["reviewed_by"] == "bob"


def test_bulk_approve_reports_stale_cards(
    world: DeskWorld, alice: tuple[httpx.Client, str]
) -> None:
    c, token = alice
    _act(c, token, 2, "reject", 1)
    answer = c.post(
        "/desk/bulk",
        data={"csrf": token, "action": "approve", "ids": ["1:1", "2:1", "4:1"], "next": "/desk/"},
    )
    assert answer.status_code == 303
    page = c.get("/desk/").text
    assert "Approved: 2 item(s). Not changed: 1" in page
    assert [world.store.item(i)["status"] for i in (1, 2, 4)] == [
        "approved",
        "rejected",
        "approved",
    ]


def test_notes_are_saved_and_internal_stays_internal(
    world: DeskWorld, alice: tuple[httpx.Client, str]
) -> None:
    c, token = alice
    answer = c.post(
        "/desk/items/1/notes",
        data={
            "csrf": token,
            "version": "1",
            "internal_note": "call the reporter",
            "public_note": "Corrected on 3 March.",
        },
    )
    assert answer.status_code == 303
    item = world.store.item(1)
    assert item["internal_note"] == "call the reporter"
    assert item["public_note"] == "Corrected on 3 March."


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {1, 2, 4}),
        ("status=filtered", {3}),
        ("status=all", {1, 2, 3, 4}),
        (f"program={PSN.replace(' ', '+')}", {4}),
        ("city=York%2C+PA", {2}),
        ("outlet=Harbor+Weekly", {2}),
        ("source=manual", {4}),
        ("since=2024-01-01", {1, 2}),
        ("until=2023-12-31", {4}),
        ("q=summer+1", {1}),
        ("q=call-ins", {1, 2, 4}),
        ("q=100%25", set()),
        ("order=relevance", {1, 2, 4}),
    ],
    ids=[
        "default",
        "status",
        "all",
        "program",
        "city",
        "outlet",
        "source",
        "since",
        "until",
        "search-headline",
        "search-text",
        "search-percent",
        "relevance",
    ],
)
def test_queue_filters(alice: tuple[httpx.Client, str], query: str, expected: set[int]) -> None:
    c, _ = alice
    page = c.get(f"/desk/?{query}").text
    shown = {i for i in range(1, 5) if f'id="item-{i}"' in page}
    assert shown == expected


def test_queue_paginates_by_collection_time(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    for i in range(1, 31):
        save(world.store, story(i), at=datetime(2024, 3, 1, tzinfo=UTC).replace(minute=i))
    with live_server(world.app) as base, http_client(base) as c:
        sign_in(c, world, "alice")
        first = c.get("/desk/?order=collected").text
        second = c.get("/desk/?order=collected&page=2").text
    assert first.index('id="item-30"') < first.index('id="item-29"')
    assert 'id="item-6"' in first
    assert 'id="item-5"' not in first
    assert 'id="item-5"' in second
    assert "page 2 of 2" in second


def test_audit_log_shows_edits_and_exports_csv(base: str, world: DeskWorld) -> None:
    with http_client(base) as a:
        ta = sign_in(a, world, "alice")
        _edit(a, ta, 1, 1, headline='=HYPERLINK("http://evil")')
        _act(a, ta, 2, "reject", 1, reason="=1+1")
    with http_client(base) as admin:
        sign_in(admin, world, "root")
        page = admin.get("/desk/audit").text
        csv_text = admin.get("/desk/audit.csv").text
    assert "alice" in page
    assert "Outreach workers report calmer summer 1" in page  # before
    assert "HYPERLINK" in page  # after
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    reject = next(r for r in rows if r["action"] == "reject")
    assert reject["detail"] == "'=1+1"  # a spreadsheet shows it, does not run it
    edit = next(r for r in rows if r["action"] == "edit")
    assert json.loads(edit["after"])["headline"] == '=HYPERLINK("http://evil")'
    assert json.loads(edit["before"])["headline"] == "Outreach workers report calmer summer 1"


def test_submit_a_link_lands_in_the_queue_once(tmp_path: Path) -> None:
    from scraper.config.schema import load_config
    from tests.conftest import article_html, write_sources
    from tests.feedserver import FeedServer, Reply

    config = load_config(write_sources(tmp_path, "[]\n"))
    world = make_world(tmp_path, config=config)
    html = article_html(
        "Harbor City council funds street outreach",
        [
            "The council voted to fund Group Violence Intervention outreach for two years.",
            "“This is a long game,” said Ines Barros, who chairs the safety committee.",
        ],
    )
    with FeedServer() as server, live_server(world.app) as base, http_client(base) as c:
        server.route("/a", lambda _req: Reply(200, html, {"Content-Type": "text/html"}))
        token = sign_in(c, world, "alice")
        bad = c.post("/desk/submit", data={"csrf": token, "url": "javascript:alert(1)"})
        assert bad.status_code == 400
        assert 'id="url-error"' in bad.text
        first = c.post("/desk/submit", data={"csrf": token, "url": server.url("/a")})
        assert first.status_code == 303
        item_page = c.get(first.headers["location"]).text
        assert "Added item" in item_page
        again = c.post("/desk/submit", data={"csrf": token, "url": server.url("/a")})
        assert again.headers["location"] == first.headers["location"]
        assert "Already collected" in c.get(again.headers["location"]).text
    items = world.store.items()
    assert len(items) == 1
    assert items[0]["headline"] == "Harbor City council funds street outreach"
    assert items[0]["sources"] == ["manual"]
