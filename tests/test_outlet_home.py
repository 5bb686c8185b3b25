"""An outlet's home remembered from where its reviewed stories are set.

The pure rule (``home_from_history``), the storage read (effective cities of
approved items, edits applied) and the analysis using it for a bare name.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from scraper.config.schema import Config
from scraper.models import Entry
from scraper.pipeline.wiring import open_store
from scraper.understand.analyze import analyze
from scraper.understand.tags.city_home import home_from_history
from storage.outlet_history import outlet_cities
from storage.review import ReviewStore
from tests.desk_fixtures import T0, save, story


@pytest.mark.parametrize(
    ("history", "expected"),
    [
        pytest.param([["Jackson, MI"]] * 3, "Jackson, MI", id="three stories agree"),
        pytest.param([["Jackson, MI"]] * 2, None, id="two stories are too few"),
        pytest.param(
            [["Jackson, MI"], ["Jackson, MI", "Lansing, MI"], [], ["Jackson, MI"]],
            "Jackson, MI",
            id="stories without a city do not count against it",
        ),
        pytest.param(
            [["Jackson, MI"]] * 3 + [["Flint, MI"]] * 3,
            None,
            id="a split history settles nothing",
        ),
        pytest.param([], None, id="no history"),
    ],
)
def test_home_from_history(history: list[list[str]], expected: str | None) -> None:
    assert home_from_history(history) == expected


def test_outlet_cities_reads_reviewed_stories_with_edits(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'h.db'}")
    review = ReviewStore(store)
    for i in range(1, 5):
        save(store, story(i, outlet="WXYZ News", cities=("Jackson, MS",)))
    save(store, story(5, outlet="Other Paper", cities=("Flint, MI",)))
    for i in (1, 2, 3):
        item = review.act(i, "approve", user="alice", now=T0 + timedelta(hours=i), version=None)
        assert item["status"] == "approved"
    review.edit(3, {"cities": ["Jackson, MI"]}, user="alice", now=T0, version=None)
    history = outlet_cities(store, "WXYZ News")
    assert sorted(map(tuple, history)) == [("Jackson, MI",), ("Jackson, MS",), ("Jackson, MS",)]
    assert outlet_cities(store, "Other Paper") == []  # a candidate is no reviewed story


def test_a_remembered_home_settles_a_bare_name() -> None:
    text = (
        "Jackson police and pastors met on Tuesday to plan summer patrols.\n\n"
        "Jackson officers will walk the east side on weekends, the chief said."
    )
    url = "https://wxyz.example/news/patrols"
    entry = Entry(url=url, title="Summer patrols planned", summary=text)
    plain = analyze(url=url, config=Config(), entry=entry, outlet="WXYZ News")
    assert "Jackson, MI" not in plain.cities
    remembered = analyze(
        url=url, config=Config(), entry=entry, outlet="WXYZ News", remembered_home="Jackson, MI"
    )
    assert remembered.cities == ("Jackson, MI",)
