"""The desk's pure helpers: exact dates, excerpts as a person writes them, marked article
text, tag suggestions, plain-words source failures, suggestions as you type."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from scraper.understand.quotes.use import person_excerpt, titled
from scraper.web.autocomplete import complete_city, complete_outlet
from scraper.web.dates import day_only, desk_zone, exact_date, local_moment, relative
from scraper.web.reading import marked_paragraphs
from scraper.web.sources_view import plain_reason

NY = ZoneInfo("America/New_York")
NOW = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "zone", "expected"),
    [
        pytest.param(
            "2026-11-22T00:00:00+00:00", NY, "Nov 22, 2026", id="a day alone is not shifted"
        ),
        pytest.param(
            "2026-11-22T19:05:00+00:00", NY, "Nov 22, 2026, 2:05 PM", id="time in the zone"
        ),
        pytest.param(
            "2026-11-23T03:30:00+00:00", NY, "Nov 22, 2026, 10:30 PM", id="crosses midnight"
        ),
        pytest.param("2026-07-04T12:00:00+00:00", UTC, "Jul 4, 2026, 12:00 PM", id="noon in UTC"),
        pytest.param(None, UTC, "no date", id="no date"),
        pytest.param("not a date", UTC, "no date", id="garbage"),
    ],
)
def test_exact_date(value: str | None, zone: ZoneInfo, expected: str) -> None:
    assert exact_date(value, zone) == expected


def test_day_and_moment_in_the_zone() -> None:
    assert day_only("2026-11-23T03:30:00+00:00", NY) == "Nov 22, 2026"
    assert (
        local_moment(datetime(2026, 11, 22, 19, 5, tzinfo=UTC), NY) == "Nov 22, 2026, 2:05 PM EST"
    )
    assert local_moment(None, NY) == "never"


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        pytest.param(timedelta(minutes=25), "in 25 min", id="soon"),
        pytest.param(timedelta(hours=-3), "3 h ago", id="hours ago"),
        pytest.param(timedelta(days=-4), "4 days ago", id="days ago"),
        pytest.param(timedelta(seconds=-20), "just now", id="just now"),
        pytest.param(timedelta(seconds=20), "in under a minute", id="any moment"),
    ],
)
def test_relative(delta: timedelta, expected: str) -> None:
    assert relative(NOW + delta, now=NOW) == expected


def test_desk_zone_reads_the_setting_and_falls_back_to_utc() -> None:
    class Settings:
        timezone = "America/Chicago"

    class Broken:
        timezone = "Mars/Olympus_Mons"

    assert str(desk_zone(Settings())) == "America/Chicago"
    assert desk_zone(Broken()) is UTC
    assert desk_zone(object()) is UTC


ARTICLE = (
    "Police Chief Jane Doe spoke Monday at the council. "
    "“We are seeing fewer shootings.” Doe said the program works.\n"
    "“We are seeing fewer shootings since the call-ins began,” said Marisol Okafor, "
    "the program's outreach director. “Nobody wants to go back,” added Deacon Harold Vance. "
    "“Are we safer?” she asked. “We will not stop —” Doe began, then paused."
)


@pytest.mark.parametrize(
    ("quote", "speaker", "expected"),
    [
        pytest.param(
            "We are seeing fewer shootings since the call-ins began,",
            "Marisol Okafor",
            "“We are seeing fewer shootings since the call-ins began,” said Marisol Okafor, "
            "the program's outreach director.",
            id="the article's own attribution with the role",
        ),
        pytest.param(
            "Nobody wants to go back,",
            "Harold Vance",
            "“Nobody wants to go back,” added Deacon Harold Vance.",
            id="title before the name",
        ),
        pytest.param(
            "We are seeing fewer shootings.",
            "Jane Doe",
            "“We are seeing fewer shootings,” Police Chief Jane Doe said the program works.",
            id="surname alone becomes the titled full name; period becomes a comma",
        ),
        pytest.param(
            "Are we safer?",
            "Jane Doe",
            "“Are we safer?” Police Chief Jane Doe asked.",
            id="a question mark stays, pronoun named",
        ),
        pytest.param(
            "We will not stop —",
            "Jane Doe",
            "“We will not stop—” said Police Chief Jane Doe.",
            id="a dash keeps no dangling comma",
        ),
        pytest.param(
            "It is a long game,",
            None,
            "“It is a long game.”",
            id="no speaker: a sentence of its own",
        ),
    ],
)
def test_person_excerpt(quote: str, speaker: str | None, expected: str) -> None:
    assert person_excerpt(quote, speaker, ARTICLE) == expected


def test_person_excerpt_without_the_article_uses_said() -> None:
    assert person_excerpt("Good work", "Ann Lee") == "“Good work,” said Ann Lee."
    assert "—,”" not in person_excerpt("It ends here -", "Ann Lee")


def test_titled_skips_words_that_only_start_a_sentence() -> None:
    assert titled("Yesterday Mayor Ann Lee said no.", "Ann Lee") == "Mayor Ann Lee"
    assert titled("On Monday Ann Lee said no.", "Ann Lee") == "Ann Lee"


def _ev(text: str, phrase: str, kind: str = "program", label: str = "GVI") -> dict[str, object]:
    start = text.index(phrase)
    return {
        "kind": kind,
        "label": label,
        "phrase": phrase,
        "start": start,
        "end": start + len(phrase),
    }


def test_marked_paragraphs_escape_first_then_mark_by_offsets() -> None:
    text = "Ann said <b>GVI</b> works & helps.\n\nMore about <script>x</script> Gary."
    evidence = [
        _ev(text, "GVI"),
        _ev(text, "Gary", kind="city", label="Gary, IN"),
        {"kind": "program", "label": "X", "phrase": "wrong", "start": 0, "end": 3},  # stale
    ]
    paragraphs = [str(p) for p in marked_paragraphs(text, evidence)]
    assert paragraphs == [
        'Ann said &lt;b&gt;<mark class="ev-program" title="program: GVI">GVI</mark>'
        "&lt;/b&gt; works &amp; helps.",
        'More about &lt;script&gt;x&lt;/script&gt; <mark class="ev-city" title="city: Gary, IN">'
        "Gary</mark>.",
    ]


def test_marked_paragraphs_merge_overlaps_and_escape_labels() -> None:
    text = "The Group Violence Intervention works."
    evidence = [
        _ev(text, "Group Violence Intervention", label='"><script>'),
        _ev(text, "Violence"),
    ]
    (para,) = marked_paragraphs(text, evidence)
    assert str(para).count("<mark") == 1
    assert "<script>" not in str(para)


@pytest.mark.parametrize(
    ("reason", "status", "words"),
    [
        pytest.param("HTTP 404 not found", 404, "the address is gone", id="gone"),
        pytest.param("HTTP 403 forbidden", 403, "the site refused access", id="refused"),
        pytest.param("timed out (ReadTimeout)", None, "did not answer in time", id="slow"),
        pytest.param(None, None, "The last check failed.", id="no reason recorded"),
    ],
)
def test_plain_reason(reason: str | None, status: int | None, words: str) -> None:
    assert words in plain_reason(reason, url="https://feeds.example.org/a", status=status)


def test_complete_city_most_populous_first() -> None:
    found = complete_city("york")
    assert found[:3] == ["York, PA", "York, SC", "York, NE"]  # every York before Yorkville
    assert "New York, NY" in complete_city("new york")
    assert complete_city("") == []
    assert len(complete_city("s")) == 10


def test_complete_outlet_prefix_then_inside() -> None:
    known = ["Harbor Weekly", "The Harbor News", "Riverton Ledger"]
    assert complete_outlet("har", known) == ["Harbor Weekly", "The Harbor News"]
    assert complete_outlet("", known) == known
