"""Items as read back from storage, in the shape every reader uses."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from scraper.models.stored import ItemRecord
from storage.tables import ItemRow, SightingRow


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def original_values(row: ItemRow) -> dict[str, Any]:
    """The editable fields as collected, in ``item_json``'s keys (before any edit)."""
    return {
        "headline": row.headline,
        "excerpt": row.excerpt or "",
        "published": _iso(row.published_at),
        "outlet": row.outlet,
        "programs": list(row.programs or []),
        "cities": list(row.cities or []),
    }


def suggestions(evidence: Sequence[dict[str, Any]], tags: Sequence[str]) -> list[dict[str, Any]]:
    """Programs and cities the stored evidence names that are not tags (yet).

    The analysis keeps the evidence of labels below the confidence thresholds;
    a reviewer who accepts one makes it a tag, and it leaves this list.
    """
    best: dict[str, dict[str, Any]] = {}
    for ev in evidence:
        if ev.get("kind") not in ("program", "city") or ev.get("label") in tags:
            continue
        label, confidence = str(ev.get("label")), float(ev.get("confidence") or 0.0)
        if label not in best or confidence > best[label]["confidence"]:
            best[label] = {"kind": ev["kind"], "label": label, "confidence": confidence}
    return list(best.values())


def item_json(row: ItemRow, sightings: Sequence[SightingRow]) -> ItemRecord:
    """The public shape of an item (``clippings items --json``).

    ``headline``, ``excerpt``, ``published``, ``outlet``, ``programs`` and
    ``cities`` are the effective values (review edits applied); ``original``
    holds the collected value of each edited field.
    """
    originals = original_values(row)
    edits = {k: v for k, v in (row.edits or {}).items() if k in originals}
    current = {**originals, **edits}
    return {
        "id": row.id,
        "url": row.url,
        "canonical_url": row.canonical_url,
        "outlet": current["outlet"],
        "headline": current["headline"],
        "published": current["published"],
        "authors": list(row.authors or []),
        "status": row.status,
        "status_reason": row.status_reason,
        "excerpt": current["excerpt"],
        "summary": row.summary or "",
        "text": row.text or "",
        "quotes": list(row.quotes or []),
        "programs": list(current["programs"]),
        "cities": list(current["cities"]),
        "relevant": bool(row.relevant),
        "evidence": list(row.evidence or []),
        "suggestions": suggestions(row.evidence or [], [*current["programs"], *current["cities"]]),
        "first_seen": _iso(row.first_seen_at),
        "last_seen": _iso(row.last_seen_at),
        "sources": list(dict.fromkeys(s.source_id for s in sightings)),
        "seen_at": [
            {
                "source": s.source_id,
                "url": s.url,
                "first_seen": _iso(s.first_seen_at),
                "last_seen": _iso(s.last_seen_at),
                "times": s.times,
            }
            for s in sightings
        ],
        "analysis_note": row.analysis_note,
        "original": {k: originals[k] for k in edits},
        "public_note": row.public_note or "",
        "internal_note": row.internal_note or "",
        "reviewed_by": row.reviewed_by,
        "reviewed_at": _iso(row.reviewed_at),
        "version": row.version or 1,
        "story_id": row.story_id,  # shared by all copies of one story
        "primary": bool(row.is_primary),  # the copy the desk shows and the outputs link to
        "revision": row.revision or 1,  # +1 each time the article itself changed
    }
