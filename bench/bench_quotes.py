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
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from quote_scoring import (
    Tally,
    match,
    match_spans,
    same_speaker,
    strip_marks,
)

from scraper.quotes import find_quotes

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
DEV = SHARED / "eval" / "dev.jsonl"
POLNEAR = SHARED / "data" / "polnear-dev" / "polnear_dev.jsonl"
MIN_WORDS = 6
_TITLE_WORDS = frozenset(
    ["mr.", "mrs.", "ms.", "dr.", "rev.", "sen.", "rep.", "gov.", "sgt.", "lt.", "capt.", "the"]
)


def bench_dev(misses: bool) -> tuple[Tally, Tally]:
    """(attributed quotes vs gold, end-to-end) over the hand-labelled pages."""
    spans, e2e = Tally(), Tally()
    for line in DEV.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        gold = rec["quotes"]
        found = [q for q in find_quotes(rec["text"], min_words=MIN_WORDS) if q.speaker]
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


def _proper_name(source: str) -> str | None:
    """A multi-token proper name from a PolNeAR source span, else None."""
    head = source.split(",")[0].split("(")[0].strip()
    parts = head.split()
    while parts and parts[0].lower() in _TITLE_WORDS:
        parts = parts[1:]
    if len(parts) < 2 or not all(p[0].isupper() for p in parts):
        return None
    return " ".join(parts)


def _gold_polnear(rec: dict[str, object]) -> list[tuple[int, int, str]]:
    text = str(rec["text"])
    out: list[tuple[int, int, str]] = []
    for att in rec["attributions"]:  # type: ignore[attr-defined]
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
    return out


def bench_polnear(misses: bool) -> tuple[Tally, Tally]:
    """(all found quotes, found quotes with a speaker) against PolNeAR spans."""
    every, named = Tally(), Tally()
    seen: set[str] = set()
    for line in POLNEAR.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        if rec["doc_id"] in seen:
            continue  # a second annotator of the same article
        seen.add(rec["doc_id"])
        text = rec["text"]
        gold = _gold_polnear(rec)
        found = find_quotes(text, min_words=MIN_WORDS)
        for tally, subset in ((every, found), (named, [q for q in found if q.speaker])):
            pairs = match_spans([(q.start, q.end) for q in subset], [(s, e) for s, e, _ in gold])
            tally.found += len(subset)
            tally.gold += len(gold)
            tally.matched += len(pairs)
            for i, j in pairs:
                name = _proper_name(gold[j][2])
                if name is None or subset[i].speaker is None:
                    continue
                tally.speaker_checked += 1
                ok = same_speaker(subset[i].speaker, name)
                tally.speaker_right += ok
                if misses and tally is named and not ok:
                    print(f"  SPEAKER {subset[i].speaker!r} vs {name!r}: {subset[i].text[:70]!r}")
            if misses and tally is every:
                fi = {i for i, _ in pairs}
                gj = {j for _, j in pairs}
                for i, q in enumerate(subset):
                    if i not in fi:
                        print(f"  {rec['doc_id'][:30]} EXTRA {q.speaker!r} {q.text[:90]!r}")
                for j, (s, e, src) in enumerate(gold):
                    if j not in gj:
                        print(f"  {rec['doc_id'][:30]} MISSED [{src}] {text[s:e][:90]!r}")
    return every, named


def _row(name: str, t: Tally) -> str:
    acc = f"{t.speaker_accuracy:6.3f} ({t.speaker_right}/{t.speaker_checked})"
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
    pol_all, pol_named = bench_polnear(args.misses == "polnear")
    secs = time.perf_counter() - t0
    print(
        f"{'corpus / predictions':<36} {'found':>6} {'gold':>5} {'match':>6} "
        f"{'P':>6} {'R':>6} {'F1':>6}  speaker accuracy"
    )
    print(_row("eval dev: quotes with a speaker", dev_spans))
    print(_row("eval dev: quote AND speaker right", dev_e2e))
    print(_row("PolNeAR dev: all quotes (spans)", pol_all))
    print(_row("PolNeAR dev: quotes with a speaker", pol_named))
    print(f"({secs:.1f} s; anchors: BBC Citron F1 0.83, Gender Gap Tracker 86% right speaker)")


if __name__ == "__main__":
    main()
