"""Benchmark the article extraction stage against trafilatura on the shared corpora.

Usage::

    .venv/bin/python bench/bench_extract.py [--corpus trafilatura|zyte|all] [--limit N]
                                            [--misses headline|date|author]

For every page it runs ``scraper.understand.extract.article.extract_article`` and, as the baseline,
``trafilatura.bare_extraction(html, url=..., with_metadata=True)``, times both
on the same bytes, and prints one table: headline exact match, date right day,
author exact match, body P/R/F1 (metrics in ``bench/extract_scoring.py``) and
milliseconds per page with the clippings/trafilatura ratio. The trafilatura-eval
rows are also given for English-language hosts (.com .org .uk .us) alone and for
pages marked up as news articles (schema.org NewsArticle or og:type article).
``--misses`` prints gold vs. clippings for the pages a field got wrong.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import trafilatura

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from extract_scoring import (
    ShingleScores,
    SnippetCounts,
    author_matches,
    headline_matches,
)

from scraper.understand.extract.article import extract_article

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data"
TRAF_DIR = DATA / "trafilatura-eval"
ZYTE_DIR = DATA / "zyte-aeb"
ENGLISH_SUFFIXES = (".com", ".org", ".uk", ".us")
# Pages that declare themselves news articles (schema.org NewsArticle or og:type article).
NEWS_MARKUP = re.compile(rb'NewsArticle"|og:type"\s+content="article"', re.IGNORECASE)
PLACEHOLDER_URL = "https://unknown.invalid/"  # for eval keys that are not URLs ("hard::...")


@dataclass(slots=True)
class Output:
    """One system's reading of one page, as strings the metrics compare."""

    headline: str | None
    day: str | None  # YYYY-MM-DD
    author: str | None  # names joined with "; "
    text: str | None
    seconds: float


@dataclass(slots=True)
class Tally:
    """Scores of one system on one slice of a corpus."""

    headline_hits: int = 0
    headline_gold: int = 0
    date_hits: int = 0
    date_gold: int = 0
    author_hits: int = 0
    author_gold: int = 0
    snippets: SnippetCounts = field(default_factory=SnippetCounts)
    shingles: ShingleScores = field(default_factory=ShingleScores.empty)
    seconds: float = 0.0
    pages: int = 0


def run_clippings(html: bytes, url: str) -> Output:
    start = time.perf_counter()
    article = extract_article(html, url=url)
    seconds = time.perf_counter() - start
    day = article.published.date().isoformat() if article.published else None
    return Output(article.headline, day, "; ".join(article.authors) or None, article.text, seconds)


def run_trafilatura(html: bytes, url: str) -> Output:
    start = time.perf_counter()
    try:
        doc = trafilatura.bare_extraction(html, url=url, with_metadata=True)
    except Exception:  # the baseline is scored as it behaves, crashes included
        doc = None
    seconds = time.perf_counter() - start
    if doc is None or isinstance(doc, dict):
        return Output(None, None, None, None, seconds)
    return Output(doc.title, doc.date, doc.author, doc.text, seconds)


_CACHED_PACKAGES = ("trafilatura", "htmldate", "courlan", "dateparser", "justext", "scraper")


def cold_caches() -> None:
    """Empty every ``functools`` cache of the extraction libraries (not timed).

    htmldate and trafilatura memoise per string; without this, whichever system
    reads a page second would be timed on warm caches.
    """
    for name, module in list(sys.modules.items()):
        if module is None or not name.startswith(_CACHED_PACKAGES):
            continue
        for value in list(vars(module).values()):
            clear = getattr(value, "cache_clear", None)
            if callable(clear):
                clear()


def run_both(html: bytes, url: str) -> tuple[Output, Output]:
    """Both systems on one page, each starting from cold caches."""
    cold_caches()
    mine = run_clippings(html, url)
    cold_caches()
    return mine, run_trafilatura(html, url)


def traf_pages(limit: int | None) -> Iterator[tuple[str, dict[str, object], bytes]]:
    gold = json.loads((TRAF_DIR / "evaldata.json").read_text(encoding="utf-8"))
    for n, (key, record) in enumerate(gold.items()):
        if limit is not None and n >= limit:
            return
        html = gzip.decompress((TRAF_DIR / "html" / f"{record['file']}.gz").read_bytes())
        yield key, record, html


def zyte_pages(limit: int | None) -> Iterator[tuple[str, str, bytes]]:
    gold = json.loads((ZYTE_DIR / "ground-truth.json").read_text(encoding="utf-8"))
    for n, (key, record) in enumerate(gold.items()):
        if limit is not None and n >= limit:
            return
        html = gzip.decompress((ZYTE_DIR / "html" / f"{key}.html.gz").read_bytes())
        yield record["url"], record["articleBody"], html


