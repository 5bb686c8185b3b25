"""Near-duplicate fingerprints and the copy decision (scraper.identity.neardup), on invented articles."""

from __future__ import annotations

import pytest

from scraper.identity import neardup
from scraper.models.stored import Stored
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


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(
            "Café owner’s “Ceasefire” plan",
            ["cafe", "owner", "s", "ceasefire", "plan"],
            id="folds-accents-and-quotes",
        ),
        pytest.param(
            "GVI: 30% fewer shootings!", ["gvi", "30", "fewer", "shootings"], id="drops-punctuation"
        ),
        pytest.param("", [], id="empty"),
    ],
)
def test_words(raw: str, expected: list[str]) -> None:
    assert neardup.words(raw) == expected


@pytest.mark.parametrize(
    ("tokens", "size", "expected"),
    [
        pytest.param(["a", "b", "c"], 2, {b"a b", b"b c"}, id="overlapping-runs"),
        pytest.param(["a", "b"], 5, {b"a b"}, id="shorter-than-a-shingle"),
        pytest.param([], 5, set(), id="no-words"),
    ],
)
def test_shingles(tokens: list[str], size: int, expected: set[bytes]) -> None:
    assert neardup.shingles(tokens, size=size) == expected


@pytest.mark.parametrize(
    ("jaccard", "a", "b", "expected"),
    [
        pytest.param(0.5, 100, 50, 1.0, id="half-size-copy-fully-contained"),
        pytest.param(1.0, 80, 80, 1.0, id="identical"),
        pytest.param(0.0, 80, 80, 0.0, id="disjoint"),
        pytest.param(1 / 3, 100, 100, 0.5, id="half-shared-equal-sizes"),
        pytest.param(0.5, 0, 10, 0.0, id="empty-set"),
    ],
)
def test_containment(jaccard: float, a: int, b: int, expected: float) -> None:
    assert neardup.containment(jaccard, a, b) == pytest.approx(expected)


BASE = neardup.fingerprint(WIRE_HEADLINE, text(WIRE))
STORED = Stored(WIRE_HEADLINE, BASE.signature, BASE.shingles)


@pytest.mark.parametrize(
    ("headline", "body", "expected"),
    [
        pytest.param(
            COPY_HEADLINE,
            text(WIRE) + "\n\nCopyright 2024 Valley Sentinel.",
            "text",
            id="copy-new-headline-footer",
        ),
        pytest.param(COPY_HEADLINE, wire_trimmed(), "text", id="wire-dateline-end-cut"),
        pytest.param(WIRE_HEADLINE, wire_edited(), "text", id="light-edit"),
        pytest.param(
            WIRE_HEADLINE + " - Valley Sentinel", "", "title", id="entry-without-text-same-headline"
        ),
        pytest.param(
            SAME_EVENT_HEADLINE, text(SAME_EVENT), None, id="other-story-same-event-same-quote"
        ),
        pytest.param(
            SAME_TOPIC_HEADLINE, text(SAME_TOPIC), None, id="other-story-same-topic-same-city"
        ),
        pytest.param(WIRE_HEADLINE, text(SAME_EVENT), None, id="same-headline-different-text"),
        pytest.param("Stockton to expand program", "", None, id="entry-too-short-a-headline"),
        pytest.param(SAME_EVENT_HEADLINE + " today", "", None, id="entry-different-headline"),
    ],
)
def test_match(headline: str, body: str, expected: str | None) -> None:
    found = neardup.match(neardup.fingerprint(headline, body), headline, STORED)
    assert (found.by if found else None) == expected


def test_copies_share_bands_and_other_stories_do_not() -> None:
    copy = neardup.fingerprint(COPY_HEADLINE, wire_trimmed())
    other = neardup.fingerprint(SAME_EVENT_HEADLINE, text(SAME_EVENT))
    assert set(copy.bands) & set(BASE.bands)
    assert not set(other.bands) & set(BASE.bands)


@pytest.mark.parametrize(
    ("headline", "body", "has_signature", "band_count"),
    [
        pytest.param(
            WIRE_HEADLINE,
            text(WIRE),
            True,
            neardup.TEXT_BANDS + neardup.TITLE_BANDS,
            id="text-and-headline",
        ),
        pytest.param(WIRE_HEADLINE, "", False, neardup.TITLE_BANDS, id="headline-only"),
        pytest.param("Update", "Too short to compare.", False, 0, id="nothing-to-compare"),
    ],
)
def test_fingerprint_shape(headline: str, body: str, has_signature: bool, band_count: int) -> None:
    fp = neardup.fingerprint(headline, body)
    assert (fp.signature is not None) == has_signature
    assert len(fp.bands) == band_count
    if fp.signature is not None:
        assert len(fp.signature) == 4 * neardup.NUM_PERM


def test_fingerprint_is_stable_and_content_hash_ignores_formatting() -> None:
    again = neardup.fingerprint(WIRE_HEADLINE, text(WIRE))
    assert again == BASE  # stored signatures stay comparable with new ones
    spaced = neardup.fingerprint(WIRE_HEADLINE.upper(), "  " + text(WIRE).replace("\n\n", "\n"))
    assert spaced.content_hash == BASE.content_hash
    corrected = neardup.fingerprint(WIRE_HEADLINE + " this fall", text(WIRE))
    assert corrected.content_hash != BASE.content_hash


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        pytest.param(("Title", "Summary"), ("title", "summary."), True, id="formatting-only"),
        pytest.param(
            ("Title", "Summary"), ("Corrected title", "Summary"), False, id="corrected-title"
        ),
        pytest.param(("Title", None), ("Title", "Now with summary"), False, id="summary-added"),
    ],
)
def test_entry_hash(a: tuple[str, str | None], b: tuple[str, str | None], same: bool) -> None:
    assert (neardup.entry_hash(*a) == neardup.entry_hash(*b)) == same


@pytest.mark.parametrize(
    ("headline", "expected"),
    [
        pytest.param(
            "Council keeps Ceasefire funded - Harbor Ledger",
            "Council keeps Ceasefire funded",
            id="dash-site",
        ),
        pytest.param(
            "Council keeps Ceasefire funded | The Evening Compass",
            "Council keeps Ceasefire funded",
            id="bar-site",
        ),
        pytest.param(
            "Shooting in Oakland - police say more arrests are coming soon",
            "Shooting in Oakland - police say more arrests are coming soon",
            id="long-tail-is-headline",
        ),
        pytest.param(
            "Man killed | Daily Lantern", "Man killed | Daily Lantern", id="short-head-kept"
        ),
    ],
)
def test_strip_site(headline: str, expected: str) -> None:
    assert neardup.strip_site(headline) == expected


def test_numbers_tell_headlines_apart() -> None:
    one = "Baltimore wins $1 million to expand Advance Peace"
    three = "Baltimore wins $3 million to expand Advance Peace"
    assert neardup.title_similarity(one, three) < neardup.TITLE_JACCARD


def test_a_full_text_never_joins_through_a_headline_only_item() -> None:
    entry = Stored(WIRE_HEADLINE, None, 0)
    other = neardup.fingerprint(WIRE_HEADLINE, text(SAME_EVENT))
    assert neardup.match(other, WIRE_HEADLINE, entry) is None
