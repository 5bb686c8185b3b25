"""The outlet's home city, from its name or its web domain.

"York Dispatch" -> York, PA; "The Record (Stockton)" -> Stockton, CA;
seattletimes.com -> Seattle, WA; "MLive (Jackson Citizen Patriot)" on mlive.com
-> Jackson, MI (a statewide site says the state); masslive.com/springfield/...
-> Springfield, MA (a statewide site's section for a city); a foreign country domain
(yorkpress.co.uk) -> no US home. :func:`scraper.understand.tags.cities.find_cities` uses the
home for bare names the story itself does not settle.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from urllib.parse import urlsplit

from scraper.config.vocab import CitySpec
from scraper.text.gazetteer import Gazetteer, gazetteer
from scraper.understand.tags.city_mentions import find_mentions

SMALL_PLACE = 15_000  # a namesake smaller than this in an outlet's name is no home
DOMAIN_PLACE = 20_000  # places this big are recognised inside a domain name


def aliases_table(aliases: Sequence[CitySpec]) -> dict[str, str]:
    """Configured other names of cities -> ``"City, ST"``."""
    table: dict[str, str] = {}
    for spec in aliases:
        for alias in spec.aliases:
            table[alias] = spec.name
    return table


def _domain_label(url: str | None) -> tuple[str, str]:
    """The registered name and top-level suffix of a URL ("seattletimes", ".com")."""
    host = (urlsplit(url).hostname or "") if url else ""
    parts = [p for p in host.lower().split(".") if p and p != "www"]
    if len(parts) < 2:
        return "", ""
    tld = "." + parts[-1]
    if len(parts) >= 3 and parts[-2] in ("co", "com", "org", "net", "gov", "ac"):
        return parts[-3], tld
    return parts[-2], tld


def infer_home(
    outlet: str | None, url: str | None, *, aliases: Sequence[CitySpec] = ()
) -> str | None:
    """The outlet's home city when its name or web domain names one, else None.

    "York Dispatch" -> "York, PA"; "The Record (Stockton)" -> "Stockton, CA";
    https://www.seattletimes.com/... -> "Seattle, WA"; a site under a foreign
    country domain (yorkpress.co.uk) has no US home.
    """
    gaz = gazetteer()
    label, tld = _domain_label(url)
    if tld in gaz.foreign_tlds:
        return None
    table = aliases_table(aliases)
    if outlet:
        found = find_mentions(
            outlet,
            field="text",
            gaz=gaz,
            aliases=table,
            sentences=[(0, len(outlet))],
            paragraphs=[(0, len(outlet))],
        )
        for m in found:
            if m.alias_of:
                return m.alias_of
            if m.foreign or not m.places:
                continue
            if m.state:
                chosen = next((p for p in m.places if p.state == m.state), None)
                if chosen is not None:
                    return chosen.label
            else:
                in_state = [p for p in m.places if p.state == _domain_state(gaz, label)]
                chosen = in_state[0] if in_state else m.places[0]
                if chosen.population >= SMALL_PLACE:
                    return chosen.label
    state = _domain_state(gaz, label) if label else None
    from_path = _home_from_path(gaz, url, state) if state else None
    if from_path is not None:
        return from_path
    return _home_from_domain(gaz, label, table) if label else None


def _home_from_path(gaz: Gazetteer, url: str | None, state: str) -> str | None:
    """A city a statewide site files the story under (masslive.com/springfield/...).

    Only a whole path segment that names a place of the site's state counts; a
    headline slug that merely contains a place name does not.
    """
    for segment in urlsplit(url or "").path.lower().split("/"):
        if not re.fullmatch(r"[a-z]+(?:-[a-z]+){0,3}", segment):
            continue
        name = " ".join(w.capitalize() for w in segment.split("-"))
        for place in gaz.lookup(name):
            if place.state == state and place.population >= SMALL_PLACE:
                return place.label
    return None


# Statewide news sites whose domain names no place but says the state.
_STATE_SITES = {
    "mlive": "MI", "masslive": "MA", "pennlive": "PA", "lehighvalleylive": "PA", "nj": "NJ",
    "al": "AL", "syracuse": "NY", "silive": "NY", "newyorkupstate": "NY", "oregonlive": "OR",
    "cleveland": "OH", "nola": "LA", "gulflive": "MS", "ctinsider": "CT", "njherald": "NJ",
}  # fmt: skip


def _domain_state(gaz: Gazetteer, label: str) -> str | None:
    """The state a web domain names: a statewide site (mlive.com) or a state name
    in it (kentucky.com, arkansasonline.com), unless the name is part of a place
    name (kansascity.com)."""
    if label in _STATE_SITES:
        return _STATE_SITES[label]
    for abbr, name in gaz.state_names.items():
        flat = name.lower().replace(" ", "")
        if flat in label and _home_from_domain(gaz, label, {}) is None:
            return abbr
    return None


def _home_from_domain(gaz: Gazetteer, label: str, table: dict[str, str]) -> str | None:
    label = label.removeprefix("the")
    best: tuple[int, int, str] | None = None
    for alias, city in table.items():
        key = re.sub(r"[^a-z]", "", alias.lower())
        if len(key) >= 4 and label.startswith(key):
            best = max(best or (0, 0, ""), (len(key), 10**9, city))
    flat_places = _flat_places()
    for n in range(4, len(label) + 1):
        found = flat_places.get(label[:n])
        if found is not None:
            cand = (n, *found)
            best = max(best or cand, cand)
    return best[2] if best else None


@cache
def _flat_places() -> dict[str, tuple[int, str]]:
    """Places of ``DOMAIN_PLACE`` people or more by their name in domain form ("stlouis")."""
    out: dict[str, tuple[int, str]] = {}
    for key, places in gazetteer().places.items():
        flat = re.sub(r"[^a-z]", "", key.lower())
        top = places[0]
        if len(flat) >= 4 and top.population >= DOMAIN_PLACE:
            out[flat] = max(out.get(flat, (0, "")), (top.population, top.label))
    return out


def outlet_abroad(url: str | None) -> bool:
    """Whether the story's web address is under a foreign country domain.

    cbc.ca, bbc.co.uk, irishtimes.ie: such an outlet's bare "Vancouver",
    "Enfield" or "Birmingham" is its own country's place, so a US city from it
    needs the story's own US evidence (a state next to it, a US dateline).
    """
    return _domain_label(url)[1] in gazetteer().foreign_tlds


HISTORY_MIN_STORIES = 3  # reviewed stories that must name the city
HISTORY_SHARE = 0.6  # ... out of the outlet's reviewed stories that name any city


def home_from_history(
    cities: Sequence[Sequence[str]],
    *,
    min_stories: int = HISTORY_MIN_STORIES,
    share: float = HISTORY_SHARE,
) -> str | None:
    """The outlet's home as its reviewed stories show it, or None.

    ``cities`` holds the cities of each earlier story. A city named in at least
    ``min_stories`` of them and in ``share`` of those naming any city is home::

        [["Jackson, MI"], ["Jackson, MI", "Lansing, MI"], [], ["Jackson, MI"]] -> "Jackson, MI"
    """
    with_cities = [set(c) for c in cities if c]
    if not with_cities:
        return None
    counts: dict[str, int] = {}
    for story in with_cities:
        for city in story:
            counts[city] = counts.get(city, 0) + 1
    best, n = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
    if n >= min_stories and n >= share * len(with_cities):
        return best
    return None
