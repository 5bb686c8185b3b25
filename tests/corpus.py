"""The feedparser test corpus (``../shared/data/feedparser-tests``) as parse-stage inputs.

Each file is given to ``parse_feed`` as the fetcher would: bytes, the URL, and
for the cases upstream serves over HTTP the response headers it lists
(Content-Type defaults to ``text/xml`` there). Used by ``tests/test_feed_corpus.py``
and ``bench/feed_corpus_report.py``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from scraper.models.errors import ParseError
from scraper.sources.parse import ParsedFeed, parse_feed

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "data" / "feedparser-tests"
SUITES = ("wellformed", "illformed", "encoding", "entities", "json")


@dataclass(frozen=True)
class Case:
    path: Path
    suite: str
    headers: dict[str, str]

    @property
    def name(self) -> str:
        return str(self.path.relative_to(CORPUS))


@dataclass(frozen=True)
class Outcome:
    case: Case
    kind: str  # "entries" | "unlinked entries" | "no entries" | "parse error" | "crash"
    detail: str  # the ParseError or exception text; the warning for parsed feeds
    seconds: float
    parsed: ParsedFeed | None = None


def cases(suite: str | None = None) -> Iterator[Case]:
    """Every corpus file (of one suite), with the HTTP headers upstream serves it with."""
    headers: dict[str, dict[str, str]] = {}
    expectations = CORPUS / "expectations.json"
    if expectations.exists():
        for record in json.loads(expectations.read_text(encoding="utf-8"))["cases"]:
            if record.get("mode") == "http":
                sent = {k.lower(): v for k, v in (record.get("http_headers") or {}).items()}
                sent.setdefault("content-type", "text/xml")
                headers[record["file"]] = sent
    for name in SUITES if suite is None else (suite,):
        folder = CORPUS / name
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in (".xml", ".json"):
                relative = str(path.relative_to(CORPUS))
                yield Case(path, name, headers.get(relative, {}))


def run(case: Case) -> Outcome:
    """One file through the parse stage; anything but ParseError is a crash."""
    body = case.path.read_bytes()
    url = f"http://feeds.example/{case.name}"
    started = time.monotonic()
    try:
        parsed = parse_feed(body, url=url, headers=case.headers)
    except ParseError as exc:
        return Outcome(case, "parse error", str(exc), time.monotonic() - started)
    except Exception as exc:  # the test fails on these
        return Outcome(case, "crash", f"{type(exc).__name__}: {exc}", time.monotonic() - started)
    # Entries without an http(s) link cannot be stories and are skipped on purpose.
    kind = (
        "entries"
        if parsed.entries
        else "unlinked entries"
        if parsed.total_entries
        else "no entries"
    )
    return Outcome(case, kind, parsed.warning or "", time.monotonic() - started, parsed)
