"""City scores on the two geoparsing corpora (``../shared/data/geoparsing/``).

* TR-News: a "City, ST" clippings names is right when the article has a US
  populated place (GeoNames ``fcode`` PPL*) annotated in that state whose name
  is the city's, or which lies within ``SAME_PLACE_KM`` of it. Recall is over
  the annotated US populated places the article names at least twice (a
  stand-in for "places the story is about"; places named once are mostly in
  passing). The baseline keeps clippings' names and resolves each to its most
  populous namesake, which is what population alone would do.
* GeoWebNews: a city is right when some toponym annotated as a place (any type
  but ``Homonym``, ``Non_Toponym``, ``Demonym``, ``Language``) lies within
  ``SAME_PLACE_KM``; it is "not a place" when no occurrence of its name in the
  text is annotated as a place at all (a person, a film, a demonym).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scraper.text.gazetteer import Place, gazetteer, name_key

SAME_PLACE_KM = 25.0
NOT_PLACES = frozenset({"Homonym", "Non_Toponym", "Demonym", "Language"})


@dataclass(slots=True)
class CityTally:
    found: int = 0
    right: int = 0
    baseline_right: int = 0
    gold: int = 0  # annotated places named twice or more
    gold_found: int = 0
    not_place: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.right / self.found if self.found else 1.0

    @property
    def baseline_precision(self) -> float:
        return self.baseline_right / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.gold_found / self.gold if self.gold else 0.0


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    if math.isnan(lat2) or math.isnan(lon2):
        return math.inf
    p1, p2 = math.radians(lat1), math.radians(lat2)
    cos = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(
        math.radians(lon2 - lon1)
    )
    return 6371.0 * math.acos(max(-1.0, min(1.0, cos)))


def _place(label: str) -> Place | None:
    return gazetteer().by_label(label)


def _most_populous(label: str) -> str:
    name = label.rpartition(", ")[0]
    found = gazetteer().lookup(name)
    return found[0].label if found else label


@dataclass(frozen=True, slots=True)
class _Gold:
    key: str  # name_key of the annotated name
    state: str
    lat: float
    lon: float


def _tr_gold(rec: dict[str, Any]) -> list[_Gold]:
    """US populated places annotated in the article (state "" where unresolved).

    A toponym the annotators located but left without country or feature code
    ("San Francisco" in one article) is kept with its coordinates only.
    """
    states = {**gazetteer().states, "Washington, D.C.": "DC"}
    out = []
    for t in rec["toponyms"]:
        if not t.get("lat") or not t.get("lon"):
            continue
        key = name_key(str(t.get("name") or t["phrase"]))
        if t.get("country") is None and t.get("fcode") is None:
            out.append(_Gold(key, "", float(t["lat"]), float(t["lon"])))
            continue
        if t.get("country") != "United States" or not str(t.get("fcode", "")).startswith("PPL"):
            continue
        state = states.get(str(t.get("admin1") or ""))
        if state is None:
            continue
        out.append(_Gold(key, state, float(t["lat"]), float(t["lon"])))
    return out


def _tr_right(label: str, gold: Iterable[_Gold]) -> _Gold | None:
    place = _place(label)
    name, _, state = label.rpartition(", ")
    for g in gold:
        if g.state not in (state, ""):
            continue
        if (g.state and g.key == name_key(name)) or (
            place is not None and _km(place.lat, place.lon, g.lat, g.lon) <= SAME_PLACE_KM
        ):
            return g
    return None


Finder = Callable[[dict[str, Any]], list[str]]


def score_tr_news(path: Path, *, keep: Callable[[str], bool], find: Finder) -> CityTally:
    """City precision (and the population baseline's) and recall on TR-News."""
    tally = CityTally()
    for line in path.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        if not keep(str(rec["docid"])):
            continue
        gold = _tr_gold(rec)
        counts: dict[tuple[str, str], int] = {}
        for g in (g for g in gold if g.state):
            counts[(g.key, g.state)] = counts.get((g.key, g.state), 0) + 1
        about = {k for k, n in counts.items() if n >= 2}
        tally.gold += len(about)
        hit: set[tuple[str, str]] = set()
        for label in find(rec):
            tally.found += 1
            g = _tr_right(label, gold)
            if g is not None:
                tally.right += 1
                hit.add((g.key, g.state))
            else:
                tally.misses.append(f"{rec['docid']}: {label}")
            tally.baseline_right += _tr_right(_most_populous(label), gold) is not None
        tally.gold_found += len(about & hit)
    return tally


def _gwn_places(rec: dict[str, Any]) -> list[tuple[str, float, float]]:
    """Names annotated as places, with coordinates (NaN where the annotators gave none)."""
    out = []
    for t in rec["toponyms"]:
        if t["type"] in NOT_PLACES:
            continue
        lat, lon = t.get("latitude") or "nan", t.get("longitude") or "nan"
        out.append((str(t["extractedName"]), float(lat), float(lon)))
    return out


def score_geowebnews(path: Path, *, keep: Callable[[str], bool], find: Finder) -> CityTally:
    """City precision and names that are not places on GeoWebNews."""
    tally = CityTally()
    for line in path.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        if not keep(str(rec["file"])):
            continue
        places = _gwn_places(rec)
        named = {name_key(n).lower() for n, _, _ in places}
        for label in find(rec):
            tally.found += 1
            name = label.rpartition(", ")[0]
            place = _place(label)
            near = place is not None and any(
                _km(place.lat, place.lon, lat, lon) <= SAME_PLACE_KM for _, lat, lon in places
            )
            tally.right += near
            base = _place(_most_populous(label))
            tally.baseline_right += base is not None and any(
                _km(base.lat, base.lon, lat, lon) <= SAME_PLACE_KM for _, lat, lon in places
            )
            if not any(name_key(name).lower() in n for n in named):
                tally.not_place += 1
                tally.misses.append(f"{rec['file']}: {label} (not a place here)")
            elif not near:
                tally.misses.append(f"{rec['file']}: {label}")
    return tally
