"""Measure program tags, cities and relevance on the labelled dev set.

    .venv/bin/python bench/bench_match.py [--verbose] [path/to/dev.jsonl]

Prints micro-averaged precision, recall and F1 of the program and city sets
(one set per record) and relevance accuracy; ``--verbose`` lists each record's
misses. The outlet's home city is inferred from the record's outlet name and URL
with :func:`scraper.understand.tags.cities.infer_home`, as the pipeline does for a source that
has no configured city.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from scraper.config.vocab import default_cities, default_keywords, default_programs
from scraper.understand.tags.cities import find_cities, infer_home
from scraper.understand.tags.programs import judge_relevance, match_programs

DEFAULT_DEV = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev.jsonl"


@dataclass
class SetScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, gold: set[str], found: set[str]) -> None:
        self.tp += len(gold & found)
        self.fp += len(found - gold)
        self.fn += len(gold - found)

    def line(self, name: str) -> str:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        counts = f"tp {self.tp}, fp {self.fp}, fn {self.fn}"
        return f"{name:<10} P {p:.3f}  R {r:.3f}  F1 {f:.3f}  ({counts})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_DEV)
    parser.add_argument("--verbose", "-v", action="store_true", help="list each record's misses")
    args = parser.parse_args(argv)
    if not args.path.exists():
        print(f"no dev set at {args.path}", file=sys.stderr)
        return 2

    programs, cities, keywords = default_programs(), default_cities(), default_keywords()
    prog, city = SetScore(), SetScore()
    right = total = 0
    started = time.perf_counter()
    for line in args.path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        rec = json.loads(line)
        text, headline = rec["text"], rec.get("headline") or ""
        tags, evidence = match_programs(text, headline=headline, programs=programs)
        home = infer_home(rec.get("outlet"), rec.get("url"), aliases=cities)
        found_cities, _ = find_cities(text, headline=headline, outlet_home=home, aliases=cities)
        relevant, reason, _ = judge_relevance(
            text,
            headline=headline,
            programs_found=tags,
            keywords=keywords,
            evidence=evidence,
            programs=programs,
        )
        gold_p, gold_c = set(rec["programs"]), set(rec["cities"])
        prog.add(gold_p, set(tags))
        city.add(gold_c, set(found_cities))
        total += 1
        right += relevant == rec["relevant"]
        if args.verbose and (
            gold_p != set(tags) or gold_c != set(found_cities) or relevant != rec["relevant"]
        ):
            print(f"- {rec['id']} (home {home})")
            for name, gold, found in (
                ("programs", gold_p, set(tags)),
                ("cities", gold_c, set(found_cities)),
            ):
                if gold != found:
                    print(f"    {name} missed {sorted(gold - found)} extra {sorted(found - gold)}")
            if relevant != rec["relevant"]:
                print(f"    relevance {relevant} (gold {rec['relevant']}): {reason}")
    elapsed = time.perf_counter() - started
    print(f"{total} records from {args.path} in {elapsed:.2f} s")
    print(prog.line("programs"))
    print(city.line("cities"))
    print(f"relevance  accuracy {right / total if total else 0:.3f}  ({right}/{total})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
