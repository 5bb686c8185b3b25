"""The audit log: who did what to which item, with the state before and after.

Review changes write their row in the same transaction as the change
(``storage.review``); ``record`` writes the rest (logins, submissions, checks).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.desk_base import DeskBase
from storage.review_tables import AuditRow


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    at: datetime
    user: str
    action: str
    item_id: int | None
    before: dict[str, Any]
    after: dict[str, Any]
    detail: str | None
    undone: bool


def audit_entry(row: AuditRow) -> AuditEntry:
    return AuditEntry(
        id=row.id,
        at=row.at,
        user=row.user,
        action=row.action,
        item_id=row.item_id,
        before=dict(row.before or {}),
        after=dict(row.after or {}),
        detail=row.detail,
        undone=row.undone,
    )


def add_audit_row(
    session: Session,
    *,
    user: str,
    action: str,
    item_id: int | None,
    detail: str | None,
    now: datetime,
    version_after: int | None = None,
) -> None:
    """An audit row for an action, in the caller's transaction (written with the change)."""
    session.add(
        AuditRow(
            at=now,
            user=user,
            action=action,
            item_id=item_id,
            before={},
            after={},
            detail=detail,
            version_after=version_after,
            undone=False,
        )
    )


class AuditLog(DeskBase):
    """Reading and writing the audit log (part of ``storage.review.ReviewStore``)."""

    def audit(
        self,
        *,
        item_id: int | None = None,
        user: str | None = None,
        limit: int | None = 100,
        offset: int = 0,
    ) -> list[AuditEntry]:
        with self._session() as session:
            query = select(AuditRow).order_by(AuditRow.id.desc())
            if item_id is not None:
                query = query.where(AuditRow.item_id == item_id)
            if user is not None:
                query = query.where(AuditRow.user == user)
            query = query.offset(offset)
            if limit is not None:
                query = query.limit(limit)
            return [audit_entry(r) for r in session.scalars(query)]

    def count_audit(self) -> int:
        with self._session() as session:
            return int(session.scalar(select(func.count(AuditRow.id))) or 0)

    def record(
        self,
        *,
        user: str,
        action: str,
        now: datetime,
        item_id: int | None = None,
        detail: str | None = None,
    ) -> None:
        """An audit row for something that is not a review change (login, submit, check)."""
        with self._session() as session, session.begin():
            add_audit_row(
                session, user=user, action=action, item_id=item_id, detail=detail, now=now
            )


def _past(action: str) -> str:
    return {
        "approve": "approved",
        "reject": "rejected",
        "unpublish": "unpublished",
        "promote": "moved to the queue",
    }.get(action, action)


def audit_csv(entries: Iterable[AuditEntry]) -> str:
    """The audit log as CSV (one row per entry; before/after as JSON)."""
    import json

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["id", "at", "user", "action", "item_id", "before", "after", "detail", "undone"]
    )
    for e in entries:
        writer.writerow(
            [
                e.id,
                e.at.isoformat(),
                _csv_safe(e.user),
                e.action,
                e.item_id if e.item_id is not None else "",
                json.dumps(e.before, ensure_ascii=False, default=str),
                json.dumps(e.after, ensure_ascii=False, default=str),
                _csv_safe(e.detail or ""),
                "yes" if e.undone else "",
            ]
        )
    return out.getvalue()


def _csv_safe(value: str) -> str:
    """Defuse spreadsheet formulas: a cell starting with = + - @ is prefixed with '."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value
