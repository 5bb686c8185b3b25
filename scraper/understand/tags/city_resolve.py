"""Which place each mention means, and how much it weighs.

:func:`resolve` picks the namesake by the story's own evidence (a state next to
the name, the dateline, a nearby place, the states the story names, the
outlet's home) and population last, with a note saying why; the marking
functions decide place-or-not (a name also used for a person, a list of pilot
sites named in passing) before any place is chosen.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

from scraper.text.gazetteer import Gazetteer, Place, name_key
from scraper.understand.tags.city_evidence import (
    ABROAD_RATIO,
    nearest_anchor,
    place_for_label,
)
from scraper.understand.tags.city_mentions import Mention, has_word

LIST_SIZE = 3  # distinct places in one sentence that make it a list


KNOWN_CITY = 100_000  # population above which a bare name is read without its state


RIVAL_SHARE = 3  # a namesake a third the size of the largest makes a small name ambiguous


BY_POPULATION = "most populous place of that name"


# Capitalised words that are also place names; they need a state or a dateline.
_COMMON_WORDS = frozenset(
    re.findall(
        r"\w+",
        "January February March April May June July August September October November "
        "December Monday Tuesday Wednesday Thursday Friday Saturday Sunday University "
        "Justice Liberty Independence Commerce Mission Union Enterprise Progress "
        "Security Opportunity Hope Unity Friendship Temple Normal Reading Mobile Florence "
        "Victoria Charity Prosperity Harmony Paradise Eden Wellness",
    )
)


def resolve(
    m: Mention,
    *,
    gaz: Gazetteer,
    settled: dict[str, Place],
    home: Place | None,
    states: dict[str, int],
    anchors: Sequence[Place] = (),
) -> tuple[Place | None, str]:
    """The place a mention means and a note saying why."""
    if m.alias_of:
        return place_for_label(gaz, m.alias_of), f"alias of {m.alias_of}"
    if m.foreign:
        return None, "outside the US"
    if m.state:
        chosen = next((p for p in m.places if p.state == m.state), None)
        return chosen, "state named next to it"
    if m.written == "Washington":
        return next((p for p in m.places if p.state == "DC"), None), "Washington means DC"
    if m.written in settled:
        return settled[m.written], "same name resolved elsewhere in the story"
    near = nearest_anchor(m, anchors)
    if near is not None:
        return near, "near another place the story names"
    in_named = [p for p in m.places if p.state in states]
    if home is not None and (home.state in states or not in_named):
        # The outlet's home settles a bare name unless the story names another
        # candidate's state and not the home's (a Kentucky paper's Lexington, NC story).
        for p in m.places:
            if p.label == home.label:
                return p, "the outlet's home city"
    if in_named:
        best = max(in_named, key=lambda p: (states[p.state], p.population))
        return best, f"{gaz.state_names.get(best.state, best.state)} is named in the story"
    if home is not None:
        same_state = [p for p in m.places if p.state == home.state]
        if same_state:
            return same_state[0], "in the outlet's home state"
    if not m.places:
        return None, "unknown place"
    return m.places[0], BY_POPULATION


def ambiguous(places: Sequence[Place]) -> bool:
    """A small place name shared by places of comparable size (Homewood, AL and IL)."""
    return (
        len(places) >= 2
        and places[0].population < KNOWN_CITY
        and places[1].population * RIVAL_SHARE >= places[0].population
    )


def needs_state(m: Mention, place: Place, gaz: Gazetteer, text: str) -> bool:
    """Whether a bare mention is too ambiguous to count without its state."""
    if m.state or m.alias_of:
        return False
    if m.written in gaz.states and m.written != "New York":
        return not (m.dateline and m.written == "Washington")  # "WASHINGTON (AP)"
    if m.written in _COMMON_WORDS or m.written in gaz.foreign or m.written == "White House":
        return True
    if gaz.abroad.get(name_key(m.written), 0) >= ABROAD_RATIO * max(1, place.population):
        return True
    # "mobile phones", "reading": a name also written as a common word needs its state.
    return " " not in m.written and has_word(text, m.written.lower())


def weight_of(m: Mention, *, in_body: set[str], label: str, lede: int) -> tuple[float, str]:
    if m.kind in ("not-city", "person") or m.foreign:
        return 0.0, m.kind
    if m.passing:
        return 0.1, "mentioned in passing"
    if m.dateline:
        return 3.0, "dateline"
    weight, note = 1.0, "named in the story"
    if m.kind == "weak":
        weight, note = 0.3, f"part of the name '{m.written} {m.after}'"
    if m.state:
        weight, note = weight + 1.0, "state named next to it"
    if m.alias_of:
        weight, note = max(weight, 1.5), f"alias '{m.written}'"
    if m.field == "headline":
        if label in in_body and m.kind != "weak":
            return weight + 1.0, "named in the headline"
        return 0.5, "named in the headline only"
    if m.paragraph < lede and not m.history:
        weight += 0.5
    if m.caption:
        weight *= 0.5
    return weight, note


def mark_people(mentions: list[Mention]) -> list[Mention]:
    """A name used for a person once ("Andre Carson") is a person throughout."""
    people = {m.written for m in mentions if m.kind == "person"}
    # A name also used as a city outright ("Gary police", "Gary, Ind.") stays a city;
    # a state next to it in passing ("Jackson grew up in Jackson, Miss.") does not
    # make the person's bare name a city.
    people -= {
        m.written
        for m in mentions
        if m.kind == "civic"
        or (m.state and not m.passing)
        or m.dateline
        or (m.city_noun and m.kind != "person")
    }
    return [
        replace(m, kind="person")
        if m.written in people and m.kind in ("plain", "weak") and not (m.state or m.dateline)
        else m
        for m in mentions
    ]


def named_for(orgs: Sequence[Mention], text: str) -> bool:
    """Whether a story is about the city a local group is named for: the name in
    the headline and the text, and the story speaking of "the city"."""
    fields = {m.field for m in orgs}
    return fields == {"headline", "text"} and bool(re.search(r"\bthe city\b", text))


def mark_lists(mentions: list[Mention], *, lede: int) -> list[Mention]:
    """Places listed three or more to a sentence are named in passing.

    A list that opens a sentence of the lede is the story's subject ("Durham,
    Shreveport and Flint have little in common"), not a passing roll call.
    """
    per_sentence: dict[tuple[str, tuple[int, int]], set[str]] = defaultdict(set)
    subject: set[tuple[int, int]] = set()
    for m in mentions:
        if m.kind in ("plain", "civic"):
            if not per_sentence[(m.field, m.sentence)] and m.sentence_initial:
                subject.add(m.sentence)
            per_sentence[(m.field, m.sentence)].add(m.alias_of or m.written)
    return [
        replace(m, passing=True)
        if m.field == "text"
        and len(per_sentence[(m.field, m.sentence)]) >= LIST_SIZE
        and not m.dateline
        and not (m.sentence in subject and m.paragraph < lede and not m.passing)
        else m
        for m in mentions
    ]


def story_anchors(
    gaz: Gazetteer, fields: dict[str, str], mentions: Sequence[Mention]
) -> list[Place]:
    """Unambiguous places the story names ("High Point"), which locate its other names.

    A place named in passing does not count, as a program's origin is often far
    away; "neighboring High Point" is a clue all the same.
    """
    out: dict[str, Place] = {}
    for m in mentions:
        if (
            len(m.places) == 1
            and not (m.state or m.alias_of or m.foreign)
            and m.kind in ("plain", "civic")
            and (not m.passing or m.neighbor)
            and not needs_state(m, m.places[0], gaz, fields.get(m.field, ""))
        ):
            out.setdefault(m.places[0].label, m.places[0])
    return list(out.values())
