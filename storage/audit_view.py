"""The audit log as the desk's page reads it: by kind of entry, with each item's headline.

Logins crowd out the record of decisions, so the page shows one kind at a
time (``AUDIT_KINDS``): changes to stories (the default), logins and the other
security events of ``storage.security_log`` (``?kind=security`` says the same), or
everything; and it names each item by its headline, not its id alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from sqlalchemy import or_, select
from sqlalchemy.sql.elements import ColumnElement

from storage.audit import AuditEntry
from storage.review_tables import AuditRow
from storage.security_log import SECURITY_ACTIONS
from storage.store import Store
from storage.tables import ItemRow

AuditKind = Literal["stories", "logins", "all"]
AUDIT_KINDS: tuple[AuditKind, ...] = ("stories", "logins", "all")


def _logins() -> ColumnElement[bool]:
    """Logins, their failures, lockouts, logouts, ended sessions (``SECURITY_ACTIONS``)."""
    return or_(AuditRow.action.like("login%"), AuditRow.action.in_(SECURITY_ACTIONS))


def audit_entries(
    store: Store,
    *,
    kind: AuditKind = "stories",
    item_id: int | None = None,
    user: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[AuditEntry]:
    """Audit entries of one kind, newest first."""
    query = select(AuditRow).order_by(AuditRow.id.desc())
    if kind == "logins":
        query = query.where(_logins())
    elif kind == "stories":
        query = query.where(~_logins())
    if item_id is not None:
        query = query.where(AuditRow.item_id == item_id)
    if user is not None:
        query = query.where(AuditRow.user == user)
    with store.session() as session:
        rows = session.scalars(query.offset(offset).limit(limit))
        return [
            AuditEntry(
                id=r.id,
                at=r.at,
                user=r.user,
                action=r.action,
                item_id=r.item_id,
                before=dict(r.before or {}),
                after=dict(r.after or {}),
                detail=r.detail,
                undone=r.undone,
            )
            for r in rows
        ]


def headlines(store: Store, item_ids: Iterable[int | None]) -> dict[int, str]:
    """The effective headline (edits applied) of each item that still exists."""
    wanted = sorted({i for i in item_ids if i is not None})
    if not wanted:
        return {}
    with store.session() as session:
        rows = session.execute(
            select(ItemRow.id, ItemRow.headline, ItemRow.edits, ItemRow.url).where(
                ItemRow.id.in_(wanted)
            )
        )
        return {
            r.id: str((r.edits or {}).get("headline") or r.headline or r.url or "") for r in rows
        }
