"""Text helpers shared by program and city matching: sentences, paragraphs, phrases.

A vocabulary phrase is compiled into a :class:`Phrase` that finds character spans:

    >>> [m for m in Phrase.compile("call-in").find("Their first Call In was Tuesday.")]
    [(12, 19)]
    >>> Phrase.compile("model* ... High Point").find("It was modeled on one in High Point.")
    [(7, 35)]

Case-insensitive phrases match on word boundaries; a space or hyphen in the
phrase matches any run of spaces, hyphens and quote marks; a final plural
"s"/"es" (or "ies" for "y") is allowed; ``word*`` matches any word starting
with ``word``; ``a|b|c`` matches any one of those words (``police|bureau``);
``A ... B`` needs B after A in the same sentence. Case-sensitive phrases
(names, acronyms) match as written, apart from the separators.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

Span = tuple[int, int]

_SEP = r"(?:[\s\-\u2010\u2011\u2013]|[\"'\u2018\u2019\u201c\u201d])+"
_GAP = "..."
LEDE_PARAGRAPHS = 2  # the first paragraphs of prose are the lede
PROSE_WORDS = 15  # a shorter opening paragraph is a headline, byline or date line
# Abbreviations whose period does not end a sentence ("Sgt. Ray", "Pa. police").
_ABBREV = re.compile(
    r"(?:\b[A-Z]|\b(?:Mr|Mrs|Ms|Dr|Sgt|Capt|Cap|Lt|Col|Gen|Gov|Sen|Rep|Rev|St|Mt|Ft|Jr|Sr|"
    r"No|Inc|Co|Corp|Ave|Blvd|Rd|Det|Ofc|Insp|Supt|Cmdr|Dept|vs|Jan|Feb|Mar|Apr|Aug|Sept|"
    r"Sep|Oct|Nov|Dec|Ala|Ariz|Ark|Calif|Colo|Conn|Del|Fla|Ga|Ill|Ind|Kan|Kans|Ky|La|Md|"
    r"Mass|Mich|Minn|Miss|Mo|Mont|Neb|Nev|Okla|Ore|Pa|Tenn|Tex|Va|Vt|Wash|Wis|Wyo))\.$"
)
_SENTENCE_END = re.compile(r"[.!?]+[\"'\u2019\u201d)]*(?=\s)|\n")


def sentence_spans(text: str) -> list[Span]:
    """Sentence spans of ``text``; a line break always ends a sentence.

    Every stage of one story asks about the same text (each program's scan,
    the cities, relevance): the spans of the last few texts are remembered.
    """
    return list(_sentence_spans(text))


def paragraph_spans(text: str) -> list[Span]:
    """Paragraph spans: blocks between blank lines, or lines when there are none."""
    return list(_paragraph_spans(text))


SPAN_MEMORY = 8  # texts whose sentence and paragraph spans are remembered


@lru_cache(maxsize=SPAN_MEMORY)
def _sentence_spans(text: str) -> tuple[Span, ...]:
    spans: list[Span] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        end = m.end()
        if m.group() != "\n" and _ABBREV.search(text[max(start, m.start() - 6) : m.start() + 1]):
            continue
        if text[start:end].strip():
            spans.append((start, end))
        start = end
    if text[start:].strip():
        spans.append((start, len(text)))
    return tuple(spans)


@lru_cache(maxsize=SPAN_MEMORY)
def _paragraph_spans(text: str) -> tuple[Span, ...]:
    splitter = r"\n[ \t]*\n" if re.search(r"\n[ \t]*\n", text) else r"\n"
    spans: list[Span] = []
    start = 0
    for m in re.finditer(splitter, text):
        if text[start : m.start()].strip():
            spans.append((start, m.start()))
        start = m.end()
    if text[start:].strip():
        spans.append((start, len(text)))
    return tuple(spans)


def lede_end(text: str) -> int:
    """The index of the first paragraph after the lede (the first two of prose).

    Short paragraphs before the first one of prose (a repeated headline, a
    byline, a date line) belong to the lede too.
    """
    for k, (start, end) in enumerate(paragraph_spans(text)):
        if len(text[start:end].split()) >= PROSE_WORDS:
            return k + LEDE_PARAGRAPHS
    return LEDE_PARAGRAPHS


_STARTS: list[tuple[Sequence[Span], list[int]]] = []  # the last spans asked about, and their starts


def _starts(spans: Sequence[Span]) -> list[int]:
    # Asked once per match: rebuilding the list each time made long texts quadratic.
    if _STARTS and _STARTS[0][0] is spans:
        return _STARTS[0][1]
    starts = [s for s, _ in spans]
    _STARTS[:] = [(spans, starts)]
    return starts


def span_index(spans: Sequence[Span], pos: int) -> int:
    """Index of the span holding ``pos`` (the one before it when between spans)."""
    return max(0, bisect_right(_starts(spans), pos) - 1)


def _word_pattern(word: str) -> str:
    if "|" in word:
        return "(?:" + "|".join(_word_pattern(w) for w in word.split("|") if w) + ")"
    if word.endswith("*") and len(word) > 1:
        return re.escape(word[:-1]) + r"[\w\u2019']*"
    return re.escape(word)


def _part_regex(part: str, *, case_sensitive: bool) -> re.Pattern[str]:
    words = [w for w in re.split(r"[\s\-]+", part.strip()) if w]
    if not words:
        raise ValueError(f"empty phrase part in {part!r}")
    last = words[-1]
    plural = not case_sensitive and "|" not in last and not last.endswith("*")
    if plural and re.search(r"[^aeiou]y$", last):
        # "strategy" also matches "strategies"
        body = _SEP.join(_word_pattern(w) for w in words[:-1])
        body += (_SEP if len(words) > 1 else "") + re.escape(last[:-1]) + "(?:y|ies)"
    else:
        body = _SEP.join(_word_pattern(w) for w in words)
        if plural and last[-1:].isalpha():
            body += "(?:s|es)?"
    flags = 0 if case_sensitive else re.IGNORECASE
    return re.compile(r"(?<![\w])" + body + r"(?![\w])", flags)


@dataclass(frozen=True, slots=True)
class Phrase:
    """A compiled vocabulary phrase (see the module docstring for its syntax)."""

    source: str
    parts: tuple[re.Pattern[str], ...]
    needle: str = ""  # lower-case letters every match contains (a quick first test)
    later_needles: tuple[str, ...] = ()  # the same for the parts after "..."

    @classmethod
    def compile(cls, phrase: str, *, case_sensitive: bool = False) -> Phrase:
        parts = phrase.split(_GAP)
        regexes = tuple(_part_regex(p, case_sensitive=case_sensitive) for p in parts)
        later = tuple(n for n in (_needle(p) for p in parts[1:]) if n)
        return cls(phrase, regexes, _needle(parts[0]), later)

    def find(self, text: str, sentences: Sequence[Span] | None = None) -> list[Span]:
        """All non-overlapping spans of ``text`` where the phrase stands."""
        if self.needle and self.needle not in _lower(text):
            return []
        first = self.parts[0]
        if len(self.parts) == 1:
            return [(m.start(), m.end()) for m in first.finditer(text)]
        # A part missing from the whole text is missing from every sentence.
        if any(n not in _lower(text) for n in self.later_needles) or any(
            p.search(text) is None for p in self.parts
        ):
            return []
        sentences = sentence_spans(text) if sentences is None else sentences
        found: list[Span] = []
        for s_start, s_end in sentences:
            pos = s_start
            while True:
                head = first.search(text, pos, s_end)
                if head is None:
                    break
                end = head.end()
                for part in self.parts[1:]:
                    nxt = part.search(text, end, s_end)
                    if nxt is None:
                        end = -1
                        break
                    end = nxt.end()
                if end < 0:
                    break
                found.append((head.start(), end))
                pos = end
        return found


def _needle(part: str) -> str:
    """The first word of a phrase part as every match spells it, in lower case
    ("strategy" -> "strateg", "model*" -> "model"); "" when there is none."""
    words = re.split(r"[\s\-]+", part.strip())
    word = words[0].rstrip("*").lower() if words else ""
    if "|" in word or not word.isalpha():
        return ""
    return word[:-1] if word.endswith("y") else word


@lru_cache(maxsize=16)
def _lower(text: str) -> str:
    return text.lower()


def sentence_of(sentences: Sequence[Span], pos: int) -> Span:
    """The sentence span holding ``pos``."""
    if not sentences:
        return (0, 0)
    return sentences[span_index(sentences, pos)]
