"""Alerts against a real local HTTP receiver: matching, signing, retries, the guard.

The receiver answers 500, 500, then 200: the rule's delivery is attempted three
times with backoff, signed each time, and logged as delivered once.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from scraper.config.notify import AlertSpec
from scraper.config.schema import Config, parse_config
from scraper.notify import alerts, rules
from storage.alerts import AlertStore
from tests.desk_fixtures import T0, make_world, save, story
from tests.receivers import WebhookReceiver

SECRET = "s3cret-shared-with-the-receiver"
NOW = datetime(2024, 3, 2, 8, 0, tzinfo=UTC)


def config_for(url: str, *, fmt: str = "json", allow: bool = True, extra: str = "") -> Config:
    return parse_config(
        f"""
settings:
  site_url: https://clips.example.org/
alerts:
  - name: gvi-chicago
    when: new
    programs: [Group Violence Intervention]
    cities: ["Chicago, IL"]
    url: {url}
    format: {fmt}
    secret_env: TEST_ALERT_SECRET
    allow_private: {"true" if allow else "false"}
  - name: approvals
    when: approved
    url: {url}
    secret_env: TEST_ALERT_SECRET
    allow_private: {"true" if allow else "false"}
{extra}"""
    )


@pytest.fixture(autouse=True)
def _secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_ALERT_SECRET", SECRET)


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def tick(world: Any, now: datetime) -> tuple[int, int, int]:
    queued = alerts.scan(world.config, world.store, now=now)
    delivered, failed = run(alerts.deliver_due(world.config, world.store, now=now))
    return queued, delivered, failed


def test_webhook_retried_signed_and_logged_once(tmp_path: Path) -> None:
    with WebhookReceiver([500, 500, 200]) as receiver:
        world = make_world(tmp_path, config=config_for(receiver.url()))
        save(world.store, story(1))  # before alerts start: history is not replayed
        assert tick(world, NOW) == (0, 0, 0)
        save(world.store, story(2, cities=["Chicago, IL"], headline="Chicago call-in <b>x</b>"))
        save(world.store, story(3, cities=["Gary, IN"]))  # another city: no alert
        queued, delivered, failed = tick(world, NOW)
        assert (queued, delivered, failed) == (1, 0, 1)
        # Not due again before the backoff; then 500 again; then 200.
        assert tick(world, NOW + timedelta(seconds=5)) == (0, 0, 0)
        assert tick(world, NOW + rules.RETRY_DELAYS[0]) == (0, 0, 1)
        later = NOW + rules.RETRY_DELAYS[0] + rules.RETRY_DELAYS[1]
        assert tick(world, later) == (0, 1, 0)
        assert tick(world, later + timedelta(hours=9)) == (0, 0, 0)

    assert len(receiver.posts) == 3
    # One delivery id across the retries: a receiver can drop a repeat after a crash.
    assert len({p.headers["x-clippings-delivery"] for p in receiver.posts}) == 1
    assert receiver.posts[0].headers["x-clippings-delivery"].startswith("gvi-chicago/new:")
    for post in receiver.posts:
        signature = post.headers["x-clippings-signature"]
        assert rules.verify(SECRET, post.headers["x-clippings-timestamp"], post.body, signature)
        assert not rules.verify(
            "wrong secret", post.headers["x-clippings-timestamp"], post.body, signature
        )
    body = json.loads(receiver.posts[-1].body)
    assert body["event"] == "new"
    assert body["rule"] == "gvi-chicago"
    assert body["item"]["headline"] == "Chicago call-in x"  # markup dropped
    assert body["item"]["cities"] == ["Chicago, IL"]
    assert body["item"]["url"] == "https://news.example.org/story/2"
    assert body["item"]["desk_url"].startswith("https://clips.example.org/desk/items/")

    log = AlertStore(world.store).deliveries()
    assert len(log) == 1
    assert log[0].status == "sent"
    assert log[0].attempts == 3
    assert log[0].last_status == 200


def test_an_approval_fires_the_approval_rule(tmp_path: Path) -> None:
    with WebhookReceiver() as receiver:
        world = make_world(tmp_path, config=config_for(receiver.url()))
        tick(world, NOW)
        item = save(world.store, story(5, cities=["Gary, IN"]))
        world.review.act(item, "approve", user="alice", version=None, now=NOW)
        assert tick(world, NOW) == (1, 1, 0)
        assert tick(world, NOW + timedelta(minutes=1)) == (0, 0, 0)
    body = json.loads(receiver.posts[0].body)
    assert body["event"] == "approved"
    assert body["by"] == "alice"
    assert body["item"]["status"] == "approved"


def test_slack_format(tmp_path: Path) -> None:
    with WebhookReceiver() as receiver:
        world = make_world(tmp_path, config=config_for(receiver.url(), fmt="slack"))
        tick(world, NOW)
        save(world.store, story(6, cities=["Chicago, IL"], headline="Peace <@channel> & calm"))
        assert tick(world, NOW) == (1, 1, 0)
    body = json.loads(receiver.posts[0].body)
    assert set(body) >= {"text", "blocks"}
    block = body["blocks"][0]["text"]["text"]
    assert "<https://news.example.org/story/6|Peace &lt;@channel&gt; &amp; calm>" in block
    assert "<@channel>" not in json.dumps(body)  # no mention sneaks in
    assert "Chicago, IL" in block


def test_private_targets_are_refused_unless_allowed(tmp_path: Path) -> None:
    with WebhookReceiver() as receiver:
        world = make_world(tmp_path, config=config_for(receiver.url(), allow=False))
        tick(world, NOW)
        save(world.store, story(7, cities=["Chicago, IL"]))
        assert tick(world, NOW) == (1, 0, 1)
    assert receiver.posts == []
    log = AlertStore(world.store).deliveries()
    assert "non-public address" in (log[0].last_error or "")
    assert log[0].status == "failed"


def test_desk_rules_fire_too(tmp_path: Path) -> None:
    with WebhookReceiver() as receiver:
        world = make_world(tmp_path, config=Config())
        AlertStore(world.store).add_rule(
            "desk-any",
            {"when": "new", "url": receiver.url(), "allow_private": True, "secret": SECRET},
            user="root",
            now=T0,
        )
        tick(world, NOW)
        save(world.store, story(8))
        assert tick(world, NOW) == (1, 1, 0)
    post = receiver.posts[0]
    assert rules.verify(
        SECRET,
        post.headers["x-clippings-timestamp"],
        post.body,
        post.headers["x-clippings-signature"],
    )


MATCHES = {
    "program and city both match": ({"programs": ["GVI"], "cities": ["Chicago, IL"]}, "new", True),
    "wrong city": ({"programs": ["GVI"], "cities": ["Gary, IN"]}, "new", False),
    "empty lists match anything": ({}, "new", True),
    "approval rule ignores new stories": ({"when": "approved"}, "new", False),
    "new rule ignores approvals": ({}, "approve", False),
    "outlet filter": ({"outlets": ["Other Paper"]}, "new", False),
}


@pytest.mark.parametrize(("fields", "kind", "expected"), MATCHES.values(), ids=MATCHES)
def test_matching(fields: dict[str, Any], kind: str, expected: bool) -> None:
    spec = AlertSpec.model_validate({"name": "r", "url": "https://hooks.example.org/", **fields})
    item = {
        "status": "candidate",
        "programs": ["GVI"],
        "cities": ["Chicago, IL"],
        "outlet": "Ledger",
    }
    assert rules.matches(spec, kind, item) is expected


def test_a_filtered_story_is_not_news() -> None:
    spec = AlertSpec.model_validate({"name": "r", "url": "https://hooks.example.org/"})
    assert not rules.matches(spec, "new", {"status": "filtered", "programs": [], "cities": []})


def test_retries_give_up_after_the_last_delay() -> None:
    assert rules.retry_at(1, NOW) == NOW + rules.RETRY_DELAYS[0]
    assert rules.retry_at(len(rules.RETRY_DELAYS) + 1, NOW) is None
