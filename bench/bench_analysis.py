"""Score the whole analysis (``scraper.understand.analyze.analyze``) on the hand-labelled dev set.

    .venv/bin/python bench/bench_analysis.py [--verbose] [path/to/dev.jsonl]

Unlike the per-stage benches (bench_match.py, bench_quotes.py, bench_extract.py)
this runs the path a collected story takes: the record's text as the article
text, its headline and outlet as a feed entry would give them, the outlet's
home city inferred as for a source without one. Prints per-field precision,
recall and F1 (programs, cities: sets per record, micro-averaged; quotes:
attributed quotes matched by overlap and right speaker, as the eval README
defines), relevance accuracy, and the analysis time per record.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from quote_scoring import match, same_speaker

from scraper.config.schema import Config
from scraper.models import Entry
from scraper.understand.analyze import analyze

DEFAULT_DEV = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev.jsonl"


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add_sets(self, gold: set[str], found: set[str]) -> None:
        self.tp += len(gold & found)
        self.fp += len(found - gold)
        self.fn += len(gold - found)

    def row(self, name: str) -> str:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return f"{name:<12} {p:9.3f} {r:7.3f} {f:7.3f}   tp {self.tp:3d}  fp {self.fp:3d}  fn {self.fn:3d}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_DEV)
    parser.add_argument("--verbose", action="store_true", help="list each record's misses")
    args = parser.parse_args(argv)
    if not args.path.exists():
        print(f"no labelled data at {args.path}", file=sys.stderr)
        return 1
    config = Config()
    programs, cities, quotes, speakers = Score(), Score(), Score(), Score()
    right = total = 0
    seconds = 0.0
    for line in args.path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        entry = Entry(url=record["url"], title=record.get("headline"), summary=record["text"])
        started = time.perf_counter()
        result = analyze(url=record["url"], config=config, entry=entry, outlet=record.get("outlet"))
        seconds += time.perf_counter() - started
        programs.add_sets(set(record["programs"]), set(result.programs))
        cities.add_sets(set(record["cities"]), set(result.cities))
        total += 1
        right += result.relevant == record["relevant"]
        found = [q for q in result.quotes if q.speaker]
        gold = record["quotes"]
        pairs = match([q.text for q in found], [g["text"] for g in gold])
        good = [(i, j) for i, j in pairs if same_speaker(found[i].speaker, gold[j]["speaker"])]
        quotes.tp += len(pairs)
        quotes.fp += len(found) - len(pairs)
        quotes.fn += len(gold) - len(pairs)
        speakers.tp += len(good)
        speakers.fp += len(pairs) - len(good)
        if args.verbose:
            misses = []
            if set(record["programs"]) != set(result.programs):
                misses.append(f"programs {sorted(result.programs)} vs {sorted(record['programs'])}")
            if set(record["cities"]) != set(result.cities):
                misses.append(f"cities {sorted(result.cities)} vs {sorted(record['cities'])}")
            if result.relevant != record["relevant"]:
                misses.append(f"relevant {result.relevant} ({result.relevance_reason})")
            if misses:
                print(f"--- {record['id']}: " + "; ".join(misses))
    print(f"analysis of {total} dev records through scraper.understand.analyze.analyze")
    print(f"{'field':<12} {'precision':>9} {'recall':>7} {'F1':>7}")
    print(programs.row("programs"))
    print(cities.row("cities"))
    print(quotes.row("quotes"))
    speaker_share = speakers.tp / (speakers.tp + speakers.fp) if speakers.tp + speakers.fp else 1.0
    print(f"{'speakers':<12} right speaker on {speaker_share:.3f} of matched quotes")
    print(f"{'relevance':<12} accuracy {right / total:.3f} ({right}/{total})")
    print(f"time         {seconds / total * 1000:.1f} ms per record")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
