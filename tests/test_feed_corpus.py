"""Every file of the feedparser test corpus goes through the parse stage; no exception escapes.

Skipped when ``../shared/data/feedparser-tests`` is absent. The outcome report
(how many parsed, refused, with which reasons) is ``bench/feed_corpus_report.py``.
"""

from __future__ import annotations

import pytest

from tests.corpus import CORPUS, SUITES, cases, run

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"no corpus at {CORPUS}")


@pytest.mark.parametrize("suite", SUITES, ids=SUITES)
def test_no_exception_escapes_the_parse_stage(suite: str) -> None:
    outcomes = [run(case) for case in cases(suite)]
    assert outcomes, f"no files in {CORPUS / suite}"
    crashes = [f"{o.case.name}: {o.detail}" for o in outcomes if o.kind == "crash"]
    assert not crashes, "\n".join(crashes[:20])
    slow = [f"{o.case.name}: {o.seconds:.1f} s" for o in outcomes if o.seconds > 5]
    assert not slow, slow
    for outcome in outcomes:
        for entry in outcome.parsed.entries if outcome.parsed else ():
            assert entry.url.startswith(("http://", "https://")), outcome.case.name
            for text in (entry.title, entry.summary, entry.author):
                assert text is None or "<script" not in text.lower(), outcome.case.name


def test_most_wellformed_feeds_give_entries_or_parse_cleanly() -> None:
    """Not a crash count only: the well-formed suite must mostly parse (not be refused)."""
    outcomes = [run(case) for case in cases("wellformed")]
    refused = [o for o in outcomes if o.kind == "parse error"]
    assert len(refused) < 0.05 * len(outcomes), [o.case.name for o in refused[:10]]
