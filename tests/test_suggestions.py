"""Suggestions: evidence below the confidence thresholds is offered, not tagged.

Analysis side (pure functions) and desk side (over HTTP: the card shows each
suggestion, one click makes it a tag and it leaves the list).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from scraper.config.schema import Config, Settings
from scraper.models import Analysis, Entry
from scraper.understand.analyze import analyze
from tests.desk_fixtures import (
    DeskWorld,
    http_client,
    live_server,
    make_world,
    save,
    sign_in,
    story,
)

GVI = "Group Violence Intervention"

# A made-up story from a Canadian outlet: a bare "Vancouver" there is not Washington's.
ABROAD = (
    "Vancouver council members met on Tuesday with neighbourhood groups about the new "
    "downtown bike lanes.\n\nThe Vancouver plan will add 12 kilometres of lanes by spring, "
    "the city said."
)
# A made-up story that describes focused deterrence without naming it or its cues.
DESCRIBED = (
    "Police chiefs and pastors met with 20 gang members on Thursday evening at a church "
    "hall in Riverton.\n\nThey were told that the next shooting by any one of them would "
    "bring consequences for the whole group, and that the community wants them alive."
)
# One component only: not enough for a tag, so a suggestion.
ONE_SIGNAL = "Detectives met with 20 gang members on Thursday evening to talk about the summer."


def _run(text: str, url: str, **settings: float) -> Analysis:
    config = Config(settings=Settings(**settings)) if settings else Config()
    return analyze(url=url, config=config, entry=Entry(url=url, title="", summary=text))


def test_a_foreign_outlets_bare_us_namesake_is_a_suggestion_not_a_tag() -> None:
    result = _run(ABROAD, "https://www.example-news.ca/local/bike-lanes")
    assert result.cities == ()
    [suggestion] = result.suggestions
    assert (suggestion.kind, suggestion.label) == ("city", "Vancouver, WA")
    assert suggestion.confidence < 0.5


def test_the_threshold_is_a_setting() -> None:
    result = _run(ABROAD, "https://www.example-news.ca/local/bike-lanes", city_threshold=0.3)
    assert result.cities == ("Vancouver, WA",)
    assert result.suggestions == ()


def test_a_described_program_is_tagged_with_the_components_as_evidence() -> None:
    result = _run(DESCRIBED, "https://news.example.org/story/callin")
    assert GVI in result.programs
    notes = {e.note for e in result.evidence if e.label == GVI}
    assert any(n.startswith("describes ") for n in notes), notes
    confidences = {e.confidence for e in result.evidence if e.label == GVI}
    assert len(confidences) == 1
    assert 0.5 <= next(iter(confidences)) < 0.9
    assert result.relevant


def test_one_described_component_is_only_a_suggestion() -> None:
    result = _run(ONE_SIGNAL, "https://news.example.org/story/summer")
    assert result.programs == ()
    assert [(s.kind, s.label) for s in result.suggestions] == [("program", GVI)]
    assert not result.relevant


@pytest.fixture
def world(tmp_path: Path) -> DeskWorld:
    w = make_world(tmp_path)
    data = story(1, cities=())
    text = data.text
    at = text.find("Riverton")
    weak_city = {
        "kind": "city",
        "label": "Riverton, WY",
        "phrase": "Riverton",
        "start": at,
        "end": at + len("Riverton"),
        "field": "text",
        "note": "named in the story; most populous place of that name",
        "confidence": 0.35,
    }
    save(w.store, replace(data, evidence=[*data.evidence, weak_city]))
    return w


@pytest.fixture
def alice(world: DeskWorld) -> Iterator[tuple[httpx.Client, str]]:
    with live_server(world.app) as url, http_client(url) as c:
        yield c, sign_in(c, world, "alice")


def test_the_desk_offers_a_suggestion_and_one_click_makes_it_a_tag(
    world: DeskWorld, alice: tuple[httpx.Client, str]
) -> None:
    c, token = alice
    item = world.store.item(1)
    assert item is not None
    assert item["cities"] == []
    assert item["suggestions"] == [{"kind": "city", "label": "Riverton, WY", "confidence": 0.35}]
    page = c.get("/desk/").text
    assert "Suggested:" in page
    assert 'value="city|Riverton, WY"' in page
    answer = c.post(
        "/desk/items/1/suggestion",
        data={"csrf": token, "version": str(item["version"]), "pick": "city|Riverton, WY"},
    )
    assert answer.status_code == 303
    item = world.store.item(1)
    assert item is not None
    assert item["cities"] == ["Riverton, WY"]
    assert item["suggestions"] == []
    assert item["original"]["cities"] == []  # an edit: the collected value is kept


def test_only_an_offered_suggestion_can_be_accepted(
    world: DeskWorld, alice: tuple[httpx.Client, str]
) -> None:
    c, token = alice
    answer = c.post(
        "/desk/items/1/suggestion", data={"csrf": token, "pick": "city|Springfield, IL"}
    )
    assert answer.status_code == 400
    assert "is not suggested" in answer.text
    item = world.store.item(1)
    assert item is not None
    assert item["cities"] == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "The department trained every officer in procedural justice this year, and the "
            "chief says the goal is to build trust with residents who long saw police as an "
            "occupying force.",
            ["National Initiative for Building Community Trust and Justice"],
            id="procedural justice and trust-building describe the National Initiative",
        ),
        pytest.param(
            "Twenty young men on probation were required to attend a meeting at the library "
            "on Thursday. Officers had made home visits to each of them the week before to "
            "warn them that the shootings had to stop.",
            [GVI],
            id="a compulsory meeting and home visits describe a call-in strategy",
        ),
        pytest.param(
            "The police chief spoke of the department's history of mistreatment of Black "
            "residents. Truth-telling sessions will follow in every ward this spring.",
            ["Reconciliation"],
            id="a history of mistreatment and truth-telling describe reconciliation",
        ),
        pytest.param(
            "Officers trained in procedural justice last year, the department said on Monday.",
            [],
            id="one practice alone is no program",
        ),
    ],
)
def test_programs_described_without_their_names(text: str, expected: list[str]) -> None:
    result = _run(text, "https://news.example.org/story/described")
    assert list(result.programs) == expected
    assert result.relevant == bool(expected)
    for ev in result.evidence:
        if ev.kind == "program" and ev.label in expected:
            assert ev.confidence is not None
            assert 0.5 <= ev.confidence < 0.9  # described, not named


def test_the_reading_pane_says_how_sure_each_mark_is() -> None:
    from scraper.web.reading import marked_paragraphs

    text = "Riverton pastors met on Monday."
    evidence = [
        {
            "kind": "city",
            "label": "Riverton, WY",
            "phrase": "Riverton",
            "start": 0,
            "end": 8,
            "field": "text",
            "confidence": 0.35,
        }
    ]
    [paragraph] = [str(p) for p in marked_paragraphs(text, evidence)]
    assert 'title="city: Riverton, WY (35% sure)"' in paragraph
