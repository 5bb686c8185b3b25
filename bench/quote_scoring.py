"""Scoring rules for the quotation benchmark (``bench/bench_quotes.py``).

From ``../shared/eval/README.md``: quote texts are compared with whitespace
normalised and surrounding punctuation ignored; a found quote counts when it
overlaps a gold quote substantially (most of the words of both); the speaker
must equal the gold full name, case-insensitive, titles dropped. Matching is
one-to-one and greedy by overlap. Every function here is pure.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")

_WORD = re.compile(r"\w+(?:['’]\w+)*")
_TITLES = frozenset(
    """mr mrs ms dr rev sgt lt capt cap captain chief mayor sen rep gov the deputy
    officer detective inspector sergeant commander police president""".split()  # noqa: SIM905
)
QUOTE_MARKS = "\"“”‘’'`«»„"


def fold(s: str) -> str:
    nfd = unicodedata.normalize("NFKD", s.lower()).replace("’", "'")
    return "".join(c for c in nfd if not unicodedata.combining(c))


def words(quote: str) -> list[str]:
    """``'“Hello, world,”'`` -> ``['hello', 'world']``."""
    return _WORD.findall(fold(quote))


def overlap(a: str, b: str) -> float:
    """Shared words over the longer of the two (0..1)."""
    wa, wb = Counter(words(a)), Counter(words(b))
    if not wa or not wb:
        return 0.0
    common = sum((wa & wb).values())
    return common / max(sum(wa.values()), sum(wb.values()))


def same_speaker(found: str | None, gold: str | None) -> bool:
    """Full names equal, case- and accent-insensitive, leading titles dropped."""
    if found is None or gold is None:
        return False
    return _name_key(found) == _name_key(gold)


def _name_key(name: str) -> tuple[str, ...]:
    parts = [p.strip(".,") for p in fold(name).split()]
    while parts and parts[0] in _TITLES:
        parts = parts[1:]
    return tuple(parts)


def pair_up(
    found: Sequence[T], gold: Sequence[T], similarity: Callable[[T, T], float], *, threshold: float
) -> list[tuple[int, int]]:
    """One-to-one pairs (found index, gold index), most similar first, above ``threshold``."""
    cands = sorted(
        ((similarity(f, g), i, j) for i, f in enumerate(found) for j, g in enumerate(gold)),
        reverse=True,
    )
    used_f: set[int] = set()
    used_g: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for score, i, j in cands:
        if score <= threshold or i in used_f or j in used_g:
            continue
        used_f.add(i)
        used_g.add(j)
        pairs.append((i, j))
    return pairs


def match(
    found: Sequence[str], gold: Sequence[str], *, threshold: float = 0.5
) -> list[tuple[int, int]]:
    """Quote texts paired by word overlap."""
    return pair_up(found, gold, overlap, threshold=threshold)


def span_overlap(a: tuple[int, int], b: tuple[int, int]) -> float:
    """Overlapping characters over the longer span."""
    inter = min(a[1], b[1]) - max(a[0], b[0])
    if inter <= 0:
        return 0.0
    return inter / max(a[1] - a[0], b[1] - b[0])


def match_spans(
    found: Sequence[tuple[int, int]], gold: Sequence[tuple[int, int]], *, threshold: float = 0.5
) -> list[tuple[int, int]]:
    """Character spans paired by overlap."""
    return pair_up(found, gold, span_overlap, threshold=threshold)


@dataclass(slots=True)
class Tally:
    """Counts over a corpus: found, gold, matched, matched with the right speaker."""

    found: int = 0
    gold: int = 0
    matched: int = 0
    speaker_checked: int = 0
    speaker_right: int = 0

    @property
    def precision(self) -> float:
        return self.matched / self.found if self.found else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def speaker_accuracy(self) -> float:
        return self.speaker_right / self.speaker_checked if self.speaker_checked else 0.0


def strip_marks(text: str, start: int, end: int) -> tuple[int, int]:
    """Narrow ``[start, end)`` past surrounding quote marks and spaces."""
    while start < end and (text[start] in QUOTE_MARKS or text[start].isspace()):
        start += 1
    while end > start and (text[end - 1] in QUOTE_MARKS or text[end - 1].isspace()):
        end -= 1
    return start, end
