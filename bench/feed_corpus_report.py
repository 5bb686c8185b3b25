"""Report what the parse stage makes of the feedparser test corpus.

    .venv/bin/python bench/feed_corpus_report.py

Prints, per suite: files, feeds with entries, feeds without entries, refused
(ParseError, with the most common reasons), crashes (must be 0), warnings and
time; then a fidelity figure on the simple upstream expectations of the form
``entries[0]['title'] == '...'`` (title, link, id, author), compared with our
plain-text fields (the expression is matched with a regex, never evaluated).
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.corpus import CORPUS, SUITES, Outcome, cases, run

SIMPLE = re.compile(
    r"^(?:not bozo and )?entries\[0\]\['(title|link|id|author)'\] == u?(['\"])(.*)\2$"
)
FIELD = {"title": "title", "link": "url", "id": "guid", "author": "author"}


def reason(detail: str) -> str:
    """A parse error with file-specific parts removed, to count alike reasons together."""
    text = re.sub(r"<unknown>:\d+:\d+", "<pos>", detail)
    text = re.sub(r"'[^']*'", "'…'", text)
    return text[:90]


def fidelity(outcomes: list[Outcome]) -> tuple[int, int, Counter[str]]:
    expectations = json.loads((CORPUS / "expectations.json").read_text(encoding="utf-8"))
    by_file = {o.case.name: o for o in outcomes}
    checked = agreed = 0
    misses: Counter[str] = Counter()
    for record in expectations["cases"]:
        match = SIMPLE.match(record.get("expect") or "")
        outcome = by_file.get(record["file"])
        if not match or outcome is None or outcome.parsed is None or not outcome.parsed.entries:
            continue  # only files where we kept entries can be compared
        key, _quote, expected = match.groups()
        expected = expected.encode("latin-1", "backslashreplace").decode("unicode_escape")
        checked += 1
        entries = outcome.parsed.entries if outcome.parsed else ()
        got = getattr(entries[0], FIELD[key]) if entries else None
        if got is not None and " ".join(str(got).split()) == " ".join(expected.split()):
            agreed += 1
        else:
            misses[key] += 1
    return checked, agreed, misses


def main() -> None:
    if not CORPUS.is_dir():
        print(f"no corpus at {CORPUS}")
        return
    started = time.monotonic()
    outcomes: list[Outcome] = []
    print(
        f"{'suite':<11} {'files':>6} {'entries':>8} {'unlinked':>9} {'empty':>6} "
        f"{'refused':>8} {'crash':>6} {'warned':>7} {'seconds':>8}"
    )
    for suite in SUITES:
        batch = [run(case) for case in cases(suite)]
        outcomes.extend(batch)
        kinds = Counter(o.kind for o in batch)
        warned = sum(1 for o in batch if o.parsed is not None and o.detail)
        print(
            f"{suite:<11} {len(batch):>6} {kinds['entries']:>8} {kinds['unlinked entries']:>9} "
            f"{kinds['no entries']:>6} "
            f"{kinds['parse error']:>8} {kinds['crash']:>6} {warned:>7} "
            f"{sum(o.seconds for o in batch):>8.2f}"
        )
    total = Counter(o.kind for o in outcomes)
    print(
        f"{'all':<11} {len(outcomes):>6} {total['entries']:>8} "
        f"{total['unlinked entries']:>9} {total['no entries']:>6} "
        f"{total['parse error']:>8} {total['crash']:>6}"
    )
    print("(unlinked: the feed has entries but none with an http(s) link, so none is a story)")
    print("\nmost common reasons for refusing a file:")
    for text, count in Counter(
        reason(o.detail) for o in outcomes if o.kind == "parse error"
    ).most_common(8):
        print(f"  {count:>5}  {text}")
    crashes = [o for o in outcomes if o.kind == "crash"]
    for o in crashes[:10]:
        print(f"  CRASH {o.case.name}: {o.detail}")
    slowest = sorted(outcomes, key=lambda o: o.seconds, reverse=True)[:3]
    print(
        "\nslowest files: " + ", ".join(f"{o.case.name} {o.seconds * 1000:.0f} ms" for o in slowest)
    )
    checked, agreed, misses = fidelity(outcomes)
    if checked:
        print(
            f"\nsimple upstream expectations (entries[0] title/link/id/author): "
            f"{agreed}/{checked} agree ({agreed / checked:.1%}); misses by field: {dict(misses)}"
        )
    print(f"\ntotal {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    main()
