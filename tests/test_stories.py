"""Stories and copies: grouping in storage, reviewer actions, the CLI, updates in the pipeline."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from click.testing import CliRunner

from scraper.cli import main
from scraper.models.errors import StoryError
from scraper.models.stored import StoryData
from scraper.pipeline.wiring import open_store
from storage import revisions, stories
from storage.store import Store
from storage.story_index import follow_primary
from storage.tables import ItemRow
from tests.collecting import RSS_TYPE, make_config, rss, run_pass
from tests.conftest import article_html
from tests.feedserver import FeedServer, Reply
from tests.stories_fixtures import (
    COPY_HEADLINE,
    SAME_EVENT,
    SAME_EVENT_HEADLINE,
    SAME_TOPIC,
    SAME_TOPIC_HEADLINE,
    WIRE,
    WIRE_HEADLINE,
    text,
    wire_edited,
    wire_trimmed,
)

NOW = datetime(2024, 9, 10, 15, 0, tzinfo=UTC)


def story(
    n: int,
    headline: str,
    body: str,
    *,
    outlet: str = "Valley Sentinel",
    status: str = "candidate",
    published: datetime = NOW,
) -> StoryData:
    url = f"https://outlet{n}.example/news/{n}"
    return StoryData(
        url=url,
        canonical_url=url,
        url_key=f"outlet{n}.example/news/{n}",
        keys=(("url", f"outlet{n}.example/news/{n}"),),
        title_key=None,
        outlet=outlet,
        headline=headline,
        published_at=published,
        text=body,
        status=status,
        relevant=status == "candidate",
        programs=["Group Violence Intervention"],
        cities=["Stockton, CA"],
    )


def save(store: Store, data: StoryData) -> int:
    outcome, item_id = store.save_story(data, source_id="test", seen_url=data.url, now=NOW)
    assert outcome == "new"
    return item_id


@pytest.fixture
def store(db_url: str) -> Store:
    return open_store(db_url)


def by_id(store: Store) -> dict[int, dict[str, Any]]:
    return {item["id"]: item for item in store.items()}


# Each case: the stories stored in order, and which of them must share a story.
GROUPING = [
    pytest.param(
        [
            (WIRE_HEADLINE, text(WIRE), "Stockton Record"),
            (COPY_HEADLINE, wire_trimmed(), "Valley Sentinel"),
        ],
        [0, 0],
        id="wire-story-in-two-outlets-one-story",
    ),
    pytest.param(
        [
            (WIRE_HEADLINE, text(WIRE), "Stockton Record"),
            (WIRE_HEADLINE, wire_edited(), "Delta Wire"),
            (COPY_HEADLINE, wire_trimmed(), "Valley Sentinel"),
        ],
        [0, 0, 0],
        id="edited-and-trimmed-copies",
    ),
    pytest.param(
        [
            (WIRE_HEADLINE, text(WIRE), "Stockton Record"),
            (SAME_EVENT_HEADLINE, text(SAME_EVENT), "Valley Sentinel"),
        ],
        [0, 1],
        id="different-stories-same-event-not-merged",
    ),
    pytest.param(
        [
            (WIRE_HEADLINE, text(WIRE), "Stockton Record"),
            (SAME_TOPIC_HEADLINE, text(SAME_TOPIC), "Stockton Record"),
        ],
        [0, 1],
        id="same-topic-same-city-not-merged",
    ),
    pytest.param(
        [
            (WIRE_HEADLINE, text(WIRE), "Stockton Record"),
            (WIRE_HEADLINE + " - Delta Wire", "", "Delta Wire"),
        ],
        [0, 0],
        id="entry-without-text-joins-by-headline",
    ),
]


@pytest.mark.parametrize(("articles", "groups"), GROUPING)
def test_grouping(store: Store, articles: list[tuple[str, str, str]], groups: list[int]) -> None:
    ids = [save(store, story(n, h, body, outlet=o)) for n, (h, body, o) in enumerate(articles)]
    items = by_id(store)
    story_ids = [items[i]["story_id"] for i in ids]
    first = {}
    for group, sid in zip(groups, story_ids, strict=True):
        first.setdefault(group, sid)
        assert sid == first[group]
    assert len(set(story_ids)) == len(set(groups))
    for group in set(groups):  # one primary per story: the first seen
        members = [i for i, g in zip(ids, groups, strict=True) if g == group]
        assert [items[i]["primary"] for i in members] == [True] + [False] * (len(members) - 1)


def test_copies_far_apart_in_time_are_separate_stories(store: Store) -> None:
    first = save(store, story(1, WIRE_HEADLINE, text(WIRE)))
    later = save(store, story(2, COPY_HEADLINE, text(WIRE), published=NOW + timedelta(days=90)))
    items = by_id(store)
    assert items[first]["story_id"] != items[later]["story_id"]


def test_a_copy_follows_the_story_status(store: Store) -> None:
    primary = save(store, story(1, WIRE_HEADLINE, text(WIRE), outlet="Stockton Record"))
    with store.session() as session, session.begin():
        row = session.get(ItemRow, primary)
        assert row is not None
        row.status = "approved"
    copy = save(store, story(2, COPY_HEADLINE, wire_trimmed()))
    assert by_id(store)[copy]["status"] == "approved"  # joined an approved story
    with store.session() as session, session.begin():  # a reviewer rejects the story
        row = session.get(ItemRow, primary)
        assert row is not None
        row.status, row.status_reason = "rejected", "not about our programs"
        session.flush()
        assert follow_primary(session, row.story_id) == 1
    assert by_id(store)[copy]["status"] == "rejected"
    assert by_id(store)[copy]["status_reason"] == "not about our programs"


def test_a_relevant_copy_brings_a_filtered_story_to_the_queue(store: Store) -> None:
    primary = save(store, story(1, WIRE_HEADLINE, text(WIRE), status="filtered"))
    copy = save(store, story(2, COPY_HEADLINE, wire_trimmed()))
    items = by_id(store)
    assert (items[primary]["status"], items[copy]["status"]) == ("candidate", "candidate")


def test_set_primary_moves_the_review_state(store: Store) -> None:
    wire = save(store, story(1, WIRE_HEADLINE, text(WIRE), outlet="City Wire"))
    home = save(store, story(2, COPY_HEADLINE, wire_trimmed(), outlet="Stockton Record"))
    with store.session() as session, session.begin():
        row = session.get(ItemRow, wire)
        assert row is not None
        row.status, row.public_note = "approved", "Our program in the news"
        row.edits = {"excerpt": "An edited excerpt", "outlet": "City Wire Service"}
    result = stories.act_on_story(store, "primary", home, user="test", now=NOW)
    assert result["primary_item_id"] == home
    assert [i["id"] for i in result["items"]] == [home, wire]
    items = by_id(store)
    assert items[home]["primary"]
    assert not items[wire]["primary"]
    assert items[home]["status"] == items[wire]["status"] == "approved"
    assert items[home]["public_note"] == "Our program in the news"
    assert items[home]["excerpt"] == "An edited excerpt"
    assert items[home]["outlet"] == "Stockton Record"  # an outlet edit belonged to the wire copy
    assert items[wire]["public_note"] == ""


def test_split_and_merge(store: Store) -> None:
    a = save(store, story(1, WIRE_HEADLINE, text(WIRE)))
    b = save(store, story(2, COPY_HEADLINE, wire_trimmed()))
    c = save(store, story(3, SAME_EVENT_HEADLINE, text(SAME_EVENT)))
    with store.session() as session, session.begin():
        row = session.get(ItemRow, a)
        assert row is not None
        row.status = "approved"
        session.flush()
        follow_primary(session, row.story_id)
    split = stories.act_on_story(store, "split", b, user="test", now=NOW)
    items = by_id(store)
    assert (len(split["items"]), split["primary_item_id"]) == (1, b)
    assert items[b]["story_id"] != items[a]["story_id"]
    assert (items[b]["status"], items[b]["primary"]) == ("candidate", True)
    assert items[a]["status"] == "approved"  # the story it left keeps its decision
    merged = stories.act_on_story(store, "merge", a, other=c, user="test", now=NOW)
    assert {i["id"] for i in merged["items"]} == {a, c}
    items = by_id(store)
    assert items[c]["story_id"] == items[a]["story_id"]
    assert (items[c]["primary"], items[c]["status"]) == (False, "approved")
    with pytest.raises(StoryError):
        stories.act_on_story(store, "merge", a, other=c, user="test", now=NOW)
    with pytest.raises(StoryError):
        stories.act_on_story(store, "split", b, user="test", now=NOW)  # alone in its story


def test_splitting_the_primary_hands_the_story_to_the_next_copy(store: Store) -> None:
    a = save(store, story(1, WIRE_HEADLINE, text(WIRE)))
    b = save(store, story(2, COPY_HEADLINE, wire_trimmed()))
    with store.session() as session, session.begin():
        row = session.get(ItemRow, a)
        assert row is not None
        row.status, row.internal_note = "approved", "checked with the chief's office"
    stories.act_on_story(store, "split", a, user="test", now=NOW)
    items = by_id(store)
    assert items[b]["primary"]
    assert items[b]["status"] == "approved"
    assert items[b]["internal_note"] == "checked with the chief's office"
    assert items[a]["status"] == "candidate"
    assert items[a]["story_id"] != items[b]["story_id"]


def test_also_ran_in() -> None:
    copies = [
        {"outlet": "Stockton Record", "primary": True},
        *({"outlet": name, "primary": False} for name in ("A", "B", "A", "C", "D", "E")),
    ]
    assert stories.also_ran_in(copies) == "A, B (+3)"
    assert stories.also_ran_in(copies[:3]) == "A, B"
    assert stories.also_ran_in(copies[:1]) == ""


def test_update_item_keeps_the_previous_headline(store: Store) -> None:
    item = save(store, story(1, WIRE_HEADLINE, text(WIRE)))
    corrected = story(1, WIRE_HEADLINE.replace("two", "three"), text(WIRE))
    assert revisions.update_item(store, item, corrected, source_id="test", now=NOW) == ["headline"]
    assert revisions.update_item(store, item, corrected, source_id="test", now=NOW) == []
    unreadable = story(1, "Headline from the feed only", "")
    assert revisions.update_item(store, item, unreadable, source_id="test", now=NOW) == []
    current = by_id(store)[item]
    assert (current["headline"], current["revision"]) == (corrected.headline, 2)
    assert len(store.items()) == 1
    history = revisions.revisions(store, item)
    assert [(h["revision"], h["fields"], h["before"]) for h in history] == [
        (1, ["headline"], {"headline": WIRE_HEADLINE})
    ]


# --- the command line -------------------------------------------------------------


def cli(db: str, *args: str) -> Any:
    return CliRunner().invoke(main, [*args, "--db", db], catch_exceptions=False)


@pytest.mark.parametrize(
    ("command", "expect_primary", "expect_story_size"),
    [
        pytest.param(["stories", "primary", "{b}"], "{b}", 2, id="primary"),
        pytest.param(["stories", "split", "{b}"], "{b}", 1, id="split"),
        pytest.param(["stories", "merge", "{a}", "{c}"], "{a}", 3, id="merge"),
    ],
)
def test_cli_actions(
    sqlite_url: str, command: list[str], expect_primary: str, expect_story_size: int
) -> None:
    store = open_store(sqlite_url)
    ids = {
        "a": save(store, story(1, WIRE_HEADLINE, text(WIRE))),
        "b": save(store, story(2, COPY_HEADLINE, wire_trimmed())),
        "c": save(store, story(3, SAME_EVENT_HEADLINE, text(SAME_EVENT))),
    }
    args = [part.format(**ids) for part in command]
    result = cli(sqlite_url, *args, "--json")
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert shown["primary_item_id"] == int(expect_primary.format(**ids))
    assert len(shown["items"]) == expect_story_size


def test_cli_items_json_counts_stories_and_copies(sqlite_url: str) -> None:
    store = open_store(sqlite_url)
    save(store, story(1, WIRE_HEADLINE, text(WIRE)))
    save(store, story(2, COPY_HEADLINE, wire_trimmed()))
    save(store, story(3, SAME_EVENT_HEADLINE, text(SAME_EVENT)))
    result = cli(sqlite_url, "items", "--json")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert len({r["story_id"] for r in rows}) == 2
    assert sum(r["primary"] for r in rows) == 2
    assert all(isinstance(r["story_id"], int) for r in rows)


def test_cli_errors_are_messages(sqlite_url: str) -> None:
    store = open_store(sqlite_url)
    only = save(store, story(1, WIRE_HEADLINE, text(WIRE)))
    result = cli(sqlite_url, "stories", "split", str(only))
    assert result.exit_code == 1
    assert "only item" in result.output
    assert cli(sqlite_url, "stories", "show", "999").exit_code == 1


# --- the pipeline -------------------------------------------------------------------


def page(headline: str, body: str, site: str) -> Reply:
    html = article_html(
        headline, body.split("\n\n"), site=site, published="2024-09-10T08:00:00-07:00"
    )
    return Reply(200, html, {"Content-Type": "text/html; charset=utf-8"})


PIPELINE_SOURCES = """\
- id: record
  kind: feed
  url: {base}/record.xml
