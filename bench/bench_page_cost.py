"""What analysing a whole page costs, against trafilatura's extraction of it.

    .venv/bin/python bench/bench_page_cost.py [--limit N]

The issue's bar: analysing a page (``scraper.understand.analyze.analyze``: extraction,
quotes, excerpt, program tags, cities, relevance) costs at most 1.5x
trafilatura's own extraction (``bare_extraction`` with metadata) of the same
bytes. Runs over the Zyte article benchmark's 181 news pages in
``../shared/data/zyte-aeb/`` (skipped when absent), both systems on each page
in turn with htmldate's caches emptied first, after one warm-up page (the
gazetteer and vocabularies load once per process), and prints the totals and
the ratio.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from pathlib import Path

import trafilatura

from scraper.config.schema import Config
from scraper.understand.analyze import analyze

ZYTE = Path(__file__).resolve().parents[2] / "shared" / "data" / "zyte-aeb"
WARM_UP_PAGES = 3
WARM_UP_HTML = (
    "<html><head><title>Warm-up</title></head><body><article><h1>Warm-up</h1><p>"
    "\u201cWe will keep every door open for these young men,\u201d said Jane Roe of "
    "Springfield, Illinois, after a call-in with Group Violence Intervention staff.</p>"
    "</article></body></html>"
).encode()


def _clear_caches() -> None:
    try:
        from htmldate.core import reset_caches  # type: ignore[import-untyped]
    except ImportError:
        return
    reset_caches()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="only the first N pages")
    args = parser.parse_args()
    truth_file = ZYTE / "ground-truth.json"
    if not truth_file.exists():
        print(f"no pages at {ZYTE}", file=sys.stderr)
        return 1
    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    keys = sorted(truth)[: args.limit or None]
    config = Config()
    # Warm-up, not timed: the gazetteer, the vocabularies and the quote finder's
    # place list load once per process (a collector loads them once, too).
    for key in keys[:WARM_UP_PAGES]:
        page = gzip.decompress((ZYTE / "html" / f"{key}.html.gz").read_bytes())
        analyze(url=truth[key]["url"], config=config, html=page)
    analyze(url="https://warm.example/", config=config, html=WARM_UP_HTML)
    ours = theirs = 0.0
    for key in keys:
        html = gzip.decompress((ZYTE / "html" / f"{key}.html.gz").read_bytes())
        url = truth[key]["url"]
        _clear_caches()
        started = time.perf_counter()
        trafilatura.bare_extraction(html, url=url, with_metadata=True)
        theirs += time.perf_counter() - started
        _clear_caches()
        started = time.perf_counter()
        analyze(url=url, config=config, html=html)
        ours += time.perf_counter() - started
    pages = len(keys)
    print(f"{pages} pages (zyte-aeb)")
    print(f"trafilatura extraction   {theirs / pages * 1000:7.1f} ms per page")
    print(f"clippings whole analysis {ours / pages * 1000:7.1f} ms per page")
    print(f"ratio                    {ours / theirs:7.2f} x  (target <= 1.5)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
