"""Attribution clauses next to a quotation: who is the subject of "said".

Works on the tokens right after a closing mark (``"...," said Capt. Ann Lee``,
``"...," Lee told them``, ``"..." - Ann Lee``) or right before an opening mark
in the same sentence (``Lee said: "..."``, ``Lee wrote that "..."``). The
result names a person, a pronoun, an unnamed speaker ("one woman") or nobody;
turning surnames and pronouns into full names is the caller's job.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from scraper.understand.quotes.names import Token, person_name
from scraper.understand.quotes.words import (
    CONJUNCTIONS,
    DETERMINERS,
    INDEFINITE,
    NOUN_MARKERS,
    NP_STOP,
    PERSON_NOUNS,
    ROLE_ABBREVIATIONS,
    ROLE_MODIFIERS,
    ROLE_TITLES,
    SPEECH_VERBS,
    TITLES,
)

PRONOUNS = {"he": "m", "she": "f"}
NON_PERSON_PRONOUNS = frozenset(["it", "they", "we", "i", "you"])
PARAGRAPH = "¶"  # token the caller puts between paragraphs
_SEG_BREAK = frozenset([*",;:()—–", PARAGRAPH])
_DASHES = frozenset("-—–―‒")

Kind = Literal["name", "pronoun", "role", "anon", "none"]


@dataclass(frozen=True, slots=True)
class Attribution:
    """What an attribution clause says about the speaker.

    ``phrase_start``/``phrase_end`` cover the verb and the speaker words.
    """

    kind: Kind
    words: str  # the name as written, or the pronoun
    at: int  # offset of the speaker words
    phrase_start: int
    phrase_end: int
    gender: str | None = None  # for anon speakers ("one woman")


def _is_verb(tokens: list[Token], i: int) -> int:
    """Length of a speech verb at ``i`` (2 for "according to"), else 0.

    A verb form after an article or possessive is a noun ("one of the states").
    """
    low = tokens[i].text.lower()
    if low in SPEECH_VERBS:
        if tokens[i].cap or (i > 0 and tokens[i - 1].low in NOUN_MARKERS):
            return 0
        return 1
    if low == "according" and i + 1 < len(tokens) and tokens[i + 1].low == "to":
        return 2
    return 0


def _mention(
    tokens: list[Token], known: Callable[[str], bool], *, last: bool = False
) -> tuple[Kind, str, int, int]:
    """The first (or ``last``) person mention in ``tokens``: kind, words, offsets."""
    from scraper.understand.quotes.names import name_runs

    k = 0
    while k < len(tokens) and tokens[k].low in CONJUNCTIONS:
        k += 1
    if k < len(tokens):
        low = tokens[k].text.lower()
        if low in PRONOUNS:
            return "pronoun", low, tokens[k].start, tokens[k].end
        if low in NON_PERSON_PRONOUNS:
            return "none", "", tokens[k].start, tokens[k].end
    single: tuple[Kind, str, int, int] | None = None
    runs = name_runs(tokens)
    for i, j in reversed(runs) if last else runs:
        if tokens[j - 1].text.endswith(("'s", "’s")) or (
            j < len(tokens) and tokens[j].text in ("'s", "’s")
        ):
            continue  # "Smith's spokesman": a modifier, not the speaker
        words = [t.text for t in tokens[i:j]]
        name = person_name(words)
        if name is None:
            continue
        # offsets of the cleaned name: it is a suffix of the run
        n = len(name.split())
        found: tuple[Kind, str, int, int] = ("name", name, tokens[j - n].start, tokens[j - 1].end)
        if n > 1 or (last and known(name)):
            return found
        # a lone surname may be a modifier: "Trump campaign spokesman Jason Miller"
        if single is None and known(name):
            single = found
    if single is not None:
        return single
    role = _role(tokens[k:])
    if role is not None:
        return "role", role, tokens[k].start, tokens[-1].end
    return "none", "", -1, -1


def _role(tokens: list[Token]) -> str | None:
    """The title in "the chief" / "the police chief", else None."""
    if not 2 <= len(tokens) <= 4 or tokens[0].low != "the":
        return None
    title = ROLE_ABBREVIATIONS.get(tokens[-1].low, tokens[-1].low)
    if title not in ROLE_TITLES:
        return None
    if all(t.cap or t.low in ROLE_MODIFIERS for t in tokens[1:-1]):
        return title
    return None


# Words that open a clause of its own inside the words before a speech verb.
_CLAUSE_OPENERS = frozenset(
    ["as", "while", "when", "after", "before", "because", "since", "until", "once"]
)


def _nearest_clause(seg: list[Token]) -> list[Token]:
    """The clause right before the verb: its subject is the speaker.

    "Mayor John Doe listened as Jane Roe" (said) -> "Jane Roe"; a segment
    without a clause opener after its first word is returned whole.
    """
    for k in range(len(seg) - 2, 0, -1):
        if seg[k].low in _CLAUSE_OPENERS and seg[k + 1].cap:
            return seg[k + 1 :]
    return seg


def _head_np(seg: list[Token]) -> list[Token]:
    """A segment opening on an article and a person noun ends its subject at the
    first preposition: in "a spokeswoman for Mayor Ann Lee" the spokeswoman
    speaks, not the mayor; in "the ad shows footage of Ann Lee" Ann Lee does."""
    k = 0
    while k < len(seg) and seg[k].low in CONJUNCTIONS:
        k += 1
    if k >= len(seg) or seg[k].low not in INDEFINITE | DETERMINERS:
        return seg
    for n in range(k + 1, len(seg)):
        if seg[n].low in NP_STOP:
            head = {t.low for t in seg[k + 1 : n]}
            return seg[:n] if head & (TITLES | PERSON_NOUNS) else seg
    return seg


def _indefinite(tokens: list[Token]) -> str | None:
    """Gender hint ("" when unknown) when ``tokens`` open with an unnamed person."""
    k = 0
    while k < len(tokens) and tokens[k].low in CONJUNCTIONS:
        k += 1
    if k < len(tokens) and tokens[k].low in INDEFINITE:
        rest = {t.low for t in tokens[k : k + 4]}
        if rest & {"woman", "mother", "girl", "spokeswoman", "wife", "daughter", "sister"}:
            return "f"
        if rest & {"man", "father", "boy", "spokesman", "husband", "son", "brother"}:
            return "m"
        return ""
    return None


def subject(tokens: list[Token], known: Callable[[str], bool]) -> tuple[Kind, str, int, str | None]:
    """The speaker among the tokens before a speech verb.

    Comma-separated segments are read right to left; a segment without a
    person is an appositive ("Ann Lee, the city's director, said") when a
    segment stands before it, else it is a common-noun subject ("police said").
    """
    segs: list[list[Token]] = [[]]
    for t in tokens:
        if t.text in _SEG_BREAK:
            segs.append([])
        else:
            segs[-1].append(t)
    segs = [s for s in segs if s]
    anon: tuple[int, str | None] | None = None
    if tokens and tokens[-1].low in PRONOUNS:  # "to which she said"
        return "pronoun", tokens[-1].low, tokens[-1].start, None
    attached = bool(tokens) and tokens[-1].text not in _SEG_BREAK
    if attached and len(segs) > 1 and segs[-1][0].low in ("who", "whom"):
        # "... met Mayor Jones, who has called for": the antecedent speaks
        kind, words, at, _ = _mention(segs[-2], known, last=True)
        if kind == "name":
            return kind, words, at, None
    if attached and segs:
        segs[-1] = _nearest_clause(segs[-1])
    for n, seg in enumerate(reversed(segs)):
        lead = seg[0].low
        if (
            n < len(segs) - 1
            and not seg[0].cap
            and lead not in PRONOUNS
            and lead not in CONJUNCTIONS
            and not (n == 0 and attached)
        ):
            # an appositive ("Lee, the city's director, said"): its names are not the
            # speaker; but a segment the verb follows without a comma is its subject
            # ("At a hearing, state Sen. Ann Lee said", "..., a nurse on her way said")
            continue
        kind, words, at, _ = _mention(_head_np(seg), known)
        if kind != "none" or (at >= 0):
            return kind, words, at, None
        hint = _indefinite(seg)
        if hint is not None and anon is None:
            anon = seg[0].start, hint or None
        if lead in CONJUNCTIONS:
            break  # "..., and the report says": a clause's own subject, not an appositive
    if anon is not None:
        return "anon", "", anon[0], anon[1]
    return "none", "", -1, None


def object_np(
    tokens: list[Token], known: Callable[[str], bool]
) -> tuple[Kind, str, int, str | None]:
    """The speaker after a verb: ``said Capt. Ann Lee, who ...``."""
    np: list[Token] = []
    for k, t in enumerate(tokens):
        if t.text in _SEG_BREAK or t.text in ".!?":
            break
        if t.low in NP_STOP and not _title_link(tokens, k):
            break
        np.append(t)
    if not np:
        return "none", "", -1, None
    kind, words, at, _ = _mention(np, known)
    if kind in ("name", "pronoun", "role"):
        return kind, words, at, None
    hint = _indefinite(np)
    if hint is not None:
        return "anon", "", np[0].start, hint or None
    return "none", "", -1, None


def _title_link(tokens: list[Token], k: int) -> bool:
    """A lower-case word inside a title: "Special Agent in Charge", "Director of Safety"."""
    return (
        tokens[k].low in ("in", "of", "for")
        and k > 0
        and tokens[k - 1].cap
        and tokens[k - 1].low in TITLES
        and k + 1 < len(tokens)
        and tokens[k + 1].cap
    )


def after_quote(
    tokens: list[Token], known: Callable[[str], bool], *, terminal: bool
) -> Attribution | None:
    """Attribution in the tokens after a closing mark (to the sentence end).

    ``terminal`` means the quotation ended its own sentence ("...end."), so a
    following clause counts only when it is short ("Lee said.").
    """
    k = 0
    dash = False
    while k < len(tokens) and tokens[k].text in ",—–-―‒":
        dash = dash or tokens[k].text in _DASHES
        k += 1
    toks = tokens[k:]
    if not toks:
        return None
    # a clause after "...," may carry a long appositive; after "...end." it is short
    for i in range(min(len(toks), 12 if terminal else 32)):
        n = _is_verb(toks, i)
        if not n:
            continue
        if i == 0:
            kind, words, at, hint = object_np(toks[n:], known)
        else:
            if terminal and (_long_tail(toks[i + n :]) or not _bare_subject(toks[:i])):
                return None  # a new sentence about something else, not "Lee said."
            kind, words, at, hint = subject(toks[:i], known)
        end = max(toks[i + n - 1].end, _end_of(toks, words, at))
        return Attribution(kind, words, at, toks[0].start, end, hint)
    if dash:
        kind, words, at, _hint = object_np(toks, known)
        if kind == "name":
            return Attribution(kind, words, at, toks[0].start, _end_of(toks, words, at))
    return None


def before_quote(tokens: list[Token], known: Callable[[str], bool]) -> Attribution | None:
    """Attribution in the tokens before an opening mark, same sentence.

    Without a speech verb, a clause ending in a colon speaks through its
    subject: ``Chief Ann Lee put it plainly: "..."``.
    """
    for i in range(len(tokens) - 1, -1, -1):
        n = _is_verb(tokens, i)
        if not n:
            continue
        if n == 2:
            kind, words, at, hint = object_np(tokens[i + 2 :], known)
        else:
            kind, words, at, hint = subject(tokens[:i], known)
        if kind == "none" and at < 0 and n == 1 and tokens[i].low.endswith("ing"):
            continue
        start = at if at >= 0 else tokens[i].start
        return Attribution(
            kind, words, at, min(start, tokens[i].start), tokens[i + n - 1].end, hint
        )
    return _colon_subject(tokens, known)


def _colon_subject(tokens: list[Token], known: Callable[[str], bool]) -> Attribution | None:
    """The named subject of a clause that ends in a colon, when the clause opens on it."""
    if not tokens or tokens[-1].text != ":":
        return None
    k = 0
    while k < len(tokens) and tokens[k].low in CONJUNCTIONS:
        k += 1
    head: list[Token] = []
    for t in tokens[k:]:
        if not t.cap:
            break
        head.append(t)
    rest = tokens[k + len(head) :]
    if not rest or not rest[0].text[0].isalpha() or rest[0].low in NP_STOP | NOUN_MARKERS:
        return None  # the capitalised run must be followed by its verb
    if not head and tokens[k].low in PRONOUNS:
        word = tokens[k].low
        return Attribution("pronoun", word, tokens[k].start, tokens[k].start, tokens[-1].end)
    kind, words, at, _ = _mention(head, known)
    if kind != "name":
        return None
    return Attribution(kind, words, at, at, tokens[-1].end)


def _bare_subject(tokens: list[Token]) -> bool:
    """Only a name or pronoun with titles and adverbs: "Mr. Lee", "she later"."""
    return all(
        t.cap or t.low in PRONOUNS or t.low in ("also", "then", "later") or t.low.endswith("ly")
        for t in tokens
        if t.text[0].isalnum()
    )


def _long_tail(rest: list[Token]) -> bool:
    words = [t for t in rest if t.text[0].isalnum()]
    return len(words) > 5 or (bool(words) and words[0].low == "that")


def _end_of(toks: list[Token], words: str, at: int) -> int:
    if at < 0:
        return toks[0].end
    n = len(words.split())
    for i, t in enumerate(toks):
        if t.start == at:
            return toks[min(i + n, len(toks)) - 1].end
    return toks[0].end
