"""The US cities a story is about, as ``"City, ST"``, with evidence for each.

A story is about the cities where its events happen, not every city it names.
Mentions come from :mod:`scraper.understand.tags.city_mentions`; this module decides:

1. which place each mention means: a state written next to it ("Gary, Ind."),
   the same name resolved elsewhere in the story (a dateline), a configured
   alias ("York City"), the candidate near an unambiguous place the story
   names ("Lexington" near High Point), the outlet's home city unless the story
   names another candidate's state and not the home's, states the story names,
   the outlet's home state (Jackson, MI for a Michigan paper), then population; a small
   name shared by places of similar size, none of them in a state the story
   names, is a neighbourhood ("Homewood" in a Pittsburgh story);
2. how much each mention weighs: a dateline most, then a state next to it, the
   headline and the lede (:func:`scraper.text.segment.lede_end`); a name that is
   part of another name ("Boston Gun Project") little; counties, streets and
   people ("Gary Sinise") nothing; passing mentions (a program's origin, other
   pilot sites, where a college is, a hospital a victim was taken to) almost
   nothing;
3. which cities to keep: the best one when it weighs enough and is more than
   one bare mention past the lede, and others only when they are nearly as
   central; a city only a local group is named for ("Baltimore Ceasefire")
   when the story speaks of "the city".
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cache

from scraper.config.vocab import CitySpec
from scraper.models import Evidence
from scraper.text.gazetteer import Gazetteer, Place, gazetteer, name_key
from scraper.text.segment import lede_end, paragraph_spans, sentence_spans
from scraper.understand.tags.city_confidence import city_confidence
from scraper.understand.tags.city_home import aliases_table as _aliases
from scraper.understand.tags.city_home import infer_home
from scraper.understand.tags.city_mentions import Mention, find_mentions, has_word

MIN_SCORE = 1.0  # the best city needs at least one plain mention's worth
SMALL_PLACE = 15_000  # population below which a place needs explicit support
SECONDARY_SHARE = 0.5  # another city must weigh this share of the best one
LIST_SIZE = 3  # distinct places in one sentence that make it a list
HOME_BONUS = 1.0
KNOWN_CITY = 100_000  # population above which a bare name is read without its state
RIVAL_SHARE = 3  # a namesake a third the size of the largest makes a small name ambiguous
NEAR_KM = 80.0  # an ambiguous name this close to a place the story names is its neighbour
FAR_FACTOR = 4.0  # ... when every other candidate is this many times farther
_BY_POPULATION = "most populous place of that name"
ABROAD_RATIO = 10  # a name this much bigger abroad (Moscow, Paris) needs its US state
FOREIGN_CLUES = 3  # British usage or foreign places that outweigh states named past the lede
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
MAX_EVIDENCE_PER_CITY = 3
__all__ = ["find_cities", "infer_home"]
_BRITISH = re.compile(
    r"\b(?:neighbourhoods?|centre|colour|favour|programme|licen[cs]e[ds]? premises|whilst|"
    r"metres|kerb|tyres?|constable|constabulary|Metropolitan Police|council estate|"
    r"borough council|the force['’]s|knife crime|Police Federation|Home Office)\b",
    re.IGNORECASE,
)


@dataclass(slots=True)
class _City:
    place: Place
    score: float = 0.0
    strong: int = 0  # mentions that are neither weak nor passing
    explicit: bool = False  # dateline, state next to it, alias or home city
    central: bool = False  # in the headline, dateline or lede
    datelines: int = 0  # strong mentions that are datelines
    evidence: list[tuple[float, Mention, str]] = field(default_factory=list)


def _place_for_label(gaz: Gazetteer, label: str) -> Place:
    found = gaz.by_label(label)
    if found is not None:
        return found
    name, _, state = label.rpartition(", ")
    return Place(name or label, state, 0)


def _anchors(gaz: Gazetteer, fields: dict[str, str], mentions: Sequence[Mention]) -> list[Place]:
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
            and not _needs_state(m, m.places[0], gaz, fields.get(m.field, ""))
        ):
            out.setdefault(m.places[0].label, m.places[0])
    return list(out.values())


def _nearest(m: Mention, anchors: Sequence[Place]) -> Place | None:
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


def _doc_states(
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


def _resolve(
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
        return _place_for_label(gaz, m.alias_of), f"alias of {m.alias_of}"
    if m.foreign:
        return None, "outside the US"
    if m.state:
        chosen = next((p for p in m.places if p.state == m.state), None)
        return chosen, "state named next to it"
    if m.written == "Washington":
        return next((p for p in m.places if p.state == "DC"), None), "Washington means DC"
    if m.written in settled:
        return settled[m.written], "same name resolved elsewhere in the story"
    near = _nearest(m, anchors)
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
    return m.places[0], _BY_POPULATION


def _ambiguous(places: Sequence[Place]) -> bool:
    """A small place name shared by places of comparable size (Homewood, AL and IL)."""
    return (
        len(places) >= 2
        and places[0].population < KNOWN_CITY
        and places[1].population * RIVAL_SHARE >= places[0].population
    )


def _needs_state(m: Mention, place: Place, gaz: Gazetteer, text: str) -> bool:
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


def _weight(m: Mention, *, in_body: set[str], label: str, lede: int) -> tuple[float, str]:
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


def _mark_people(mentions: list[Mention]) -> list[Mention]:
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


def _named_for(orgs: Sequence[Mention], text: str) -> bool:
    """Whether a story is about the city a local group is named for: the name in
    the headline and the text, and the story speaking of "the city"."""
    fields = {m.field for m in orgs}
    return fields == {"headline", "text"} and bool(re.search(r"\bthe city\b", text))


def _mark_lists(mentions: list[Mention], *, lede: int) -> list[Mention]:
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


def _looks_foreign(
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


def find_cities(
    text: str,
    *,
    headline: str = "",
    outlet_home: str | None = None,
    aliases: Sequence[CitySpec] = (),
    outlet_abroad: bool = False,
    home_inferred: bool = False,
) -> tuple[list[str], list[Evidence]]:
    """The cities a story is about (most central first) and the evidence for each.

    ``home_inferred``: ``outlet_home`` was guessed (from the outlet's name,
    domain or history), not configured, so a story set abroad overrules it.
    Every evidence entry carries its city's ``confidence``
    (:mod:`scraper.understand.tags.city_confidence`); the caller keeps as tags the cities at
    or above its threshold and offers the others as suggestions.
    """
    gaz = gazetteer()
    table = _aliases(aliases)
    mentions: list[Mention] = []
    for fld, body in (("headline", headline), ("text", text)):
        if body.strip():
            mentions += find_mentions(
                body,
                field=fld,
                gaz=gaz,
                aliases=table,
                sentences=sentence_spans(body),
                paragraphs=paragraph_spans(body),
            )
    lede = lede_end(text)
    mentions = _mark_lists(_mark_people(mentions), lede=lede)
    home = _place_for_label(gaz, outlet_home) if outlet_home else None
    fields = {"text": text, "headline": headline}
    states = _doc_states(gaz, fields, mentions)
    anchors = _anchors(gaz, fields, mentions)
    lede_mentions = [m for m in mentions if m.field == "headline" or m.paragraph < lede]
    paragraphs = paragraph_spans(text)
    lede_text = text[: paragraphs[lede][0]] if lede < len(paragraphs) else text
    lede_states = _doc_states(gaz, {"text": lede_text, "headline": headline}, lede_mentions)
    foreign = (home is None or home_inferred) and _looks_foreign(
        gaz, text, mentions, states=states, lede_states=lede_states
    )
    if foreign:
        home = None  # a guessed home (Derry Journal -> Derry, NH) yields to a story set abroad

    # Explicit mentions settle a name for the whole story ("KANSAS CITY, Kan." then
    # "Kansas City" again), so they are resolved first.
    # A state written next to a name in passing ("Unlike Portland, Oregon, we ...")
    # contrasts it with the story's own namesake: it settles nothing, and its state
    # is not counted among the story's (:func:`_doc_states`).
    settled: dict[str, Place] = {}
    for m in sorted(mentions, key=lambda m: not (m.state or m.dateline or m.alias_of)):
        place, _ = _resolve(m, gaz=gaz, settled=settled, home=home, states=states, anchors=anchors)
        if place is not None and (m.state or m.dateline) and not m.passing:
            settled.setdefault(m.written, place)

    # A name placed abroad ("Cambridge, England") means the foreign place throughout,
    # unless the story places it in the US too or the outlet's home bears it.
    abroad = {
        m.written
        for m in mentions
        if m.foreign
        and not m.passing
        and m.written not in settled
        and not (home is not None and home.name == m.written)
    }
    resolved: list[tuple[Mention, Place, str]] = []
    for m in mentions:
        if m.written in abroad and not (m.state or m.dateline or m.alias_of):
            continue
        place, why = _resolve(
            m, gaz=gaz, settled=settled, home=home, states=states, anchors=anchors
        )
        if place is not None:
            resolved.append((m, place, why))
    in_body = {p.label for m, p, _ in resolved if m.field == "text" and m.kind != "not-city"}

    # A city named in a local organisation's name ("the Tulsa Peace Alliance").
    org_named: dict[str, list[Mention]] = defaultdict(list)
    for m, place, _ in resolved:
        if m.org and m.kind != "person" and not m.passing:
            org_named[place.label].append(m)
    # A story whose outlet or dateline locates it reads a small shared name found in
    # none of the states it names, nor in the home's, as a part of its own city:
    # picking a namesake by population would be a guess.
    located = home is not None or any(m.dateline and m.state for m in mentions)
    cities: dict[str, _City] = {}
    for m, place, why in resolved:
        if foreign and m.field == "text" and m.paragraph >= lede and not m.dateline:
            m = replace(m, passing=True)  # a story set abroad names a US city late in passing
        weight, note = _weight(m, in_body=in_body, label=place.label, lede=lede)
        if weight <= 0:
            continue
        explicit = bool(m.state or m.dateline or m.alias_of)
        if foreign and not explicit:
            continue  # a foreign story names US cities only with their state
        if _needs_state(m, place, gaz, text if m.field == "text" else headline) and not (
            home is not None and home == place
        ):
            continue
        if why == _BY_POPULATION and (states or anchors) and _ambiguous(m.places):
            continue  # "Homewood" in a Pittsburgh story: a neighbourhood, not Alabama's
        if (
            why == _BY_POPULATION
            and located
            and len(m.places) >= 2
            and place.population < KNOWN_CITY
        ):
            continue  # "Central City" in a New Orleans paper: no namesake is in its state
        city = cities.setdefault(place.label, _City(place))
        city.score += weight
        city.explicit = city.explicit or explicit or (home is not None and home == place)
        if not m.passing and m.kind != "weak":
            city.strong += 1
            city.datelines += m.dateline
            city.central = (
                city.central
                or m.dateline
                or m.field == "headline"
                or (m.paragraph < lede and not m.history)
            )
        city.evidence.append((weight, m, f"{note}; {why}" if why not in note else note))
    if home is not None and home.label in cities and cities[home.label].strong:
        cities[home.label].score += HOME_BONUS

    eligible = [
        c
        for c in cities.values()
        if c.strong and (c.explicit or c.place.population >= SMALL_PLACE or c.strong >= 2)
    ]
    if not eligible:
        eligible = [
            c
            for c in cities.values()
            if _named_for(org_named[c.place.label], text) and c.place.population >= SMALL_PLACE
        ]
    if not eligible:
        return [], []
    eligible.sort(key=lambda c: (-c.score, -c.place.population))
    best = eligible[0]
    if best.score < MIN_SCORE:
        return [], []
    if best.strong == 1 and not (best.central or best.explicit or org_named[best.place.label]):
        return [], []  # one bare mention past the lede: where someone was, not the story
    chosen = [best] + [
        c
        for c in eligible[1:]
        if c.score >= max(2.0, SECONDARY_SHARE * best.score) and c.strong >= 2 and c.central
    ]
    subjects = [c for c in chosen if c.strong >= 2 and c.central and c.datelines < c.strong]
    if len(subjects) >= 2:
        # A dateline city the story never names again, other than the outlet's own,
        # is where news about other cities was announced ("COLUMBUS, Ohio (AP) —
        # Akron and Canton will ..."), not a subject.
        chosen = [c for c in chosen if c.datelines < c.strong or c.place == home]
    labels = [c.place.label for c in chosen]
    evidence = [
        ev
        for c in chosen
        for ev in _evidence(c, text, headline, _confidence(c, gaz, outlet_abroad))
    ]
    return labels, evidence


def _confidence(city: _City, gaz: Gazetteer, outlet_abroad: bool) -> float:
    first = max(city.evidence, key=lambda item: item[0])[1]
    return city_confidence(
        explicit=city.explicit,
        reasons=[note for _, _, note in city.evidence],
        written=first.written,
        namesakes=first.places,
        gaz=gaz,
        outlet_abroad=outlet_abroad,
    )


def _evidence(city: _City, text: str, headline: str, confidence: float) -> list[Evidence]:
    ranked = sorted(city.evidence, key=lambda item: -item[0])[:MAX_EVIDENCE_PER_CITY]
    return [
        Evidence(
            kind="city",
            label=city.place.label,
            phrase=(headline if m.field == "headline" else text)[m.start : m.end],
            start=m.start,
            end=m.end,
            field="headline" if m.field == "headline" else "text",
            note=note,
            confidence=confidence,
        )
        for _, m, note in sorted(
            ranked, key=lambda item: (item[1].field != "headline", item[1].start)
        )
    ]


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
