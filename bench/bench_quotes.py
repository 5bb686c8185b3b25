"""Benchmark quotation finding and speaker attribution.

Usage::

    .venv/bin/python bench/bench_quotes.py [--misses dev|polnear]

* ``../shared/eval/dev.jsonl`` (hand-labelled news pages): gold has only
  quotations of six words or more attributed to a named person, so only
  found quotes WITH a speaker count as predictions. Precision and recall of
  quote spans, speaker accuracy over the matched quotes, and the end-to-end
  figures (span and speaker both right).
* ``../shared/data/polnear-dev/polnear_dev.jsonl`` (PolNeAR, political news):
  direct-quote span precision/recall against its ``direct_quote``
  attributions (six words or more, all speakers, one annotator per article);
  the speaker is checked only where the gold source span is a multi-token
  proper name (PolNeAR gives "he"/"Trump"/"a spokesman" as written).

Scoring rules in ``bench/quote_scoring.py``. Published anchors: BBC Citron
F1 0.83; Gender Gap Tracker 86% right speaker.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from quote_scoring import (
    Tally,
    fold,
    match,
    match_spans,
    same_speaker,
    strip_marks,
)

from scraper.models.records import Quote
from scraper.understand.quotes.find import find_quotes

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
DEV = SHARED / "eval" / "dev.jsonl"
POLNEAR = SHARED / "data" / "polnear-dev" / "polnear_dev.jsonl"
MIN_WORDS = 6


def _labelled_length(text: str) -> list[Quote]:
    """Quotes as long as the gold labels them (six words or more): the short complete
    sentences find_quotes also keeps ("Now I know their mothers.") have no gold to meet."""
    return [q for q in find_quotes(text, min_words=MIN_WORDS) if len(q.text.split()) >= MIN_WORDS]


_HONORIFICS = frozenset(["mr.", "mrs.", "ms.", "dr.", "miss", "the"])


def bench_dev(misses: bool) -> tuple[Tally, Tally]:
    """(attributed quotes vs gold, end-to-end) over the hand-labelled pages."""
    spans, e2e = Tally(), Tally()
    for line in DEV.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        gold = rec["quotes"]
        found = [q for q in _labelled_length(rec["text"]) if q.speaker]
        pairs = match([q.text for q in found], [g["text"] for g in gold])
        right = [(i, j) for i, j in pairs if same_speaker(found[i].speaker, gold[j]["speaker"])]
        for t in (spans, e2e):
            t.found += len(found)
            t.gold += len(gold)
        spans.matched += len(pairs)
        spans.speaker_checked += len(pairs)
        spans.speaker_right += len(right)
        e2e.matched += len(right)
        if misses and (len(right) < len(found) or len(right) < len(gold)):
            print(f"--- {rec['id']}")
            fi = {i for i, _ in right}
            gj = {j for _, j in right}
            for i, q in enumerate(found):
                if i not in fi:
                    print(f"  FOUND {q.speaker!r} [{q.attribution}] {q.text[:90]!r}")
            for j, g in enumerate(gold):
                if j not in gj:
                    print(f"  GOLD  {g['speaker']!r} {g['text'][:90]!r}")
    return spans, e2e


def _proper_name(source: str) -> list[str] | None:
    """The words of a PolNeAR source span that is a multi-token proper name.

    The span is cut at its first comma or parenthesis ("Quina Jones, 25,");
    a span with a lower-case word ("Tulsa police Chief ...") or opening with
    "The" is not a proper name and is skipped.
    """
    head = re.split(r"[,(]", source)[0].split()
    while head and head[0].lower() in _HONORIFICS:
        head = head[1:]
    if len(head) < 2 or head[0] == "The" or not all(w[0].isupper() for w in head):
        return None
    return head


def _speaker_ok(found: str, gold_words: list[str]) -> bool:
    """The found full name is the gold span with leading titles dropped
    ("Democratic Sen. Claire McCaskill" -> "Claire McCaskill")."""
    f = [fold(w) for w in found.split()]
    g = [fold(w) for w in gold_words]
    return len(f) >= 2 and g[-len(f) :] == f


def _surname_only(source: str) -> str | None:
    """A one-word capitalised source ("Trump", "Mr. Flynn"), else None."""
    words = source.strip(" ,").split()
    while len(words) > 1 and words[0].lower() in _HONORIFICS:
        words = words[1:]
    if len(words) != 1 or not words[0][0].isupper() or words[0].lower() in ("he", "she"):
        return None
    return words[0]


def _gold_polnear(rec: dict[str, Any]) -> tuple[list[tuple[int, int, str]], list[tuple[int, int]]]:
    """(direct-quote spans of six words or more with their source, every content span)."""
    text = str(rec["text"])
    out: list[tuple[int, int, str]] = []
    contents: list[tuple[int, int]] = []
    for att in rec["attributions"]:
        contents.extend((c["start"], c["end"]) for c in att["content"])
        if not att["direct_quote"]:
            continue
        source = " ".join(s["text"] for s in att["source"])
        pieces = sorted((c["start"], c["end"]) for c in att["content"])
        merged: list[list[int]] = []
        for s, e in pieces:
            if merged and not text[merged[-1][1] : s].strip():
                merged[-1][1] = e
            else:
                merged.append([s, e])
        for s, e in merged:
            s, e = strip_marks(text, s, e)
            if len(text[s:e].split()) >= MIN_WORDS:
                out.append((s, e, source))
    return out, contents


@dataclass(slots=True)
class PolnearResult:
    every: Tally = field(default_factory=Tally)  # all found quotes vs direct-quote spans
    named: Tally = field(default_factory=Tally)  # found quotes with a speaker
    inside_any: int = 0  # found quotes lying mostly inside some attribution's content
    surname_checked: int = 0
    surname_right: int = 0


def _covered(span: tuple[int, int], contents: list[tuple[int, int]]) -> bool:
    inside = sum(max(0, min(span[1], e) - max(span[0], s)) for s, e in contents)
    return inside > 0.5 * (span[1] - span[0])


def bench_polnear(
    misses: bool, *, keep: Callable[[str], bool] = lambda _key: True
) -> PolnearResult:
    """Found quotes against PolNeAR's direct-quote attributions (articles ``keep`` accepts)."""
    res = PolnearResult()
    seen: set[str] = set()
    for line in POLNEAR.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        if rec["doc_id"] in seen or not keep(rec["doc_id"]):
            continue  # a second annotator of the same article
        seen.add(rec["doc_id"])
        text = rec["text"]
        gold, contents = _gold_polnear(rec)
        found = _labelled_length(text)
        res.inside_any += sum(_covered((q.start, q.end), contents) for q in found)
        for tally, subset in ((res.every, found), (res.named, [q for q in found if q.speaker])):
            pairs = match_spans([(q.start, q.end) for q in subset], [(s, e) for s, e, _ in gold])
            tally.found += len(subset)
            tally.gold += len(gold)
            tally.matched += len(pairs)
            for i, j in pairs:
                speaker = subset[i].speaker
                if speaker is None:
                    continue
                source = gold[j][2]
                surname = _surname_only(source)
                if surname is not None and tally is res.named:
                    res.surname_checked += 1
                    res.surname_right += fold(speaker.split()[-1]) == fold(surname)
                name = _proper_name(source)
                if name is None:
                    continue
                tally.speaker_checked += 1
                ok = _speaker_ok(speaker, name)
                tally.speaker_right += ok
                if misses and tally is res.named and not ok:
                    print(f"  SPEAKER {speaker!r} vs {source!r}: {subset[i].text[:70]!r}")
            if misses and tally is res.every:
                fi = {i for i, _ in pairs}
                gj = {j for _, j in pairs}
                for i, q in enumerate(subset):
                    if i not in fi:
                        print(f"  {rec['doc_id'][:30]} EXTRA {q.speaker!r} {q.text[:90]!r}")
                for j, (s, e, src) in enumerate(gold):
                    if j not in gj:
                        print(f"  {rec['doc_id'][:30]} MISSED [{src}] {text[s:e][:90]!r}")
    return res


