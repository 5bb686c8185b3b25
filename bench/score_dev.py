"""Scores of the whole analysis on the hand-labelled dev set (``../shared/eval/dev.jsonl``).

Each record runs the path a collected story takes (``scraper.understand.analyze.analyze``
on a feed entry with the record's text, headline and outlet). Programs and
cities are scored as sets per record, micro-averaged; quotes are attributed
quotes matched by overlap, and the speaker share is over matched quotes, as the
eval README defines. The programs baseline tags a program when one of its
names or aliases is written in the story and nothing else (names only).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from quote_scoring import match, same_speaker

from scraper.config.schema import Config
from scraper.config.vocab import ProgramSpec
from scraper.models import Analysis, Entry
from scraper.understand.analyze import analyze


@dataclass(slots=True)
class SetScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, gold: set[str], found: set[str]) -> None:
        self.tp += len(gold & found)
        self.fp += len(found - gold)
        self.fn += len(gold - found)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(slots=True)
class DevTally:
    programs: SetScore = field(default_factory=SetScore)
    programs_baseline: SetScore = field(default_factory=SetScore)
    cities: SetScore = field(default_factory=SetScore)
    quotes: SetScore = field(default_factory=SetScore)
    speakers_right: int = 0
    speakers_checked: int = 0
    relevant_right: int = 0
    relevant_baseline_right: int = 0
    records: int = 0
    seconds: float = 0.0
    misses: list[str] = field(default_factory=list)

    @property
    def relevance(self) -> float:
        return self.relevant_right / self.records if self.records else 0.0

    @property
    def relevance_baseline(self) -> float:
        return self.relevant_baseline_right / self.records if self.records else 0.0

    @property
    def speakers(self) -> float:
        return self.speakers_right / self.speakers_checked if self.speakers_checked else 0.0


def _names_regex(spec: ProgramSpec) -> re.Pattern[str]:
    forms = [spec.name, *spec.aliases, *spec.names]
    return re.compile(r"\b(?:" + "|".join(re.escape(f) for f in forms) + r")\b", re.IGNORECASE)


def names_only(text: str, programs: Sequence[ProgramSpec]) -> set[str]:
    """The baseline: the programs whose name or an alias is written in the text."""
    return {p.name for p in programs if _names_regex(p).search(text)}


def _misses(record: dict[str, object], result: Analysis) -> list[str]:
    out = []
    gold_p, gold_c = set(record["programs"]), set(record["cities"])  # type: ignore[call-overload]
    if gold_p != set(result.programs):
        out.append(f"programs {sorted(result.programs)} vs gold {sorted(gold_p)}")
    if gold_c != set(result.cities):
        out.append(f"cities {sorted(result.cities)} vs gold {sorted(gold_c)}")
    if result.relevant != record["relevant"]:
        out.append(f"relevant {result.relevant} ({result.relevance_reason})")
    return out


def score_dev(path: Path, *, keep: Callable[[str], bool], config: Config) -> DevTally:
    tally = DevTally()
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if not keep(record["id"]):
            continue
        entry = Entry(url=record["url"], title=record.get("headline"), summary=record["text"])
        started = time.perf_counter()
        result = analyze(url=record["url"], config=config, entry=entry, outlet=record.get("outlet"))
        tally.seconds += time.perf_counter() - started
        tally.records += 1
        gold_programs = set(record["programs"])
        tally.programs.add(gold_programs, set(result.programs))
        baseline = names_only(f"{record.get('headline') or ''}\n{record['text']}", config.programs)
        tally.programs_baseline.add(gold_programs, baseline)
        tally.relevant_baseline_right += bool(baseline) == record["relevant"]
        tally.cities.add(set(record["cities"]), set(result.cities))
        tally.relevant_right += result.relevant == record["relevant"]
        # the gold labels quotations of six words or more; shorter complete sentences,
        # which find_quotes also keeps, have no gold to meet
        found = [q for q in result.quotes if q.speaker and len(q.text.split()) >= 6]
        gold = record["quotes"]
        pairs = match([q.text for q in found], [g["text"] for g in gold])
        right = [(i, j) for i, j in pairs if same_speaker(found[i].speaker, gold[j]["speaker"])]
        tally.quotes.tp += len(pairs)
        tally.quotes.fp += len(found) - len(pairs)
        tally.quotes.fn += len(gold) - len(pairs)
        tally.speakers_checked += len(pairs)
        tally.speakers_right += len(right)
        tally.misses += [f"{record['id']}: {m}" for m in _misses(record, result)]
        tally.misses += [
            f"{record['id']}: speaker {found[i].speaker!r} vs {gold[j]['speaker']!r}"
            for i, j in pairs
            if (i, j) not in right
        ]
    return tally
