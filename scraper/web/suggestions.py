"""Tags the analysis saw but did not give: shown as one-click suggestions, not as tags.

A program named once, late and alone, is "mentioned in passing" and makes no
tag (``scraper.match``); a city named in passing neither. The evidence still
records them, so the desk offers each as a suggestion the reviewer can add
with one click::

    item = {"programs": [], "cities": ["York, PA"], "evidence": [
        {"kind": "relevance", "label": "mentions Cure Violence only in passing (...)"},
        {"kind": "city", "label": "Gary, IN", "note": "mentioned in passing"},
        {"kind": "city", "label": "York, PA", "note": "dateline"}]}
    tag_suggestions(item)
    -> [Suggestion("program", "Cure Violence", "mentioned in passing"),
        Suggestion("city", "Gary, IN", "mentioned in passing")]
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

TagKind = Literal["program", "city"]
_PASSING_PROGRAM = re.compile(r"mentions (.+?) only in passing")


@dataclass(frozen=True, slots=True)
class Suggestion:
    kind: TagKind
    value: str
    why: str


def tag_suggestions(item: Mapping[str, Any]) -> list[Suggestion]:
    """Programs and cities in the evidence that are not among the item's tags."""
    have: dict[str, set[str]] = {
        "program": set(item.get("programs") or []),
        "city": set(item.get("cities") or []),
    }
    out: dict[tuple[str, str], Suggestion] = {}
    for ev in item.get("evidence") or []:
        kind, label = ev.get("kind"), str(ev.get("label") or "")
        note = str(ev.get("note") or "")
        found: tuple[TagKind, str, str] | None = None
        if kind == "relevance":
            passing = _PASSING_PROGRAM.search(label)
            if passing:
                found = ("program", passing.group(1), "mentioned in passing")
        elif kind in ("program", "city") and label:
            why = "mentioned in passing" if "passing" in note else (note or "named in the story")
            found = ("program" if kind == "program" else "city", label, why)
        if found is None or found[1] in have[found[0]]:
            continue
        out.setdefault((found[0], found[1]), Suggestion(*found))
    return list(out.values())
