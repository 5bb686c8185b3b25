"""Review changes: approve, reject, edit, notes and undo, each with its audit row.

Like ``storage.store``, callers pass and receive plain values; no SQLAlchemy
object leaves this module. Review changes are guarded by the item's
``version``: a change carries the version it was made against, the update
only applies ``WHERE version = expected``, and a stale version raises
``Conflict`` with the item as it is now, so two reviewers never overwrite
each other silently. Every change writes an audit row in the same
transaction, with the review state before and after.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from scraper.models.errors import Conflict, NotAllowed, NotFound, ReviewError
from scraper.models.stored import ItemRecord
from storage.audit import AuditEntry, AuditLog, _past, audit_entry
from storage.queue import ReviewQueue
from storage.records import item_json, original_values
from storage.review_tables import AuditRow
from storage.story_index import follow_primaries
from storage.tables import ItemRow
from storage.tags import sync_tags
from storage.users import UserAccounts

Action = Literal["approve", "reject", "unpublish", "promote"]


ACTIONS: tuple[Action, ...] = ("approve", "reject", "unpublish", "promote")


EDITABLE = ("headline", "excerpt", "published", "outlet", "programs", "cities")


# action -> (statuses it applies to, status it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "approve": (frozenset({"candidate", "rejected", "filtered"}), "approved"),
    "reject": (frozenset({"candidate", "approved", "published", "filtered"}), "rejected"),
    "unpublish": (frozenset({"approved", "published"}), "candidate"),
    "promote": (frozenset({"filtered", "rejected"}), "candidate"),
}


UNDOABLE = frozenset({*ACTIONS, "edit", "notes"})


def _snapshot(row: ItemRow) -> dict[str, Any]:
    """The review state of an item: what an action changes and undo restores."""
    return {
        "status": row.status,
        "status_reason": row.status_reason,
        "edits": dict(row.edits or {}),
        "internal_note": row.internal_note,
        "public_note": row.public_note,
    }


def _diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> tuple[dict[str, Any], ...]:
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


class ReviewStore(UserAccounts, ReviewQueue, AuditLog):
    """Reads and writes of the review desk, over the same engine as ``Store``.

    Made of ``storage.users`` (accounts, sessions, login throttling),
    ``storage.queue`` (the queue and its menus) and ``storage.audit`` (the
    log); the review changes themselves are here.
    """

    def _load(self, session: Session, item_id: int) -> ItemRow:
        query = select(ItemRow).where(ItemRow.id == item_id)
        if self.store.dialect == "postgresql":
            query = query.with_for_update()
        row = session.scalar(query)
        if row is None:
            raise NotFound(f"no item {item_id}")
        return row

    def _current(self, session: Session, row: ItemRow) -> ItemRecord:
        return item_json(row, self.store._sightings_of(session, [row.id]).get(row.id, []))

    def _write(
        self,
        session: Session,
        row: ItemRow,
        values: dict[str, Any],
        *,
        user: str,
        action: str,
        now: datetime,
        expected: int | None,
        detail: str | None = None,
        audit_before: dict[str, Any] | None = None,
        audit_after: dict[str, Any] | None = None,
    ) -> ItemRecord:
        """Apply ``values`` if the item is still at ``expected``; audit it; return the item."""
        self._check_version(session, row, expected)
        version = row.version or 1
        before = _snapshot(row)
        values = {**values, "version": version + 1, "updated_at": now}
        if action not in ("undo",):
            values.setdefault("reviewed_by", user)
            values.setdefault("reviewed_at", now)
        result = session.execute(
            update(ItemRow)
            .where(ItemRow.id == row.id, ItemRow.version == version)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            session.refresh(row)  # another writer committed between our read and write
            self._check_version(session, row, version)
        if "edits" in values:
            sync_tags(session, row, values["edits"])
        if "status" in values:
            follow_primaries(session, [row.id])  # the decision applies to the story's copies
        session.refresh(row)
        after = _snapshot(row)
        audit_b, audit_a = _diff(before, after)
        session.add(
            AuditRow(
                at=now,
                user=user,
                action=action,
                item_id=row.id,
                before=audit_before if audit_before is not None else audit_b,
                after=audit_after if audit_after is not None else audit_a,
                detail=detail,
                version_after=row.version,
                undone=False,
            )
        )
        return self._current(session, row)

    def _check_version(self, session: Session, row: ItemRow, expected: int | None) -> None:
        if expected is not None and expected != (row.version or 1):
            who = f" by {row.reviewed_by}" if row.reviewed_by else ""
            raise Conflict(
                f"Someone else already changed item {row.id}{who}: it is now {row.status}. "
                "Here is its current state.",
                current=self._current(session, row),
            )

    def act(
        self,
        item_id: int,
        action: str,
        *,
        user: str,
        now: datetime,
        version: int | None,
        reason: str | None = None,
    ) -> ItemRecord:
        """Approve, reject (with an optional reason), unpublish or promote one item."""
        if action not in TRANSITIONS:
            raise NotAllowed(f"unknown action {action!r}")
        allowed, target = TRANSITIONS[action]
        with self._session() as session, session.begin():
            row = self._load(session, item_id)
            self._check_version(session, row, version)
            if row.status not in allowed:
                raise NotAllowed(f"item {item_id} is {row.status}: it cannot be {_past(action)}")
            values: dict[str, Any] = {"status": target}
            values["status_reason"] = (reason or None) if action == "reject" else None
            return self._write(
                session,
                row,
                values,
                user=user,
                action=action,
                now=now,
                expected=version,
                detail=reason or None,
            )

    def edit(
        self,
        item_id: int,
        changes: Mapping[str, Any],
        *,
        user: str,
        now: datetime,
        version: int | None,
        approve: bool = False,
    ) -> ItemRecord:
        """Set edited values (a value equal to the original drops the edit); keep originals.

        ``changes`` maps fields of ``EDITABLE`` to values in ``item_json``'s shape
        (``published`` as an ISO string, tags as lists). With ``approve`` the item
        is approved in the same change.
        """
        unknown = set(changes) - set(EDITABLE)
        if unknown:
            raise ReviewError(f"not editable: {', '.join(sorted(unknown))}")
        with self._session() as session, session.begin():
            row = self._load(session, item_id)
            originals = original_values(row)
            edits = dict(row.edits or {})
            for field, value in changes.items():
                if value == originals[field]:
                    edits.pop(field, None)
                else:
                    edits[field] = value
            values: dict[str, Any] = {"edits": edits}
            action = "edit"
            if approve:
                allowed, target = TRANSITIONS["approve"]
                if row.status not in allowed | {"approved", "published"}:
                    raise NotAllowed(f"item {item_id} is {row.status}: it cannot be approved")
                if row.status in allowed:
                    values.update(status=target, status_reason=None)
                    action = "edit+approve"
            effective_before = {**originals, **(row.edits or {})}
            effective_after = {**originals, **edits}
            before, after = _diff(effective_before, effective_after)
            if action == "edit+approve":
                before["status"], after["status"] = row.status, "approved"
            return self._write(
                session,
                row,
                values,
                user=user,
                action=action,
                now=now,
                expected=version,
                audit_before=before,
                audit_after=after,
            )

    def set_notes(
        self,
        item_id: int,
        *,
        user: str,
        now: datetime,
        version: int | None,
        internal: str | None = None,
        public: str | None = None,
    ) -> ItemRecord:
        """Set the internal and/or public note (``None`` leaves a note as it is)."""
        values: dict[str, Any] = {}
        if internal is not None:
            values["internal_note"] = internal.strip() or None
        if public is not None:
            values["public_note"] = public.strip() or None
        with self._session() as session, session.begin():
            row = self._load(session, item_id)
            return self._write(
                session, row, values, user=user, action="notes", now=now, expected=version
            )

    def undo_last(self, *, user: str, now: datetime) -> tuple[AuditEntry, ItemRecord]:
        """Undo ``user``'s last change, if nobody changed that item since."""
        with self._session() as session, session.begin():
            last = session.scalar(
                select(AuditRow)
                .where(
                    AuditRow.user == user,
                    AuditRow.action.in_([*UNDOABLE, "edit+approve"]),
                    AuditRow.undone.is_(False),
                    AuditRow.item_id.is_not(None),
                )
                .order_by(AuditRow.id.desc())
                .limit(1)
            )
            if last is None or last.item_id is None:
                raise NotFound("nothing to undo")
            row = self._load(session, last.item_id)
            if row.version != last.version_after:
                raise Conflict(
                    f"Item {row.id} changed after your {last.action}: it cannot be undone.",
                    current=self._current(session, row),
                )
            before = _snapshot(row)
            restore = {k: v for k, v in (last.before or {}).items() if k in before}
            if last.action in ("edit", "edit+approve"):
                restore = self._edits_restored(row, dict(last.before or {}))
            last.undone = True
            item = self._write(
                session,
                row,
                restore,
                user=user,
                action="undo",
                now=now,
                expected=row.version,
                detail=f"undo {last.action} (audit #{last.id})",
            )
            return audit_entry(last), item

    @staticmethod
    def _edits_restored(row: ItemRow, before: Mapping[str, Any]) -> dict[str, Any]:
        """Review-state values that put back what an edit audit row recorded as before."""
        originals = original_values(row)
        edits = dict(row.edits or {})
        for field, value in before.items():
            if field not in originals:
                continue
            if value == originals[field]:
                edits.pop(field, None)
            else:
                edits[field] = value
        values: dict[str, Any] = {"edits": edits}
        if "status" in before:
            values["status"] = before["status"]
        return values
