"""The review desk's repository: accounts, sessions, login throttling, queue, actions, audit.

Like ``storage.store``, callers pass and receive plain values; no SQLAlchemy
object leaves this module. Review changes are guarded by the item's
``version``: a change carries the version it was made against, the update
only applies ``WHERE version = expected``, and a stale version raises
``Conflict`` with the item as it is now, so two reviewers never overwrite
each other silently. Every change writes an audit row in the same
transaction, with the review state before and after.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import delete, exists, func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from scraper.models.errors import Conflict, NotAllowed, NotFound, ReviewError
from storage.records import item_json, original_values
from storage.review_tables import AuditRow, LoginFailureRow, SessionRow, UserRow
from storage.search import Kept, text_condition
from storage.store import Store
from storage.stories import with_copies
from storage.story_index import follow_primaries
from storage.tables import ItemRow, ItemTagRow, SightingRow

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


@dataclass(frozen=True, slots=True)
class User:
    id: int
    name: str
    is_admin: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class LoginPolicy:
    """How failed logins are slowed down and locked out."""

    max_failures: int = 5  # per user name within ``window``; then locked for ``lockout``
    max_failures_per_address: int = 20  # an office behind one address has several people
    window: timedelta = timedelta(minutes=15)
    lockout: timedelta = timedelta(minutes=15)
    delay_base: float = 0.5  # seconds after the first failure, doubling, up to delay_max
    delay_max: float = 4.0

    def delay(self, failures: int) -> float:
        if failures <= 0:
            return 0.0
        return float(min(self.delay_base * 2 ** (failures - 1), self.delay_max))


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """What the queue shows; ``status=None`` means every status."""

    status: str | None = "candidate"
    program: str | None = None
    city: str | None = None
    outlet: str | None = None
    source: str | None = None
    since: date | None = None
    until: date | None = None
    text: str | None = None
    order: Literal["newest", "relevance"] = "newest"


@dataclass(frozen=True, slots=True)
class QueuePage:
    items: list[dict[str, Any]]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


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


def _user(row: UserRow) -> User:
    return User(id=row.id, name=row.name, is_admin=row.is_admin, created_at=row.created_at)


def _audit(row: AuditRow) -> AuditEntry:
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


class ReviewStore:
    """Reads and writes of the review desk, over the same engine as ``Store``."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def _session(self) -> Session:
        return self.store.session()

    # --- users -------------------------------------------------------------

    def add_user(self, name: str, password_hash: str, *, admin: bool, now: datetime) -> User:
        with self._session() as session, session.begin():
            if session.scalar(select(UserRow.id).where(UserRow.name == name)) is not None:
                raise ReviewError(f"a user named {name!r} already exists")
            row = UserRow(
                name=name,
                password_hash=password_hash,
                is_admin=admin,
                created_at=now,
                password_changed_at=now,
            )
            session.add(row)
            session.flush()
            return _user(row)

    def users(self) -> list[User]:
        with self._session() as session:
            return [_user(r) for r in session.scalars(select(UserRow).order_by(UserRow.name))]

    def user_credentials(self, name: str) -> tuple[User, str] | None:
        """The user and their password hash, for checking a login."""
        with self._session() as session:
            row = session.scalar(select(UserRow).where(UserRow.name == name))
            return (_user(row), row.password_hash) if row else None

    def set_password(
        self, name: str, password_hash: str, *, now: datetime, end_sessions: bool = True
    ) -> None:
        """New password hash; by default every session of the user ends."""
        with self._session() as session, session.begin():
            row = session.scalar(select(UserRow).where(UserRow.name == name))
            if row is None:
                raise NotFound(f"no user named {name!r}")
            row.password_hash = password_hash
            row.password_changed_at = now
            if end_sessions:
                session.execute(delete(SessionRow).where(SessionRow.user_id == row.id))

    def remove_user(self, name: str) -> None:
        with self._session() as session, session.begin():
            row = session.scalar(select(UserRow).where(UserRow.name == name))
            if row is None:
                raise NotFound(f"no user named {name!r}")
            session.execute(delete(SessionRow).where(SessionRow.user_id == row.id))
            session.delete(row)

    # --- sessions ----------------------------------------------------------

    def create_session(
        self, session_id: str, user_id: int, *, now: datetime, lifetime: timedelta
    ) -> None:
        with self._session() as session, session.begin():
            session.add(
                SessionRow(
                    id=session_id,
                    user_id=user_id,
                    created_at=now,
                    last_seen_at=now,
                    expires_at=now + lifetime,
                )
            )

    def session_user(
        self, session_id: str, *, now: datetime, idle: timedelta, touch_every: timedelta
    ) -> User | None:
        """The user of a live session, or None (expired or idle sessions are deleted)."""
        with self._session() as session:
            found = session.execute(
                select(SessionRow, UserRow)
                .join(UserRow, UserRow.id == SessionRow.user_id)
                .where(SessionRow.id == session_id)
            ).first()
            if found is None:
                return None
            row, user = found
            if row.expires_at <= now or row.last_seen_at + idle <= now:
                with session.begin():
                    session.execute(delete(SessionRow).where(SessionRow.id == session_id))
                return None
            if now - row.last_seen_at >= touch_every:  # at most one write per interval
                with session.begin():
                    session.execute(
                        update(SessionRow)
                        .where(SessionRow.id == session_id)
                        .values(last_seen_at=now)
                    )
            return _user(user)

    def end_session(self, session_id: str) -> None:
        with self._session() as session, session.begin():
            session.execute(delete(SessionRow).where(SessionRow.id == session_id))

    def count_sessions(self, name: str) -> int:
        with self._session() as session:
            return int(
                session.scalar(
                    select(func.count(SessionRow.id))
                    .join(UserRow, UserRow.id == SessionRow.user_id)
                    .where(UserRow.name == name)
                )
                or 0
            )

    # --- login throttling --------------------------------------------------

    def locked_until(self, keys: Sequence[str], *, now: datetime) -> datetime | None:
        """The latest lock among ``keys`` still in force, or None."""
        with self._session() as session:
            return session.scalar(
                select(func.max(LoginFailureRow.locked_until)).where(
                    LoginFailureRow.key.in_(keys), LoginFailureRow.locked_until > now
                )
            )

    def record_login_failure(
        self, limits: Mapping[str, int], *, now: datetime, policy: LoginPolicy
    ) -> int:
        """Count a failure for each key (key -> its limit); returns the highest count."""
        highest = 0
        with self._session() as session, session.begin():
            for key, limit in limits.items():
                row = session.get(LoginFailureRow, key)
                if row is None or row.last_at + policy.window <= now:
                    if row is not None:
                        session.delete(row)
                        session.flush()
                    row = LoginFailureRow(key=key, count=0, first_at=now, last_at=now)
                    session.add(row)
                row.count += 1
                row.last_at = now
                if row.count >= limit:
                    row.locked_until = now + policy.lockout
                    row.count = 0  # after the lock, a fresh allowance
                highest = max(highest, row.count)
        return highest

    def clear_login_failures(self, keys: Sequence[str]) -> None:
        with self._session() as session, session.begin():
            session.execute(delete(LoginFailureRow).where(LoginFailureRow.key.in_(keys)))

    # --- the queue ---------------------------------------------------------

    def queue(self, flt: QueueFilter, *, page: int = 1, per_page: int = 25) -> QueuePage:
        """One page of items matching ``flt`` (effective values) and the total count."""
        conditions = self._conditions(flt)
        order: list[ColumnElement[Any]] = [ItemRow.first_seen_at.desc(), ItemRow.id.desc()]
        if flt.order == "relevance":
            order.insert(0, Kept.tag_count.desc())
        page = max(1, page)
        with self._session() as session:
            total = int(
                session.scalar(
                    select(func.count())
                    .select_from(ItemRow)
                    .where(*self._conditions(flt, counting=True))
                )
                or 0
            )
            # Ids first, rows after: a sort (a date range) then handles ids, not whole articles.
            ids = list(
                session.scalars(
                    select(ItemRow.id)
                    .where(*conditions)
                    .order_by(*order)
                    .offset((page - 1) * per_page)
                    .limit(per_page)
                )
            )
            found = {r.id: r for r in session.scalars(select(ItemRow).where(ItemRow.id.in_(ids)))}
            rows = [found[i] for i in ids if i in found]
            sightings = self.store._sightings_of(session, [r.id for r in rows])
            items = [item_json(r, sightings.get(r.id, [])) for r in rows]
        with_copies(self.store, items)  # "also ran in" on each card
        return QueuePage(items=items, total=total, page=page, per_page=per_page)

    def _conditions(self, flt: QueueFilter, *, counting: bool = False) -> list[ColumnElement[bool]]:
        """``flt`` as SQL; ``counting``: the same rows, in the form that counts them fastest.

        A page walks the queue's index newest first and stops after one page, so
        tags and sources are checked per item (EXISTS). A count visits every
        match, so it starts from the tag's or source's rows and checks each item in
        ``ix_items_id_state`` (id IN ...): 2-4x faster at 100,000 items.
        """
        out: list[ColumnElement[bool]] = [ItemRow.is_primary.is_(True)]  # a story once
        if flt.status:
            out.append(ItemRow.status == flt.status)
        for kind, value in (("program", flt.program), ("city", flt.city)):
            if value:
                tagged = (ItemTagRow.kind == kind, ItemTagRow.value == value)
                out.append(
                    ItemRow.id.in_(select(ItemTagRow.item_id).where(*tagged))
                    if counting
                    else exists().where(ItemTagRow.item_id == ItemRow.id, *tagged)
                )
        if flt.outlet:
            out.append(Kept.outlet == flt.outlet)
        if flt.source:
            seen = SightingRow.source_id == flt.source
            out.append(
                ItemRow.id.in_(select(SightingRow.item_id).where(seen))
                if counting
                else exists().where(SightingRow.item_id == ItemRow.id, seen)
            )
        if flt.since:
            out.append(Kept.day >= flt.since.isoformat())
        if flt.until:
            out.append(Kept.day <= flt.until.isoformat())
        if flt.text:
            out.append(text_condition(self.store.dialect, flt.text))
        return out

    def distinct_values(self) -> dict[str, list[str]]:
        """Values for the queue's filter menus: outlets, cities, programs, sources."""
        with self._session() as session:
            tags: dict[str, list[str]] = {"program": [], "city": []}
            for kind in tags:
                tags[kind] = list(
                    session.scalars(
                        select(ItemTagRow.value)
                        .where(ItemTagRow.kind == kind)
                        .distinct()
                        .order_by(ItemTagRow.value)
                    )
                )
            # Edited outlets too: the filter matches the effective outlet.
            outlets = session.scalars(
                select(Kept.outlet).select_from(ItemRow).where(Kept.outlet.is_not(None)).distinct()
            )
            sources = session.scalars(select(SightingRow.source_id).distinct())
            return {
                "programs": tags["program"],
                "cities": tags["city"],
                "outlets": sorted(o for o in outlets if o),
                "sources": sorted(sources),
            }

    def counts_by_status(self) -> dict[str, int]:
        with self._session() as session:
            rows = session.execute(
                select(ItemRow.status, func.count())
                .where(ItemRow.is_primary.is_(True))  # stories, not their copies
                .group_by(ItemRow.status)
            )
            return {status: int(n) for status, n in rows}

    # --- changes -----------------------------------------------------------

    def _load(self, session: Session, item_id: int) -> ItemRow:
        query = select(ItemRow).where(ItemRow.id == item_id)
        if self.store.dialect == "postgresql":
            query = query.with_for_update()
        row = session.scalar(query)
        if row is None:
            raise NotFound(f"no item {item_id}")
        return row

    def _current(self, session: Session, row: ItemRow) -> dict[str, Any]:
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
    ) -> dict[str, Any]:
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
            self._sync_tags(session, row, values["edits"])
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

    @staticmethod
    def _sync_tags(session: Session, row: ItemRow, edits: Mapping[str, Any]) -> None:
        """Make ``item_tags`` hold the effective programs and cities (filters read them)."""
        for kind, field, original in (
            ("program", "programs", row.programs),
            ("city", "cities", row.cities),
        ):
            values = list(dict.fromkeys(edits.get(field, original or [])))
            session.execute(
                delete(ItemTagRow).where(ItemTagRow.item_id == row.id, ItemTagRow.kind == kind)
            )
            for value in values:
                session.add(ItemTagRow(item_id=row.id, kind=kind, value=value))
        session.flush()

    def act(
        self,
        item_id: int,
        action: str,
        *,
        user: str,
        now: datetime,
        version: int | None,
        reason: str | None = None,
    ) -> dict[str, Any]:
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
    ) -> dict[str, Any]:
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
    ) -> dict[str, Any]:
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

    def undo_last(self, *, user: str, now: datetime) -> tuple[AuditEntry, dict[str, Any]]:
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
            return _audit(last), item

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

    # --- audit -------------------------------------------------------------

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
            return [_audit(r) for r in session.scalars(query)]

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
            session.add(
                AuditRow(
                    at=now,
                    user=user,
                    action=action,
                    item_id=item_id,
                    before={},
                    after={},
                    detail=detail,
                    version_after=None,
                    undone=False,
                )
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
