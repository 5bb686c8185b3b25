"""The notification storage on SQLite and PostgreSQL: the outbox, the records, views, reports."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from scraper.pipeline.wiring import store_for
from storage.alerts import AlertStore, Event
from storage.db import open_database
from storage.digests import DigestStore
from storage.notify_tables import AlertDeliveryRow, DigestSendRow
from storage.outbox import CLAIM_LEASE, claim, due_ids, retry_now, settle
from storage.publishing import approve_items
from storage.report import latest_day, report_items
from storage.store import Store
from storage.views import ViewError, ViewStore
from tests.desk_fixtures import save, story

T = datetime(2024, 3, 2, 8, 0, tzinfo=UTC)


@pytest.fixture
def store(db_url: str) -> Store:
    engine = open_database(db_url)
    yield store_for(engine)
    engine.dispose()


def test_a_planned_digest_is_planned_once_and_claimed_once(store: Store) -> None:
    digests = DigestStore(store)
    args = {"occurrence": T, "window_start": T - timedelta(days=1), "now": T}
    assert (
        digests.plan("d", recipients=["a@example.org", "b@example.org", "a@example.org"], **args)
        == 2
    )
    assert digests.plan("d", recipients=["a@example.org", "b@example.org"], **args) == 0
    assert digests.planned("d", T)
    ids = due_ids(store, DigestSendRow, now=T)
    assert len(ids) == 2
    first = claim(store, DigestSendRow, ids[0], now=T)
    assert first is not None
    assert first.attempts == 1
    assert claim(store, DigestSendRow, ids[0], now=T) is None  # taken
    assert ids[0] not in due_ids(store, DigestSendRow, now=T + timedelta(minutes=1))
    # Past its lease a claimed row is a crash leftover: claimed again.
    again = claim(store, DigestSendRow, ids[0], now=T + CLAIM_LEASE + timedelta(seconds=1))
    assert again is not None
    assert again.attempts == 2
    settle(store, DigestSendRow, ids[0], ok=True, now=T, extra={"items": 3})
    settle(store, DigestSendRow, ids[1], ok=False, now=T, error="boom", retry_at=None)
    by_status = {s.recipient: s for s in digests.sends()}
    assert by_status["a@example.org"].status == "sent"
    assert by_status["a@example.org"].items == 3
    assert by_status["b@example.org"].status == "gave_up"
    assert digests.failing() == 1
    assert retry_now(store, DigestSendRow, [ids[1]], now=T) == 1
    assert ids[1] in due_ids(store, DigestSendRow, now=T)


def test_alert_events_are_enqueued_once_with_their_marks(store: Store) -> None:
    alerts = AlertStore(store)
    first = save(store, story(1))
    assert alerts.start_marks()["new"] == first
    second = save(store, story(2))
    events, marks = alerts.events({"new": first, "approve": 0})
    assert [e.key for e in events] == [f"new:{second}"]
    deliveries = [("r", events[0], {"event": "new"})]
    assert alerts.enqueue(deliveries, marks, now=T) == 1
    assert alerts.enqueue(deliveries, marks, now=T) == 0
    assert alerts.marks() == marks
    assert len(due_ids(store, AlertDeliveryRow, now=T)) == 1
    assert isinstance(events[0], Event)


def test_views_and_tokens(store: Store) -> None:
    views = ViewStore(store)
    made = views.create("GVI", "program=Group+Violence+Intervention", owner="alice", now=T)
    with pytest.raises(ViewError):
        views.create("GVI", "", owner="bob", now=T)
    token = views.new_token(made.id, now=T)
    assert views.by_token(token) == views.get("GVI")
    views.revoke(made.id)
    assert views.by_token(token) is None


def test_report_items_apply_edits_and_the_period(store: Store) -> None:
    inside = save(store, story(1, published=datetime(2024, 2, 10, tzinfo=UTC)))
    outside = save(store, story(2, published=datetime(2023, 2, 10, tzinfo=UTC)))
    queued = save(store, story(3, published=datetime(2024, 2, 11, tzinfo=UTC)))
    approve_items(store, [inside, outside], now=T)
    found = report_items(store, since=date(2024, 1, 1), until=date(2024, 12, 31))
    assert [i["id"] for i in found] == [inside]
    assert queued not in [i["id"] for i in found]
    assert latest_day(store) == date(2024, 2, 10)
