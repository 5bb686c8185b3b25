"""How sure the city finder is of each city it names, 0..1.

The confidence follows the kind of evidence that settled which place a name
means, strongest first (``resolve`` in :mod:`scraper.understand.tags.cities` writes the
reason of each mention):

======================================================  ==========
evidence                                                confidence
======================================================  ==========
a state next to the name, a dateline, an alias, the     0.9
outlet's home city
the story's other places, states it names, the          0.75
outlet's home state, the same name settled elsewhere
population alone, a city of 100,000 or more, no US      0.65
namesake a tenth its size nor a foreign one three
times its size
the same for a smaller place (Atlantic, IA; the         0.45
Middlesex of "Middlesex-London"): most such names
in a story are something else
population alone among comparable namesakes             0.35
(Columbia, SC or MO), or a foreign outlet's bare name
======================================================  ==========

Below ``city_threshold`` (a setting, 0.5 by default) a city is a suggestion,
not a tag: a wrong city costs a reviewer's trust, a missing one a click.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from scraper.text.gazetteer import Gazetteer, Place, name_key

EXPLICIT = 0.9
SETTLED = 0.75
POPULATION_KNOWN = 0.65
POPULATION_SMALL = 0.45
KNOWN_CITY = 100_000  # people: a bare name this big is read as the city
POPULATION_GUESS = 0.35
CLEAR_MARGIN = 10  # the largest US namesake is this many times the next one
ABROAD_RIVAL = 3  # a foreign namesake this many times larger makes a bare name a guess
SETTLING = (
    "near another place the story names",
    "is named in the story",
    "in the outlet's home state",
    "same name resolved elsewhere in the story",
)


def _clear_by_population(written: str, places: Sequence[Place], gaz: Gazetteer) -> bool:
    if not places:
        return False
    first = places[0].population
    us_rival = places[1].population if len(places) > 1 else 0
    abroad = gaz.abroad.get(name_key(written), 0)
    return us_rival * CLEAR_MARGIN <= first and abroad < ABROAD_RIVAL * first


def city_confidence(
    *,
    explicit: bool,
    reasons: Iterable[str],
    written: str,
    namesakes: Sequence[Place],
    gaz: Gazetteer,
    outlet_abroad: bool = False,
) -> float:
    """The confidence of one city from how its mentions were resolved."""
    if explicit:
        return EXPLICIT
    if outlet_abroad:
        return POPULATION_GUESS
    if any(r.endswith(s) or s in r for r in reasons for s in SETTLING):
        return SETTLED
    if _clear_by_population(written, namesakes, gaz):
        return POPULATION_KNOWN if namesakes[0].population >= KNOWN_CITY else POPULATION_SMALL
    return POPULATION_GUESS
