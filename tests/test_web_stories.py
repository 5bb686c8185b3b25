"""Stories on the desk and in the outputs: one card per story, group decisions, link/split/merge."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from scraper.publish.model import public_item
from storage import stories
from storage.publishing import mark_published, public_items
from storage.review import ReviewStore
from storage.tables import ItemRow
from tests.desk_fixtures import DeskWorld, http_client, live_server, make_world, sign_in
from tests.stories_fixtures import (
    COPY_HEADLINE,
    SAME_EVENT,
    SAME_EVENT_HEADLINE,
    WIRE,
    WIRE_HEADLINE,
    text,
    wire_trimmed,
)
from tests.test_stories import NOW, save, story

WIRE_ID, COPY_ID, OTHER_ID = 1, 2, 3


@pytest.fixture
def world(tmp_path: Path) -> DeskWorld:
    w = make_world(tmp_path)
    assert save(w.store, story(1, WIRE_HEADLINE, text(WIRE), outlet="City Wire")) == WIRE_ID
    assert (
        save(w.store, story(2, COPY_HEADLINE, wire_trimmed(), outlet="Stockton Record")) == COPY_ID
    )
    assert (
        save(w.store, story(3, SAME_EVENT_HEADLINE, text(SAME_EVENT), outlet="Delta Radio"))
        == OTHER_ID
    )
    return w


@pytest.fixture
def alice(world: DeskWorld) -> Iterator[tuple[httpx.Client, str]]:
    with live_server(world.app) as url, http_client(url) as c:
        yield c, sign_in(c, world, "alice")


def test_queue_shows_a_story_once_with_its_copies(alice: tuple[httpx.Client, str]) -> None:
    c, _ = alice
    page = c.get("/desk/").text
    assert page.count('class="entry card ') == 2  # the wire story (with its copy) and the other
    assert "also ran in Stockton Record" in page
    assert f'id="item-{COPY_ID}"' not in page


def test_approving_a_story_approves_its_copies(
    world: DeskWorld, alice: tuple[httpx.Client, str]
) -> None:
    c, token = alice
    data = {"csrf": token, "action": "approve", "version": "1", "next": "/desk/"}
    assert c.post(f"/desk/items/{WIRE_ID}/action", data=data).status_code == 303
    assert world.store.item(COPY_ID)["status"] == "approved"
    assert world.store.item(OTHER_ID)["status"] == "candidate"


@pytest.mark.parametrize(
    ("item", "fields", "check"),
    [
        pytest.param(
            COPY_ID,
            {"op": "primary"},
            lambda s: s.item(COPY_ID)["primary"] and not s.item(WIRE_ID)["primary"],
            id="link-the-home-town-copy",
        ),
        pytest.param(
            COPY_ID,
            {"op": "split"},
            lambda s: s.item(COPY_ID)["story_id"] != s.item(WIRE_ID)["story_id"],
            id="split-a-copy-off",
        ),
        pytest.param(
            WIRE_ID,
            {"op": "merge", "other": f"#{OTHER_ID}"},
            lambda s: s.item(OTHER_ID)["story_id"] == s.item(WIRE_ID)["story_id"],
            id="merge-two-stories",
        ),
    ],
)
def test_story_actions(
    world: DeskWorld,
    alice: tuple[httpx.Client, str],
    item: int,
    fields: dict[str, str],
    check: object,
) -> None:
    c, token = alice
    answer = c.post(f"/desk/items/{item}/story", data={"csrf": token, "next": "/desk/", **fields})
    assert answer.status_code == 303
    assert check(world.store)  # type: ignore[operator]
    entries = ReviewStore(world.store).audit(item_id=item)
    assert [(e.action, e.user) for e in entries] == [(fields["op"], "alice")]


@pytest.mark.parametrize(
    ("fields", "status"),
    [
        pytest.param({"op": "split"}, 403, id="no-csrf"),
        pytest.param({"op": "explode"}, 400, id="unknown-op"),
        pytest.param({"op": "merge", "other": "abc"}, 400, id="merge-without-number"),
    ],
)
def test_story_action_refusals(
    alice: tuple[httpx.Client, str], fields: dict[str, str], status: int
) -> None:
    c, token = alice
    data = dict(fields) if status == 403 else {"csrf": token, **fields}
    assert c.post(f"/desk/items/{COPY_ID}/story", data=data).status_code == status


def test_a_story_is_published_once_with_the_chosen_link(world: DeskWorld) -> None:
    stories.act_on_story(world.store, "primary", COPY_ID, user="test", now=NOW)
    with world.store.session() as session, session.begin():
        row = session.get(ItemRow, COPY_ID)
        assert row is not None
        row.status = "approved"
    items = public_items(world.store)
    assert [i["id"] for i in items] == [COPY_ID]
    public = public_item(items[0], host="news.example.org")
    assert public.url == "https://outlet2.example/news/2"
    assert public.copies == (("City Wire", "https://outlet1.example/news/1"),)
    assert mark_published(world.store, [COPY_ID], now=NOW) == 1
    assert world.store.item(WIRE_ID)["status"] == "published"  # the copy follows its story


def test_the_reading_pane_lists_the_copies(alice: tuple[httpx.Client, str]) -> None:
    c, _ = alice
    pane = c.get(f"/desk/items/{WIRE_ID}/pane").text
    also = pane[pane.index("Also ran in") :]
    assert "Stockton Record" in also
    assert f'action="/desk/items/{COPY_ID}/story"' in also  # link it instead, or split it off
    assert 'value="split"' in also
    assert 'value="primary"' in also
