"""What a story itself says about where it is set, for choosing among namesakes.

The states it names (written out, next to a city, or through a county only one
state has: "Sangamon County" -> Illinois), the places near a candidate, and
whether it reads as set abroad (British usage, foreign places, no US state).
:mod:`scraper.understand.tags.cities` weighs these; nothing here decides a city.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from functools import cache

from scraper.text.gazetteer import Gazetteer, Place, gazetteer, name_key
from scraper.understand.tags.city_mentions import Mention

NEAR_KM = 80.0  # an ambiguous name this close to a place the story names is its neighbour


FAR_FACTOR = 4.0  # ... when every other candidate is this many times farther


ABROAD_RATIO = 10  # a name this much bigger abroad (Moscow, Paris) needs its US state


FOREIGN_CLUES = 3  # British usage or foreign places that outweigh states named past the lede


_BRITISH = re.compile(
    r"\b(?:neighbourhoods?|centre|colour|favour|programme|licen[cs]e[ds]? premises|whilst|"
    r"metres|kerb|tyres?|constable|constabulary|Metropolitan Police|council estate|"
    r"borough council|the force['’]s|knife crime|Police Federation|Home Office)\b",
    re.IGNORECASE,
)


def place_for_label(gaz: Gazetteer, label: str) -> Place:
    found = gaz.by_label(label)
    if found is not None:
        return found
    name, _, state = label.rpartition(", ")
    return Place(name or label, state, 0)


def nearest_anchor(m: Mention, anchors: Sequence[Place]) -> Place | None:
    """The one candidate of an ambiguous name near a place the story names.

    Lexington near High Point is Lexington, NC; Kansas City near Overland Park
    stays undecided, as both Kansas Cities are.
    """
    others = [a for a in anchors if a.name != m.written and a.lat]
    if len(m.places) < 2 or not others:
        return None
    ranked = sorted((min(p.km_to(a) for a in others), k) for k, p in enumerate(m.places))
    (near, k), (second, _) = ranked[0], ranked[1]
    if near <= NEAR_KM and second >= FAR_FACTOR * max(near, NEAR_KM / 2):
        return m.places[k]
    return None


def doc_states(
    gaz: Gazetteer, fields: dict[str, str], mentions: Sequence[Mention]
) -> dict[str, int]:
    """How often each state is named in the story (written out or next to a city).

    A state name inside a longer place name ("Kansas City", "Virginia Beach",
    "West Virginia") does not count.
    """
    counts: dict[str, int] = defaultdict(int)
    inside: dict[str, list[tuple[int, int]]] = defaultdict(list)
    qualifiers: set[tuple[str, int]] = set()  # counted with their place already
    for m in mentions:
        if m.state:
            # a state next to a place named in passing ("grew up in Denton, Texas")
            # locates that place only, not the story
            counts[m.state] += 0 if m.passing else 1
            qualifiers.add((m.field, m.end))
        inside[m.field].append((m.start, m.end))
    for fld, body in fields.items():
        for found in _state_name_regex().finditer(body):
            a, b = found.span()
            if any(s <= a and b <= e and (s, e) != (a, b) for s, e in inside[fld]):
                continue
            comma = body.rfind(",", 0, a)
            if (fld, comma) in qualifiers and not body[comma + 1 : a].strip():
                continue
            if re.match(r" (?:City|Beach)\b", body[b : b + 6]):
                continue  # a place the gazetteer lacks ("Nevada City")
            counts[gaz.states[found.group()]] += 1
    for state in _county_states(gaz, fields):
        counts[state] += 1
    return {k: v for k, v in counts.items() if v}


_COUNTY = re.compile(r"\b((?:[A-Z][\w.'’]*[ -]){1,3})(?:County|Parish)\b")


def _county_states(gaz: Gazetteer, fields: dict[str, str]) -> list[str]:
    """The state of each county the story names whose name only one state has
    ("Sangamon County" -> IL; "Washington County", in 30 states, says nothing)."""
    out: list[str] = []
    for body in fields.values():
        for found in _COUNTY.finditer(body):
            words = found.group(1).split()
            # the longest tail that names a county ("Monday. Sangamon" -> "Sangamon")
            names = (name_key(" ".join(words[k:])) for k in range(len(words)))
            states = next((gaz.counties[n] for n in names if n in gaz.counties), frozenset())
            if len(states) == 1:
                out.extend(states)
    return out


def looks_foreign(
    gaz: Gazetteer,
    text: str,
    mentions: Sequence[Mention],
    *,
    states: dict[str, int],
    lede_states: dict[str, int],
) -> bool:
    """British spelling or foreign places, and no US state anywhere; or, when
    states are named only past the lede, at least ``FOREIGN_CLUES`` of them (a
    story set abroad that compares notes with a US city at its end)."""
    british = len(_BRITISH.findall(text))
    if not states:
        return any(m.foreign for m in mentions) or british >= 2
    abroad = sum(
        1
        for m in mentions
        if m.foreign
        or (
            m.places
            and gaz.abroad.get(name_key(m.written), 0) >= ABROAD_RATIO * m.places[0].population
        )
    )
    return not lede_states and british + abroad >= FOREIGN_CLUES


@cache
def _state_name_regex() -> re.Pattern[str]:
    """Any state name written out, longest first ("West Virginia" before "Virginia");
    New York and Washington are left out: they are city names too and count only
    next to a city."""
    names = sorted(
        (n for n in gazetteer().state_names.values() if n not in ("New York", "Washington")),
        key=len,
        reverse=True,
    )
    return re.compile(r"\b(?:" + "|".join(re.escape(n) for n in names) + r")\b")
