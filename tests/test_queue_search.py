"""The queue's search and its filters on edited values, on SQLite and PostgreSQL.

Search is a phrase whose last word may be a prefix (``storage.search``); the
index follows edits, undos, corrected articles and deleted items. Outlet, date
and "most tags first" read the values a reviewer edited. Stories are invented.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import delete

from scraper.pipeline.wiring import open_store
from storage import revisions
from storage.queue import QueueFilter
from storage.review import ReviewStore
from storage.search import fts5_query, search_terms, tsquery
from storage.store import Store
from storage.tables import ItemRow
from tests.desk_fixtures import save, story

NOW = datetime(2024, 3, 2, 9, 0, tzinfo=UTC)

TEXTS = {
    1: (
        "Riverton council funds summer jobs",
        "The ceasefire held through July, said organiser Talia Brandt of the Eastside Youth "
        "Project. Teens worked at the pool and the library.",
    ),
    2: (
        "Group Violence Intervention expands to Eastport",
        "Police and pastors will hold a call-in every quarter under the group violence "
        "strategy, said Commander Ivo Ferreira.",
    ),
    3: (
        "Library hosts youth fair",
        "A group of volunteers ran the fair; violence was not on the agenda. Residents can "
        "call in with questions about the café next door.",
    ),
    4: (
        "Ceasefires spread across the county",
        "Shootings fell by 40% in the year, the county's report says. Nobody was named.",
    ),
}


@pytest.fixture
def desk(db_url: str) -> Iterator[tuple[Store, ReviewStore]]:
    store = open_store(db_url)
    for i, (headline, text) in TEXTS.items():
        programs = () if i == 3 else ("Group Violence Intervention",)
        save(store, story(i, headline=headline, text=text, programs=programs))
    yield store, ReviewStore(store)
    store.engine.dispose()


def _found(review: ReviewStore, **flt: object) -> set[int]:
    page = review.queue(QueueFilter(status=None, **flt), per_page=100)  # type: ignore[arg-type]
    assert page.total == len(page.items)
    return {item["id"] for item in page.items}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ceasefire", {1, 4}),
        ("CEASEFIRE", {1, 4}),
        ("organiser talia", {1}),
        ("group violence", {2}),
        ("group viol", {2}),
        ("violence group", set()),
        ("call-in", {2, 3}),
        ("call in with", {3}),
        ("youth fair", {3}),
        ("cafe", {3}),
        ("40%", {4}),
        ("%", {4}),
        ("100%", set()),
        ("iceberg", set()),
    ],
    ids=[
        "word-in-text-and-prefix-of-headline-word",
        "any-case",
        "phrase-in-text",
        "phrase",
        "phrase-ending-in-a-prefix",
        "phrase-words-in-order",
        "hyphen-or-space",
        "longer-phrase",
        "headline-phrase",
        "accents-do-not-matter",
        "number",
        "punctuation-only-is-a-substring",
        "absent-number",
        "absent-word",
    ],
)
def test_search(desk: tuple[Store, ReviewStore], query: str, expected: set[int]) -> None:
    store, review = desk
    if query == "cafe" and store.dialect != "sqlite":
        pytest.skip("PostgreSQL's 'simple' configuration keeps accents")
    assert _found(review, text=query) == expected


def test_search_follows_edits_and_undo(desk: tuple[Store, ReviewStore]) -> None:
    _store, review = desk
    review.edit(
        1, {"headline": "Riverton pays teens to guard the harbor"}, user="sam", now=NOW, version=1
    )
    assert _found(review, text="harbor") == {1}
    assert _found(review, text="summer jobs") == {1}  # the collected headline still finds it
    review.undo_last(user="sam", now=NOW)
    assert _found(review, text="harbor") == set()
    assert _found(review, text="summer jobs") == {1}


def test_search_forgets_replaced_and_deleted_text(desk: tuple[Store, ReviewStore]) -> None:
    store, review = desk
    corrected = replace(
        story(2, headline=TEXTS[2][0]), text="The council delayed the vote on street lights."
    )
    assert "text" in revisions.update_item(store, 2, corrected, source_id="ledger", now=NOW)
    assert _found(review, text="call-in") == {3}
    assert _found(review, text="street lights") == {2}
    with store.session() as session, session.begin():
        session.execute(delete(ItemRow).where(ItemRow.id == 4))
    assert _found(review, text="ceasefire") == {1}
    assert _found(review, text="40") == set()


def test_outlet_and_date_filters_read_edits(desk: tuple[Store, ReviewStore]) -> None:
    _store, review = desk
    assert _found(review, outlet="Harbor Weekly") == set()
    review.edit(
        1,
        {"outlet": "Harbor Weekly", "published": "2021-05-04T00:00:00+00:00"},
        user="sam",
        now=NOW,
        version=1,
    )
    assert _found(review, outlet="Harbor Weekly") == {1}
    assert "Harbor Weekly" in review.distinct_values()["outlets"]  # the filter menu offers it
    assert _found(review, outlet="Riverton Ledger") == {2, 3, 4}
    may = {"since": date(2021, 5, 4), "until": date(2021, 5, 4)}
    assert _found(review, **may) == {1}
    assert _found(review, until=date(2021, 12, 31)) == {1}
    review.undo_last(user="sam", now=NOW)
    assert _found(review, outlet="Harbor Weekly") == set()
    assert _found(review, **may) == set()


def test_most_tags_first_follows_edited_tags(desk: tuple[Store, ReviewStore]) -> None:
    _store, review = desk

    def first() -> int:
        page = review.queue(QueueFilter(status=None, order="relevance"), per_page=1)
        return int(page.items[0]["id"])

    assert first() == 4  # 1, 2 and 4 have two tags, 3 has one; ties: newest first
    review.edit(
        3,
        {"programs": ["Project Safe Neighborhoods"], "cities": ["York, PA", "Gary, IN"]},
        user="sam",
        now=NOW,
        version=1,
    )
    assert first() == 3
    review.undo_last(user="sam", now=NOW)
    assert first() == 4


@pytest.mark.parametrize(
    ("query", "terms", "fts5", "pg"),
    [
        ("Group-Violence  interv", ["group", "violence", "interv"], None, None),
        ("call-in", ["call", "in"], '"call in"*', "'call' <-> 'in':*"),
        ('"NEAR" OR x_y', ["near", "or", "x", "y"], '"near or x y"*', None),
        ("?!", [], None, None),
    ],
    ids=["words", "hyphen", "operators-are-words", "no-words"],
)
def test_query_syntax(query: str, terms: list[str], fts5: str | None, pg: str | None) -> None:
    assert search_terms(query) == terms
    if fts5 is not None:
        assert fts5_query(terms) == fts5
    if pg is not None:
        assert tsquery(terms) == pg


@pytest.mark.parametrize(
    ("flt", "expected"),
    [
        ({"program": "Group Violence Intervention"}, {1, 2, 4}),
        ({"city": "Pittsburgh, PA"}, {1, 2, 3, 4}),
        ({"source": "ledger"}, {1, 2, 3, 4}),
        ({"source": "manual"}, set()),
        ({"program": "Group Violence Intervention", "text": "ceasefire"}, {1, 4}),
    ],
    ids=["program", "city", "source", "no-such-source", "program-and-search"],
)
def test_count_agrees_with_page(
    desk: tuple[Store, ReviewStore], flt: dict[str, str], expected: set[int]
) -> None:
    _store, review = desk
    assert _found(review, **flt) == expected  # _found checks the count against the page
