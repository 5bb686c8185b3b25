"""Find place-name mentions in a story and read what stands around each one.

A mention is a run of capitalised words that names a gazetteer place or a
configured alias (longest match first, so "New York" is never "York" and "Kansas
City" never "Kansas"). Each mention records what a reader would use to judge it:
the state written next to it ("Gary, Ind."), a dateline, the word after it
("County", "Avenue", "Police", a surname), whether it is a person ("Gary said"),
and whether it stands in a passing context ("modeled after one in High Point").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache

from scraper.text.gazetteer import Gazetteer, Place, gazetteer, name_key, state_regex
from scraper.text.segment import Span, sentence_of
from scraper.understand.tags.city_words import (
    ATTRIBUTIVE,
    CAPTION,
    CITY_NOUN_AFTER,
    CIVIC_AFTER,
    DATELINE_AFTER,
    HISTORY,
    LIST_GLUE,
    LIST_LEAD,
    LOOKBEHIND,
    NEIGHBOR_BEFORE,
    NOT_A_CITY_AFTER,
    NOT_GIVEN,
    OPENS,
    PASSING_BEFORE,
    PASSING_SENTENCE,
    PERSON_AFTER,
    PLACE_PREFIX,
    PREPOSITION_BEFORE,
    SAID_BEFORE,
    SPEECH,
    STATE_AFTER,
    STATE_BEFORE,
    TITLES,
    WHO_AFTER,
)

_TOKEN = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*\.?")
_ABBREV_DOT = {"St.", "Mt.", "Ft."}


@dataclass(frozen=True, slots=True)
class Mention:
    """One place-name mention and what surrounds it."""

    field: str  # "text" or "headline"
    start: int
    end: int  # end of the name (the qualifier is not part of it)
    written: str  # the name as looked up ("Kansas City" for "KANSAS CITY")
    places: tuple[Place, ...]  # candidates, most populous first
    alias_of: str | None = None  # "City, ST" when a configured alias matched
    state: str | None = None  # written next to it ("Gary, Ind.")
    foreign: bool = False  # "York, England"
    dateline: bool = False
    after: str = ""  # the capitalised word right after, if any
    kind: str = "plain"  # plain, civic, weak, not-city, person
    passing: bool = False
    caption: bool = False
    history: bool = False  # the sentence opens on a year ("In 1996 ... in Boston")
    org: bool = False  # the first word(s) of an organisation's name ("Baltimore Ceasefire")
    sentence_initial: bool = False
    neighbor: bool = False  # "neighboring High Point": a clue to the region
    city_noun: bool = False  # a lower-case civic noun follows ("Pittsburgh police")
    paragraph: int = 0
    sentence: Span = (0, 0)


@dataclass(frozen=True, slots=True)
class _Token:
    start: int
    end: int
    word: str  # possessive removed, abbreviation dot kept for St./Mt./Ft.


def _tokens(text: str) -> list[_Token]:
    out = []
    for m in _TOKEN.finditer(text):
        word = m.group()
        end = m.end()
        if word.endswith(".") and word not in _ABBREV_DOT:
            word, end = word[:-1], end - 1
        for suffix in ("'s", "’s"):
            if word.endswith(suffix) and len(word) > 3:
                word, end = word[: -len(suffix)], end - len(suffix)
        out.append(_Token(m.start(), end, word))
    return out


def _is_cap(word: str) -> bool:
    return word[:1].isupper()


def _allcaps(word: str) -> bool:
    return len(word) > 1 and word.isupper()


def _joined(text: str, a: _Token, b: _Token) -> str | None:
    """The separator between two tokens of one name, or None if they cannot join."""
    gap = text[a.end : b.start]
    if gap in (" ", "-"):
        return gap
    return None


def find_mentions(
    text: str,
    *,
    field: str,
    gaz: Gazetteer,
    aliases: Mapping[str, str],
    sentences: Sequence[Span],
    paragraphs: Sequence[Span],
) -> list[Mention]:
    """All place mentions of ``text`` (one field of the story)."""
    tokens = _tokens(text)
    mentions: list[Mention] = []
    cache: dict[tuple[str, int, int], bool] = {}
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if not _is_cap(tok.word):
            i += 1
            continue
        best: tuple[int, str, tuple[Place, ...], str | None] | None = None
        written = tok.word
        upper = _allcaps(tok.word)
        for j in range(i, min(len(tokens), i + gaz.max_words)):
            if j > i:
                sep = _joined(text, tokens[j - 1], tokens[j])
                if sep is None or not _is_cap(tokens[j].word):
                    break
                written = written + sep + tokens[j].word
                upper = upper and _allcaps(tokens[j].word)
            probe = written.title() if upper else written
            if written in aliases:
                best = (j, written, (), aliases[written])
            elif gaz.places.get(name_key(probe)):
                best = (j, probe, gaz.places[name_key(probe)], None)
        if best is None:
            i += 1
            continue
        j, probe, places, alias_of = best
        start, end = tok.start, tokens[j].end
        mention = _describe(text, field, start, end, probe, places, alias_of, upper, tokens, i, j)
        if mention is not None:
            s = sentence_of(sentences, start)
            para = max((k for k, (ps, _) in enumerate(paragraphs) if ps <= start), default=0)
            p_span = paragraphs[para] if paragraphs else (0, len(text))
            mentions.append(_with_context(mention, text, s, para, p_span, mentions, cache))
            qual = state_regex().match(text, end) if mention.state or mention.foreign else None
            while qual is not None and j + 1 < len(tokens) and tokens[j + 1].start < qual.end():
                j += 1  # the state next to a place ("Gary, Indiana") is no place of its own
        i = j + 1
    return _first_names(text, mentions)


def _describe(
    text: str,
    field: str,
    start: int,
    end: int,
    written: str,
    places: tuple[Place, ...],
    alias_of: str | None,
    upper: bool,
    tokens: Sequence[_Token],
    i: int,
    j: int,
) -> Mention | None:
    line_start = text.rfind("\n", 0, start) + 1
    at_line_start = not text[line_start:start].strip()
    qual = state_regex().match(text, end)
    state = foreign = None
    after_qual = end
    if qual is not None:
        form = qual.group("state") or ""
        rest = text[qual.end() : qual.end() + 2]
        postal_in_prose = len(form) == 2 and form.isupper() and re.match(r" [a-z]", rest)
        if qual.group("foreign"):
            foreign = True
            after_qual = qual.end()
        elif not postal_in_prose:
            state = gazetteer().states[form]
            after_qual = qual.end()
    elif _in_abroad().match(text, end):
        foreign = True  # "Cambridge in England", "the University of Leeds in the U.K."
    dateline = (
        at_line_start
        and bool(DATELINE_AFTER.match(text, after_qual))
        and (upper or state is not None)
    )
    if upper and not dateline and not alias_of:
        return None  # a shouted word is a place only in a dateline
    after = ""
    if j + 1 < len(tokens) and text[end : tokens[j + 1].start] == " ":
        nxt = tokens[j + 1].word
        after = nxt if _is_cap(nxt) else ""
    before = tokens[i - 1] if i > 0 else None
    kind = "plain"
    if state is None and not foreign:
        if after in NOT_A_CITY_AFTER or re.match(r"-based\b", text[end : end + 7]):
            kind = "not-city"
        elif after in CIVIC_AFTER:
            kind = "civic"
        elif after:
            kind = "weak"
        who = WHO_AFTER.match(text, end) and not PREPOSITION_BEFORE.search(
            text[max(0, start - 12) : start]
        )
        if (
            SPEECH.match(text, end)
            or PERSON_AFTER.match(text, end)
            or who
            or (
                SAID_BEFORE.search(text[max(0, start - 20) : start])
                and re.match(r"\s*[,.;]", text[end : end + 2])
            )
        ):
            kind = "person"
        if written in gazetteer().states and re.match(r" [Ss]tate\b", text[end : end + 7]):
            kind = "not-city"  # "New York state", "Washington State"
        if before is not None and text[before.end : start] == "-" and _is_cap(before.word):
            kind = "not-city"  # "Times-Picayune"
        if written == "New York" and (
            STATE_BEFORE.search(text[max(0, start - 12) : start]) or STATE_AFTER.match(text, end)
        ):
            kind = "not-city"  # "upstate New York", "New York lawmakers": the state
        if (
            before is not None
            and text[before.end : start] == " "
            and before.word == "of"
            and i > 1
            and _is_cap(tokens[i - 2].word)
            and text[tokens[i - 2].end : before.start] == " "
        ):
            kind = "weak"  # "Department of Justice", "University of Chicago"
        if before is not None and text[before.end : start] == " ":
            prev = before.word.rstrip(".")
            if prev in TITLES:
                kind = "person"
            elif (
                _is_cap(prev)
                and not prev.isupper()
                and prev not in PLACE_PREFIX
                and not alias_of
                and _can_be_given_name(text, before)
            ):
                kind = "person" if kind in ("plain", "weak") and len(places) else kind
        if (
            before is not None
            and before.word.lower() == "the"
            and text[before.end : start] == " "
            and kind != "civic"
            and not alias_of
            and not CITY_NOUN_AFTER.match(text, end)
            and not ATTRIBUTIVE.match(text, end)
        ):
            kind = "not-city"  # "the Piedmont", "the Elm City"; but "the Pittsburgh area"
    return Mention(
        field=field,
        start=start,
        end=end,
        written=written,
        places=places,
        alias_of=alias_of,
        state=state,
        foreign=bool(foreign),
        dateline=dateline,
        after=after,
        kind=kind,
        city_noun=bool(CITY_NOUN_AFTER.match(text, end)),
        org=bool(after)
        and state is None
        and after not in NOT_A_CITY_AFTER
        and after not in CIVIC_AFTER
        and kind in ("weak", "not-city"),
    )


@cache
def _in_abroad() -> re.Pattern[str]:
    """The words "in England" right after a place name: a country or foreign region
    that is no US state name (not "in Georgia")."""
    gaz = gazetteer()
    names = sorted(gaz.foreign - set(gaz.states), key=len, reverse=True)
    alt = "|".join(re.escape(n) for n in names)
    return re.compile(r",?\s+in\s+(?:the\s+)?(?:" + alt + r")(?![A-Za-z])")


def _can_be_given_name(text: str, word: _Token) -> bool:
    """Whether a capitalised word before a place name can be a first name.

    Numbers and determiners cannot ("Eight Pittsburgh officers"); nor can a word
    that opens a sentence and is written in lower case elsewhere in the story,
    since its capital says nothing.
    """
    if word.word in NOT_GIVEN:
        return False
    at_start = word.start <= LOOKBEHIND and not text[: word.start].rstrip(" \"'“‘(")
    opens = at_start or bool(OPENS.search(text, max(0, word.start - 4), word.start))
    return not (opens and has_word(text, word.word.lower()))


@functools.lru_cache(maxsize=4096)
def has_word(text: str, word: str) -> bool:
    """Whether ``word`` stands in ``text`` as a whole word (cached: asked per mention)."""
    return re.search(rf"\b{re.escape(word)}\b", text) is not None


@functools.lru_cache(maxsize=4096)
def _written_as_surname(text: str, word: str) -> bool:
    w = re.escape(word)
    surname = re.compile(
        rf"\b{w}\s+(?:said|says|told|added|noted|was|is|has|who)\b"
        rf"|\b(?:said|says|Mr\.?|Mrs\.?|Ms\.?|Dr\.?)\s+{w}\b|\b{w},\s+\d+,"
    )
    return surname.search(text) is not None


def _with_context(
    m: Mention,
    text: str,
    sentence: Span,
    paragraph: int,
    para_span: Span,
    earlier: list[Mention],
    cache: dict[tuple[str, int, int], bool],
) -> Mention:
    """``m`` with what its sentence and paragraph say about it.

    Sentence- and paragraph-wide searches are made once per sentence and
    paragraph (``cache``), and only a bounded stretch before the mention is
    read, so a page that is one endless sentence full of place names costs
    linear time, not quadratic.
    """
    s_start, s_end = sentence
    near = max(s_start, m.start - LOOKBEHIND)
    before = text[near : m.start]
    key = ("s", s_start, s_end)
    if key not in cache:
        cache[key] = bool(PASSING_SENTENCE.search(text, s_start, s_end))
    passing = bool(PASSING_BEFORE.search(before[-80:])) or cache[key]
    prev = earlier[-1] if earlier else None
    if not passing and prev is not None and prev.passing and prev.sentence == sentence:
        # "cities like Boston and Cincinnati": a list continues the passing context.
        glue_from = prev.end
        qual = state_regex().match(text, prev.end)
        if qual is not None:
            glue_from = qual.end()
        passing = m.start - glue_from < LOOKBEHIND and bool(
            LIST_GLUE.match(text[glue_from : m.start])
        )
    # "Four cities — Little Rock, ...": a short lead-in to a list still opens on it.
    initial = near == s_start and (not before.strip(" \"'“‘([") or bool(LIST_LEAD.match(before)))
    p_key = ("p", para_span[0], para_span[1])
    if p_key not in cache:
        cache[p_key] = bool(CAPTION.search(text, para_span[0], para_span[1]))
    return replace(
        m,
        passing=passing,
        neighbor=bool(NEIGHBOR_BEFORE.search(before[-30:])),
        history=bool(HISTORY.match(text, s_start, s_end)),
        caption=cache[p_key],
        sentence_initial=initial,
        paragraph=paragraph,
        sentence=sentence,
    )


def _first_names(text: str, mentions: list[Mention]) -> list[Mention]:
    """A place name before a surname is a first name ("Gary Sinise" ... "Sinise said")."""
    out = []
    for m in mentions:
        if (
            m.kind == "weak"
            and m.after
            and m.after not in CIVIC_AFTER
            and _written_as_surname(text, m.after)
        ):
            m = replace(m, kind="person")
        out.append(m)
    return out
