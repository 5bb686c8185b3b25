"""A fixed split of every shared evaluation set into a tuning part and a report part.

Each record goes to one part by a hash of the seed and the record's own key
(dev: ``id``; TR-News: ``docid``; GeoWebNews: ``file``; PolNeAR: ``doc_id``,
so both annotators of an article fall together; trafilatura-eval: its URL key),
so the split does not depend on file order and survives added records::

    >>> part("dev-york-gvi-2019")   # doctest: +SKIP
    'report'

Tune rules on the ``tuning`` part only. Figures quoted in the README and in
closing notes are the ``report`` part's: a change that helps ``tuning`` and not
``report`` has learned the cases, not the language.
"""

from __future__ import annotations

import hashlib
from typing import Literal

SEED = "clippings-split-2026"  # changing it re-deals every set: never do it casually
REPORT_SHARE = 0.5  # half of each set is held out for reporting

Part = Literal["tuning", "report"]
PARTS: tuple[Part, Part] = ("tuning", "report")


def part(key: str) -> Part:
    """The part a record with this key belongs to (stable across runs and machines)."""
    digest = hashlib.sha256(f"{SEED}\0{key}".encode()).digest()
    share = int.from_bytes(digest[:8], "big") / 2**64
    return "report" if share < REPORT_SHARE else "tuning"
