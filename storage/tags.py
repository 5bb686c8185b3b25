"""Tag types and the ``item_tags`` index of an item's effective tags.

A tag type is a name (the ``kind`` in ``item_tags``) and the item field that
holds its values. ``item_tags`` holds the *effective* values (review edits
applied), so the queue's filters and menus read one indexed table whatever
the type. Every writer of tags goes through ``sync_tags`` or ``tag_rows``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from storage.tables import ItemRow, ItemTagRow


@dataclass(frozen=True, slots=True)
class TagType:
    kind: str  # the value of item_tags.kind
    field: str  # the item field (and review edit key) that holds the values


TAG_TYPES: tuple[TagType, ...] = (TagType("program", "programs"), TagType("city", "cities"))


def tag_rows(item_id: int, values: Mapping[str, Iterable[str]]) -> list[dict[str, Any]]:
    """``item_tags`` rows for a new item; ``values`` maps a field to its tags."""
    return [
        {"item_id": item_id, "kind": tag.kind, "value": value}
        for tag in TAG_TYPES
        for value in dict.fromkeys(values.get(tag.field, ()))
    ]


def sync_tags(session: Session, row: ItemRow, edits: Mapping[str, Any] | None = None) -> None:
    """Make ``item_tags`` hold ``row``'s effective tags (``edits``: the review edits to apply)."""
    edits = row.edits or {} if edits is None else edits
    session.execute(delete(ItemTagRow).where(ItemTagRow.item_id == row.id))
    for tag in TAG_TYPES:
        original = getattr(row, tag.field) or []
        for value in dict.fromkeys(edits.get(tag.field, original)):
            session.add(ItemTagRow(item_id=row.id, kind=tag.kind, value=value))
    session.flush()