def _row(name: str, t: Tally) -> str:
    acc = (
        f"{t.speaker_accuracy:6.3f} ({t.speaker_right}/{t.speaker_checked})"
        if t.speaker_checked
        else "     -"
    )
    return (
        f"{name:<36} {t.found:>6} {t.gold:>5} {t.matched:>6} "
        f"{t.precision:6.3f} {t.recall:6.3f} {t.f1:6.3f}  {acc}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--misses", choices=["dev", "polnear"])
    args = parser.parse_args()
    t0 = time.perf_counter()
    dev_spans, dev_e2e = bench_dev(args.misses == "dev")
    pol = bench_polnear(args.misses == "polnear")
    secs = time.perf_counter() - t0
    print(
        f"{'corpus / predictions':<36} {'found':>6} {'gold':>5} {'match':>6} "
        f"{'P':>6} {'R':>6} {'F1':>6}  speaker accuracy"
    )
    print(_row("eval dev: quotes with a speaker", dev_spans))
    print(_row("eval dev: quote AND speaker right", dev_e2e))
    print(_row("PolNeAR dev: all quotes (spans)", pol.every))
    print(_row("PolNeAR dev: quotes with a speaker", pol.named))
    n = pol.every.found
    print(
        f"PolNeAR: found quotes inside ANY attribution's content (mixed quotes count): "
        f"{pol.inside_any}/{n} = {pol.inside_any / max(n, 1):.3f}"
    )
    print(
        f"PolNeAR: surname sources ('Trump said'), speaker's surname right: "
        f"{pol.surname_right}/{pol.surname_checked} = "
        f"{pol.surname_right / max(pol.surname_checked, 1):.3f}"
    )
    print(f"({secs:.1f} s; anchors: BBC Citron F1 0.83, Gender Gap Tracker 86% right speaker)")


if __name__ == "__main__":
    main()
