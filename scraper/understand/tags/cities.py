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

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from scraper.config.vocab import CitySpec
from scraper.models import Evidence
from scraper.text.gazetteer import Gazetteer, Place, gazetteer
from scraper.text.segment import lede_end, paragraph_spans, sentence_spans
from scraper.understand.tags.city_confidence import city_confidence
from scraper.understand.tags.city_evidence import (
    doc_states,
    looks_foreign,
    place_for_label,
)
from scraper.understand.tags.city_home import aliases_table as _aliases
from scraper.understand.tags.city_home import infer_home
from scraper.understand.tags.city_mentions import Mention, find_mentions
from scraper.understand.tags.city_resolve import (
    BY_POPULATION,
    KNOWN_CITY,
    ambiguous,
    mark_lists,
    mark_people,
    named_for,
    needs_state,
    resolve,
    story_anchors,
    weight_of,
)

MIN_SCORE = 1.0  # the best city needs at least one plain mention's worth
SMALL_PLACE = 15_000  # population below which a place needs explicit support
SECONDARY_SHARE = 0.5  # another city must weigh this share of the best one
HOME_BONUS = 1.0
MAX_EVIDENCE_PER_CITY = 3
__all__ = ["find_cities", "infer_home"]


@dataclass(slots=True)
class _City:
    place: Place
    score: float = 0.0
    strong: int = 0  # mentions that are neither weak nor passing
    explicit: bool = False  # dateline, state next to it, alias or home city
    central: bool = False  # in the headline, dateline or lede
    datelines: int = 0  # strong mentions that are datelines
    evidence: list[tuple[float, Mention, str]] = field(default_factory=list)


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
    mentions = mark_lists(mark_people(mentions), lede=lede)
    home = place_for_label(gaz, outlet_home) if outlet_home else None
    fields = {"text": text, "headline": headline}
    states = doc_states(gaz, fields, mentions)
    anchors = story_anchors(gaz, fields, mentions)
    lede_mentions = [m for m in mentions if m.field == "headline" or m.paragraph < lede]
    paragraphs = paragraph_spans(text)
    lede_text = text[: paragraphs[lede][0]] if lede < len(paragraphs) else text
    lede_states = doc_states(gaz, {"text": lede_text, "headline": headline}, lede_mentions)
    foreign = (home is None or home_inferred) and looks_foreign(
        gaz, text, mentions, states=states, lede_states=lede_states
    )
    if foreign:
        home = None  # a guessed home (Derry Journal -> Derry, NH) yields to a story set abroad

    # Explicit mentions settle a name for the whole story ("KANSAS CITY, Kan." then
    # "Kansas City" again), so they are resolved first.
    # A state written next to a name in passing ("Unlike Portland, Oregon, we ...")
    # contrasts it with the story's own namesake: it settles nothing, and its state
    # is not counted among the story's (:func:`doc_states`).
    settled: dict[str, Place] = {}
    for m in sorted(mentions, key=lambda m: not (m.state or m.dateline or m.alias_of)):
        place, _ = resolve(m, gaz=gaz, settled=settled, home=home, states=states, anchors=anchors)
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
        place, why = resolve(m, gaz=gaz, settled=settled, home=home, states=states, anchors=anchors)
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
        weight, note = weight_of(m, in_body=in_body, label=place.label, lede=lede)
        if weight <= 0:
            continue
        explicit = bool(m.state or m.dateline or m.alias_of)
        if foreign and not explicit:
            continue  # a foreign story names US cities only with their state
        if needs_state(m, place, gaz, text if m.field == "text" else headline) and not (
            home is not None and home == place
        ):
            continue
        if why == BY_POPULATION and (states or anchors) and ambiguous(m.places):
            continue  # "Homewood" in a Pittsburgh story: a neighbourhood, not Alabama's
        if (
            why == BY_POPULATION
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
            if named_for(org_named[c.place.label], text) and c.place.population >= SMALL_PLACE
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
