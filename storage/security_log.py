"""Security events in the audit log: logins and their failures, lockouts, logouts,
password changes, ended sessions and unlocks, each with the client address.

They are ordinary audit rows (``audit_log``, no item), so the audit page and its
CSV export carry them; ``security_events`` lists only them, newest first.
"""

from __future__ import annotations

from sqlalchemy import select

from storage.audit import AuditEntry, audit_entry
from storage.review_tables import AuditRow
from storage.store import Store

SECURITY_ACTIONS = (
    "login",
    "login_failed",
    "lockout",
    "logout",
    "password_changed",
    "session_ended",
    "unlock",
)


def security_events(store: Store, *, limit: int | None = 100, offset: int = 0) -> list[AuditEntry]:
    with store.session() as session:
        query = (
            select(AuditRow)
            .where(AuditRow.action.in_(SECURITY_ACTIONS))
            .order_by(AuditRow.id.desc())
            .offset(offset)
        )
        if limit is not None:
            query = query.limit(limit)
        return [audit_entry(row) for row in session.scalars(query)]
