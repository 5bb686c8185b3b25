"""Counting a period's stories: by month, program, city and outlet, and the speakers.

Pure: takes stored items (``item_json`` shape, review edits applied) and
returns a ``Coverage``. Every text goes through ``public_item``, the cleaning
the news page uses, so a report never shows what the news page would not::

    coverage(items, since=date(2024, 1, 1), until=date(2024, 3, 31))
    -> Coverage(total=12, months=("2024-01", "2024-02", "2024-03"),
                by_month={"2024-01": 5, ...}, by_program={"Group Violence Intervention": 9, ...},
                per_program_month={"Group Violence Intervention": {"2024-01": 4, ...}}, ...)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from scraper.publish.model import MONTHS, PublicItem, clean_line, public_item

NO_PROGRAM = "(no program)"
NO_CITY = "(no city)"
TOP_SPEAKERS = 15


@dataclass(frozen=True, slots=True)
class Story:
    """One row of the clip sheet and of the report's list."""

    item: PublicItem
    speaker: str  # who speaks in the excerpt, else the first quoted person

    @property
    def day(self) -> str:
        return self.item.date.strftime("%Y-%m-%d")

    @property
    def month(self) -> str:
        return self.item.date.strftime("%Y-%m")


@dataclass(frozen=True, slots=True)
class Speaker:
    name: str
    quotes: int
    stories: int


@dataclass(frozen=True, slots=True)
class Coverage:
    since: date
    until: date
    stories: tuple[Story, ...]
    months: tuple[str, ...]  # every month of the period, "YYYY-MM", oldest first
    by_month: dict[str, int]
    by_program: dict[str, int]  # most first
    by_city: dict[str, int]
    by_outlet: dict[str, int]
    per_program_month: dict[str, dict[str, int]]  # program -> month -> stories
    speakers: tuple[Speaker, ...]

    @property
    def total(self) -> int:
        return len(self.stories)

    def month_label(self, month: str) -> str:
        """``"2024-03"`` -> ``"Mar 2024"``."""
        year, number = month.split("-")
        return f"{MONTHS[int(number) - 1][:3]} {year}"

    def to_json(self) -> dict[str, Any]:
        return {
            "from": self.since.isoformat(),
            "to": self.until.isoformat(),
            "total": self.total,
            "by_month": self.by_month,
            "by_program": self.by_program,
            "by_city": self.by_city,
            "by_outlet": self.by_outlet,
            "per_program_month": self.per_program_month,
            "speakers": [
                {"name": s.name, "quotes": s.quotes, "stories": s.stories} for s in self.speakers
            ],
            "stories": [
                {
                    "id": s.item.id,
                    "date": s.day,
                    "outlet": s.item.outlet,
                    "headline": s.item.headline,
                    "url": s.item.url,
                    "programs": list(s.item.programs),
                    "cities": list(s.item.cities),
                    "excerpt": "\n\n".join(s.item.excerpt),
                    "speaker": s.speaker,
                }
                for s in self.stories
            ],
        }


def months_between(since: date, until: date) -> tuple[str, ...]:
    """``2024-01-15, 2024-03-02`` -> ``("2024-01", "2024-02", "2024-03")``."""
    out: list[str] = []
    year, month = since.year, since.month
    while (year, month) <= (until.year, until.month):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return tuple(out)


def excerpt_speaker(item: Mapping[str, Any], excerpt: str) -> str:
    """The speaker of the quote the excerpt shows, else of the first quote with a speaker."""
    quotes = [q for q in item.get("quotes") or [] if isinstance(q, Mapping)]
    for quote in quotes:
        text = str(quote.get("text") or "").strip(" ,.")
        if quote.get("speaker") and text and text[:40] in excerpt:
            return clean_line(quote["speaker"])
    for quote in quotes:
        if quote.get("speaker"):
            return clean_line(quote["speaker"])
    return ""


def _ranked(counter: Counter[str]) -> dict[str, int]:
    return dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


def coverage(
    items: Iterable[Mapping[str, Any]], *, since: date, until: date, host: str = "localhost"
) -> Coverage:
    """Count ``items`` (the stories of the period) by month, program, city, outlet, speaker."""
    stories: list[Story] = []
    quotes: Counter[str] = Counter()  # speaker -> quotes
    quoted_in: Counter[str] = Counter()  # speaker -> stories
    for raw in items:
        item = public_item(raw, host=host)
        stories.append(Story(item=item, speaker=excerpt_speaker(raw, " ".join(item.excerpt))))
        names = [
            clean_line(q.get("speaker"))
            for q in raw.get("quotes") or []
            if isinstance(q, Mapping) and q.get("speaker")
        ]
        quotes.update(n for n in names if n)
        quoted_in.update({n for n in names if n})
    stories.sort(key=lambda s: (s.item.date, s.item.id))
    months = months_between(since, until)
    by_month = Counter(dict.fromkeys(months, 0))
    programs: Counter[str] = Counter()
    cities: Counter[str] = Counter()
    outlets: Counter[str] = Counter()
    per_program: dict[str, Counter[str]] = {}
    for story in stories:
        by_month[story.month] += 1
        for program in story.item.programs or (NO_PROGRAM,):
            programs[program] += 1
            per_program.setdefault(program, Counter())[story.month] += 1
        for city in story.item.cities or (NO_CITY,):
            cities[city] += 1
        outlets[story.item.outlet or "(unknown outlet)"] += 1
    return Coverage(
        since=since,
        until=until,
        stories=tuple(stories),
        months=months,
        by_month={m: by_month[m] for m in sorted(by_month)},
        by_program=_ranked(programs),
        by_city=_ranked(cities),
        by_outlet=_ranked(outlets),
        per_program_month={p: {m: per_program[p][m] for m in months} for p in _ranked(programs)},
        speakers=tuple(
            Speaker(name, count, quoted_in[name])
            for name, count in sorted(quotes.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_SPEAKERS]
        ),
    )