def is_english_host(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    return host.endswith(ENGLISH_SUFFIXES)


def score_traf(tally: Tally, record: dict[str, object], out: Output) -> dict[str, bool]:
    """Add one page to ``tally``; return which gold fields this page got right."""
    right: dict[str, bool] = {}
    tally.pages += 1
    tally.seconds += out.seconds
    title = record.get("title")
    if isinstance(title, str) and title:
        tally.headline_gold += 1
        right["headline"] = headline_matches(title, out.headline)
        tally.headline_hits += right["headline"]
    day = record.get("date")
    if isinstance(day, str) and day:
        tally.date_gold += 1
        right["date"] = out.day == day.strip()
        tally.date_hits += right["date"]
    author = record.get("author")
    if isinstance(author, str | list):
        tally.author_gold += 1
        right["author"] = author_matches(author, out.author)
        tally.author_hits += right["author"]
    with_ = record.get("with")
    without = record.get("without")
    tally.snippets.add(
        out.text,
        with_ if isinstance(with_, list) else [],
        without if isinstance(without, list) else [],
    )
    return right


def _share(hits: int, total: int) -> str:
    return f"{hits / total:.3f} ({hits}/{total})" if total else "-"


def print_traf_rows(name: str, mine: Tally, base: Tally) -> None:
    for system, t in (("clippings", mine), ("trafilatura", base)):
        s = t.snippets
        ms = 1000 * t.seconds / t.pages if t.pages else 0.0
        print(
            f"{name:<22} {system:<12} {_share(t.headline_hits, t.headline_gold):>20} "
            f"{_share(t.date_hits, t.date_gold):>20} {_share(t.author_hits, t.author_gold):>20} "
            f"{s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} {ms:8.1f}"
        )
    ratio = mine.seconds / base.seconds if base.seconds else 0.0
    print(f"{'':<22} {'time ratio':<12} {ratio:.2f}x")


WARM_UP_PAGES = 5  # first calls load dateparser/htmldate tables; they are not timed


def warm_up() -> None:
    """Run both systems on a few pages so one-time imports and caches are not timed."""
    for url, _gold, html in zyte_pages(WARM_UP_PAGES):
        run_clippings(html, url)
        run_trafilatura(html, url)


def bench_traf(limit: int | None, misses: str | None) -> None:
    tallies = {k: (Tally(), Tally()) for k in ("all pages", "English hosts", "news articles")}
    for key, record, html in traf_pages(limit):
        url = key if key.startswith("http") else PLACEHOLDER_URL
        mine, base = run_both(html, url)
        slices = ["all pages"] + (["English hosts"] if is_english_host(url) else [])
        slices += ["news articles"] if NEWS_MARKUP.search(html) else []
        for name in slices:
            right = score_traf(tallies[name][0], record, mine)
            score_traf(tallies[name][1], record, base)
        if misses and right.get(misses) is False:
            print(
                f"MISS {misses} {key}\n  gold: {record.get(_GOLD_KEY[misses])!r}\n"
                f"  ours: {getattr(mine, _OUT_ATTR[misses])!r}\n"
                f"  traf: {getattr(base, _OUT_ATTR[misses])!r}"
            )
    print("\ntrafilatura-eval")
    print(
        f"{'slice':<22} {'system':<12} {'headline exact':>20} {'date day':>20} "
        f"{'author exact':>20} {'P':>6} {'R':>6} {'F1':>6} {'ms/page':>8}"
    )
    for name, (mine_t, base_t) in tallies.items():
        print_traf_rows(name, mine_t, base_t)


_GOLD_KEY = {"headline": "title", "date": "date", "author": "author"}
_OUT_ATTR = {"headline": "headline", "date": "day", "author": "author"}


def bench_zyte(limit: int | None) -> None:
    mine_scores, base_scores = ShingleScores.empty(), ShingleScores.empty()
    mine_s = base_s = 0.0
    pages = 0
    for url, gold, html in zyte_pages(limit):
        mine, base = run_both(html, url)
        mine_scores.add(gold, mine.text)
        base_scores.add(gold, base.text)
        mine_s += mine.seconds
        base_s += base.seconds
        pages += 1
    print("\nzyte-aeb (body, token 4-gram shingles)")
    print(f"{'system':<12} {'P':>6} {'R':>6} {'F1':>6} {'exact':>6} {'ms/page':>8}")
    for system, sc, secs in (
        ("clippings", mine_scores, mine_s),
        ("trafilatura", base_scores, base_s),
    ):
        print(
            f"{system:<12} {sc.precision:6.3f} {sc.recall:6.3f} {sc.f1:6.3f} "
            f"{sc.accuracy:6.3f} {1000 * secs / max(pages, 1):8.1f}"
        )
    print(f"{'time ratio':<12} {mine_s / base_s if base_s else 0.0:.2f}x ({pages} pages)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", choices=("trafilatura", "zyte", "all"), default="all")
    parser.add_argument("--limit", type=int, default=None, help="pages per corpus")
    parser.add_argument("--misses", choices=("headline", "date", "author"), default=None)
    args = parser.parse_args()
    if ZYTE_DIR.is_dir():
        warm_up()
    if args.corpus in ("trafilatura", "all"):
        if not TRAF_DIR.is_dir():
            sys.exit(f"missing corpus: {TRAF_DIR}")
        bench_traf(args.limit, args.misses)
    if args.corpus in ("zyte", "all"):
        if not ZYTE_DIR.is_dir():
            sys.exit(f"missing corpus: {ZYTE_DIR}")
        bench_zyte(args.limit)


if __name__ == "__main__":
    main()
