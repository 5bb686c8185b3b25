"""Scoring rules for the extraction benchmark, as the corpora's READMEs define them.

* trafilatura-eval (``../shared/data/trafilatura-eval/README.md``): body by
  ``with``/``without`` snippets found in the whitespace-normalised text, summed
  over the corpus (micro average); headline by exact match after whitespace
  normalisation; date by the right calendar day; author by exact string
  equality with the gold (lists joined with ``"; "``).
* zyte-aeb (``../shared/data/zyte-aeb/README.md``): body by token 4-gram
  shingles, P and R averaged over documents, F1 of the two means.

Every function here is pure; loading the corpora is the benchmark script's job.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"\w+")


def normalise_space(text: str) -> str:
    """``"  a \\n b "`` -> ``"a b"``."""
    return _SPACES.sub(" ", text).strip()


@dataclass(slots=True)
class SnippetCounts:
    """Corpus sums of the trafilatura-eval snippet test."""

    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0

    def add(self, text: str | None, with_: Sequence[str], without: Sequence[str]) -> None:
        """Count one document; ``None`` (a crash or no output) misses everything."""
        body = normalise_space(text or "")
        for snippet in with_:
            if text is not None and normalise_space(snippet) in body:
                self.tp += 1
            else:
                self.fn += 1
        for snippet in without:
            if text is not None and normalise_space(snippet) in body:
                self.fp += 1
            else:
                self.tn += 1

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        denominator = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / denominator if denominator else 0.0


def _shingles(text: str) -> Counter[tuple[str, ...]]:
    tokens = _WORD.findall(text)
    # A text shorter than 4 tokens is one (short) shingle, as upstream counts it.
    count = max(1, len(tokens) - 3)
    return Counter(shingle for i in range(count) if (shingle := tuple(tokens[i : i + 4])))


@dataclass(slots=True)
class ShingleScores:
    """Per-document averaged 4-gram precision/recall (zyte-aeb ``evaluate.py``)."""

    precisions: list[float]
    recalls: list[float]
    exact: list[bool]

    @classmethod
    def empty(cls) -> ShingleScores:
        return cls([], [], [])

    def add(self, gold: str, predicted: str | None) -> None:
        pred = predicted or ""
        true_counts, pred_counts = _shingles(gold), _shingles(pred)
        tp = sum((true_counts & pred_counts).values())
        fp = sum((pred_counts - true_counts).values())
        fn = sum((true_counts - pred_counts).values())
        total = tp + fp + fn
        # Normalising by tp+fp+fn gives every document the same weight.
        tp_n, fp_n, fn_n = (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)
        perfect = fp_n == 0 and fn_n == 0
        if tp_n + fp_n > 0:
            self.precisions.append(1.0 if perfect else tp_n / (tp_n + fp_n))
        if tp_n + fn_n > 0:
            self.recalls.append(1.0 if perfect else tp_n / (tp_n + fn_n))
        self.exact.append(_WORD.findall(gold) == _WORD.findall(pred))

    @property
    def precision(self) -> float:
        return _mean(self.precisions)

    @property
    def recall(self) -> float:
        return _mean(self.recalls)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def accuracy(self) -> float:
        return _mean([1.0 if e else 0.0 for e in self.exact])


def _mean(values: Iterable[float]) -> float:
    items = list(values)
    return sum(items) / len(items) if items else 0.0


def headline_matches(gold: str, predicted: str | None) -> bool:
    """Exact match after whitespace normalisation."""
    return predicted is not None and normalise_space(gold) == normalise_space(predicted)


def author_matches(gold: str | list[str], predicted: str | None) -> bool:
    """Upstream ``eval_authors.py``: string equality, lists joined with ``"; "``.

    An empty gold string means "annotated as absent" and matches no output.
    """
    expected = "; ".join(gold) if isinstance(gold, list) else gold
    return normalise_space(expected) == normalise_space(predicted or "")
