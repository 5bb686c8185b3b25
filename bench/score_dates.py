"""Publication-day scores on trafilatura-eval (``../shared/data/trafilatura-eval/``).

A page counts when its gold has a ``date`` (``YYYY-MM-DD``); clippings is right
when ``scraper.understand.extract.article.extract_article`` gives that calendar day, and the
baseline (trafilatura's ``bare_extraction`` with metadata, i.e. htmldate) is
scored the same way. zyte-aeb has no date gold, so it cannot be scored here.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import trafilatura

from scraper.understand.extract.article import extract_article

PLACEHOLDER_URL = "https://unknown.invalid/"  # for eval keys that are not URLs


@dataclass(slots=True)
class DateTally:
    pages: int = 0
    right: int = 0
    baseline_right: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.right / self.pages if self.pages else 0.0

    @property
    def baseline_share(self) -> float:
        return self.baseline_right / self.pages if self.pages else 0.0


def _trafilatura_day(html: bytes, url: str) -> str | None:
    try:
        doc = trafilatura.bare_extraction(html, url=url, with_metadata=True)
    except Exception:  # the baseline is scored as it behaves, crashes included
        return None
    date = getattr(doc, "date", None)
    return str(date)[:10] if date else None


def score_dates(
    folder: Path, *, keep: Callable[[str], bool], baseline: bool = True, limit: int = 0
) -> DateTally:
    tally = DateTally()
    gold = json.loads((folder / "evaldata.json").read_text(encoding="utf-8"))
    for key, record in gold.items():
        day = record.get("date")
        if not isinstance(day, str) or len(day.strip()) != 10 or not keep(key):
            continue
        if limit and tally.pages >= limit:
            break
        html = gzip.decompress((folder / "html" / f"{record['file']}.gz").read_bytes())
        url = key if key.startswith("http") else PLACEHOLDER_URL
        article = extract_article(html, url=url)
        ours = article.published.date().isoformat() if article.published else None
        tally.pages += 1
        tally.right += ours == day.strip()
        if ours != day.strip():
            tally.misses.append(f"{key}: ours {ours} gold {day}")
        if baseline:
            tally.baseline_right += _trafilatura_day(html, url) == day.strip()
    return tally
