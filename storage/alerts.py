"""Alert rules made in the desk, the events alerts watch, and the delivery log.

Events are read from what the database already records, not hooked into
collection or review: a *new* story is a primary item whose id is above the
``new`` mark; an *approval* is an ``approve`` row of the audit log above the
``approve`` mark. ``enqueue`` writes the deliveries those events call for and
moves the marks in one transaction, so a crash either keeps both or neither;
``(rule, event)`` is unique, so an event reaches a rule once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from scraper.models.stored import ItemRecord
from storage.notify_tables import AlertDeliveryRow, AlertRuleRow, NotifyMarkRow
from storage.outbox import insert_new
from storage.records import item_json
from storage.review_tables import AuditRow
from storage.store import Store
from storage.tables import ItemRow

SCAN_BATCH = 500  # events read per scan


class AlertRuleError(Exception):
    """An alert rule cannot be saved (message for people)."""


@dataclass(frozen=True, slots=True)
class Delivery:
    id: int
    rule: str
    event: str
    item_id: int | None
    payload: dict[str, Any]
    status: str
    attempts: int
    last_status: int | None
    last_error: str | None
    next_attempt_at: datetime | None
    created_at: datetime
    delivered_at: datetime | None


def delivery_record(row: AlertDeliveryRow) -> Delivery:
    return Delivery(
        id=row.id,
        rule=row.rule,
        event=row.event,
        item_id=row.item_id,
        payload=dict(row.payload or {}),
        status=row.status,
        attempts=row.attempts,
        last_status=row.last_status,
        last_error=row.last_error,
        next_attempt_at=row.next_attempt_at,
        created_at=row.created_at,
        delivered_at=row.delivered_at,
    )


@dataclass(frozen=True, slots=True)
class Event:
    """Something an alert can be about: ``kind`` is ``new`` or ``approve``."""

    kind: str
    key: str  # unique per event: "new:42", "approve:42:7" (item, audit row)
    item: ItemRecord
    user: str | None = None


class AlertStore:
    def __init__(self, store: Store) -> None:
        self.store = store

    # --- desk rules -----------------------------------------------------------

    def rules(self) -> list[tuple[str, dict[str, Any]]]:
        with self.store.session() as session:
            rows = session.scalars(select(AlertRuleRow).order_by(AlertRuleRow.name))
            return [(r.name, dict(r.spec)) for r in rows]

    def add_rule(self, name: str, spec: Mapping[str, Any], *, user: str, now: datetime) -> None:
        try:
            with self.store.session() as session, session.begin():
                session.add(
                    AlertRuleRow(name=name, spec=dict(spec), created_by=user, created_at=now)
                )
        except IntegrityError as exc:
            raise AlertRuleError(f"An alert named {name!r} exists already.") from exc

    def remove_rule(self, name: str) -> None:
        with self.store.session() as session, session.begin():
            session.execute(delete(AlertRuleRow).where(AlertRuleRow.name == name))

    # --- events ---------------------------------------------------------------

    def marks(self) -> dict[str, int]:
        with self.store.session() as session:
            return {r.name: r.value for r in session.scalars(select(NotifyMarkRow))}

    def start_marks(self) -> dict[str, int]:
        """Marks at the newest item and audit row: alerts start from now, not from history."""
        with self.store.session() as session:
            newest_item = session.scalar(select(func.max(ItemRow.id))) or 0
            newest_audit = session.scalar(select(func.max(AuditRow.id))) or 0
        return {"new": int(newest_item), "approve": int(newest_audit)}

    def events(self, marks: Mapping[str, int]) -> tuple[list[Event], dict[str, int]]:
        """Events above ``marks`` (at most SCAN_BATCH of each kind) and the marks after them."""
        out: list[Event] = []
        moved = dict(marks)
        with self.store.session() as session:
            rows = list(
                session.scalars(
                    select(ItemRow)
                    .where(ItemRow.id > marks.get("new", 0))
                    .order_by(ItemRow.id)
                    .limit(SCAN_BATCH)
                )
            )
            for row in rows:
                moved["new"] = row.id
                if row.is_primary:  # a copy of a known story is not news
                    out.append(Event("new", f"new:{row.id}", item_json(row, [])))
            audits = list(
                session.execute(
                    select(AuditRow.id, AuditRow.item_id, AuditRow.user, AuditRow.action)
                    .where(AuditRow.id > marks.get("approve", 0))
                    .order_by(AuditRow.id)
                    .limit(SCAN_BATCH)
                )
            )
            approved = [a for a in audits if a.action == "approve" and a.item_id is not None]
            items = {
                r.id: r
                for r in session.scalars(
                    select(ItemRow).where(ItemRow.id.in_([a.item_id for a in approved]))
                )
            }
            for audit in audits:
                moved["approve"] = audit.id
            for audit in approved:
                item = items.get(audit.item_id)
                if item is not None:
                    key = f"approve:{item.id}:{audit.id}"
                    out.append(Event("approve", key, item_json(item, []), user=audit.user))
        for event in out:
            event.item["text"] = ""  # alerts carry the excerpt, never the article
        return out, moved

    def enqueue(
        self,
        deliveries: Sequence[tuple[str, Event, dict[str, Any]]],
        marks: Mapping[str, int],
        *,
        now: datetime,
    ) -> int:
        """Write ``(rule, event, payload)`` deliveries and the new marks together."""
        added = 0
        with self.store.session() as session, session.begin():
            for rule, event, payload in deliveries:
                added += insert_new(
                    self.store,
                    session,
                    AlertDeliveryRow,
                    {
                        "rule": rule,
                        "event": event.key,
                        "item_id": event.item.get("id"),
                        "payload": payload,
                        "status": "pending",
                        "attempts": 0,
                        "created_at": now,
                    },
                )
            for name, value in marks.items():
                row = session.get(NotifyMarkRow, name)
                if row is None:
                    session.add(NotifyMarkRow(name=name, value=value))
                else:
                    row.value = value
        return added

    # --- the log ----------------------------------------------------------------

    def deliveries(self, *, limit: int = 100, rule: str | None = None) -> list[Delivery]:
        with self.store.session() as session:
            query = select(AlertDeliveryRow).order_by(AlertDeliveryRow.id.desc()).limit(limit)
            if rule:
                query = query.where(AlertDeliveryRow.rule == rule)
            return [delivery_record(r) for r in session.scalars(query)]