- id: sentinel
  kind: feed
  url: {base}/sentinel.xml
"""


@pytest.mark.slow
def test_pipeline_groups_copies_and_updates_a_corrected_headline(
    server: FeedServer, sqlite_url: str
) -> None:
    base = server.url("").rstrip("/")
    record_link, sentinel_link = f"{base}/record/gvi-expands", f"{base}/sentinel/program-grows"
    other_link = f"{base}/sentinel/violence-program"
    server.route("/record.xml", Reply(200, rss([(WIRE_HEADLINE, record_link)]), RSS_TYPE))
    server.route(
        "/sentinel.xml",
        Reply(
            200, rss([(COPY_HEADLINE, sentinel_link), (SAME_EVENT_HEADLINE, other_link)]), RSS_TYPE
        ),
    )
    server.route("/record/gvi-expands", page(WIRE_HEADLINE, text(WIRE), "Stockton Record"))
    server.route("/sentinel/program-grows", page(COPY_HEADLINE, wire_trimmed(), "Valley Sentinel"))
    server.route(
        "/sentinel/violence-program", page(SAME_EVENT_HEADLINE, text(SAME_EVENT), "Valley Sentinel")
    )
    config = make_config(PIPELINE_SOURCES.format(base=base), settings="fetch_articles: true\n")

    run_pass(config, sqlite_url)
    store = open_store(sqlite_url)
    items = {i["url"]: i for i in store.items()}
    assert len(items) == 3
    wire, copy, other = items[record_link], items[sentinel_link], items[other_link]
    assert wire["story_id"] == copy["story_id"] != other["story_id"]
    assert sum(i["primary"] for i in (wire, copy)) == 1
    assert other["primary"]

    # The Record corrects its headline: same URL, new title in the feed and on the page.
    corrected = WIRE_HEADLINE.replace("two more", "three")
    server.route("/record.xml", Reply(200, rss([(corrected, record_link)]), RSS_TYPE))
    server.route("/record/gvi-expands", page(corrected, text(WIRE), "Stockton Record"))
    reports = run_pass(config, sqlite_url)
    assert reports["record"].new == 0
    items = {i["url"]: i for i in store.items()}
    assert len(items) == 3
    assert (items[record_link]["headline"], items[record_link]["revision"]) == (corrected, 2)
    assert items[record_link]["story_id"] == wire["story_id"]
    history = revisions.revisions(store, items[record_link]["id"])
    assert history[0]["before"]["headline"] == WIRE_HEADLINE


def test_a_story_action_and_its_audit_row_are_one_transaction(store: Store) -> None:
    """The audit row is written with the change, and a stale form changes nothing."""
    from scraper.models.errors import Conflict
    from storage.review import ReviewStore

    a = save(store, story(1, WIRE_HEADLINE, text(WIRE)))
    b = save(store, story(2, COPY_HEADLINE, wire_trimmed()))
    review = ReviewStore(store)
    version = by_id(store)[b]["version"]
    with pytest.raises(Conflict):
        stories.act_on_story(store, "split", b, user="ana", now=NOW, expected_version=version + 1)
    assert by_id(store)[b]["story_id"] == by_id(store)[a]["story_id"]  # nothing changed
    assert review.audit(item_id=b) == []  # and nothing was recorded
    stories.act_on_story(store, "split", b, user="ana", now=NOW, expected_version=version)
    entries = review.audit(item_id=b)
    assert [(e.user, e.action) for e in entries] == [("ana", "split")]
    assert "split from story" in (entries[0].detail or "")
    with pytest.raises(StoryError):  # a failed action leaves no audit row either
        stories.act_on_story(store, "split", b, user="ana", now=NOW)
    assert len(review.audit(item_id=b)) == 1
