"""Saved views: saved from the desk, private feeds behind a revocable token, used by digests."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import feedparser

from scraper.config.schema import parse_config
from scraper.notify import alerts, digest
from storage.views import ViewStore, token_hash
from tests.desk_fixtures import T0, http_client, live_server, make_world, save, sign_in, story
from tests.receivers import WebhookReceiver

QUERY = "status=all&program=Group+Violence+Intervention&city=Chicago%2C+IL"
FEED_URL = re.compile(r"https?://[^\s\"<]+/feeds/views/([A-Za-z0-9_-]+)\.atom")


def _stories(world: Any) -> dict[str, int]:
    return {
        "chicago": save(
            world.store, story(1, cities=["Chicago, IL"], headline="Chicago <i>call-in</i> & more")
        ),
        "gary": save(world.store, story(2, cities=["Gary, IN"])),
        "chicago-other-program": save(
            world.store, story(3, cities=["Chicago, IL"], programs=["Project Safe Neighborhoods"])
        ),
    }


def _token_from(html: str) -> str:
    found = FEED_URL.search(html)
    assert found, "no feed URL on the page"
    return found.group(1)


def test_save_a_view_and_follow_its_private_feed(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    ids = _stories(world)
    with live_server(world.app) as base, http_client(base) as c:
        csrf = sign_in(c, world, "alice")
        form = c.get("/desk/views", params={"save": QUERY + "&page=3"})
        assert (
            'value="status=all&amp;program=Group+Violence+Intervention&amp;city=Chicago%2C+IL"'
            in form.text
        )
        made = c.post("/desk/views", data={"csrf": csrf, "name": "GVI in Chicago", "query": QUERY})
        assert made.status_code == 303
        again = c.post("/desk/views", data={"csrf": csrf, "name": "GVI in Chicago", "query": QUERY})
        assert again.status_code == 400
        assert "exists already" in again.text
        view = ViewStore(world.store).get("GVI in Chicago")
        assert view is not None
        assert not view.has_feed

        c.post(f"/desk/views/{view.id}/feed", data={"csrf": csrf})
        token = _token_from(c.get("/desk/views").text)
        assert len(token) >= 40
        assert ViewStore(world.store).get("GVI in Chicago").has_feed  # type: ignore[union-attr]
        assert token not in json.dumps([v.__repr__() for v in ViewStore(world.store).all()])

        public = http_client(base)
        atom = public.get(f"/feeds/views/{token}.atom")
        assert atom.status_code == 200
        assert atom.headers["content-type"].startswith("application/atom+xml")
        assert "private" in atom.headers["cache-control"]
        parsed = feedparser.parse(atom.content)
        assert not parsed.bozo, parsed.get("bozo_exception")
        assert [e.link for e in parsed.entries] == ["https://news.example.org/story/1"]
        assert parsed.entries[0].title == "Chicago call-in & more"
        feed = public.get(f"/feeds/views/{token}.json").json()
        assert [i["url"] for i in feed["items"]] == ["https://news.example.org/story/1"]
        assert feed["version"] == "https://jsonfeed.org/version/1.1"
        for wrong in ("not-a-token", token[:-1] + ("A" if token[-1] != "A" else "B")):
            assert public.get(f"/feeds/views/{wrong}.atom").status_code == 404
        assert public.get(f"/feeds/views/{token}.rss").status_code == 404

        # Another user cannot revoke it; its owner can, and a new URL kills the old one.
        bob = http_client(base)
        bob_csrf = sign_in(bob, world, "bob")
        assert bob.post(f"/desk/views/{view.id}/revoke", data={"csrf": bob_csrf}).status_code == 403
        c.post(f"/desk/views/{view.id}/feed", data={"csrf": csrf})
        second = _token_from(c.get("/desk/views").text)
        assert public.get(f"/feeds/views/{token}.atom").status_code == 404
        assert public.get(f"/feeds/views/{second}.atom").status_code == 200
        c.post(f"/desk/views/{view.id}/revoke", data={"csrf": csrf})
        assert public.get(f"/feeds/views/{second}.atom").status_code == 404
        bob.close()
        public.close()
    assert len(ids) == 3


def test_only_the_digest_of_a_view_is_sent(tmp_path: Path) -> None:
    from tests.receivers import SmtpServer, parts

    with SmtpServer() as smtp:
        config = parse_config(
            f"""
settings: {{timezone: UTC}}
email: {{host: 127.0.0.1, port: {smtp.port}, security: none, sender: c@example.org}}
digests:
  - {{name: chicago, to: readers, readers: [mayor@example.org], at: "08:00", view: GVI in Chicago}}
"""
        )
        world = make_world(tmp_path, config=config)
        ids = _stories(world)
        for item_id in ids.values():
            world.review.act(item_id, "approve", user="root", version=None, now=T0)
        ViewStore(world.store).create("GVI in Chicago", QUERY, owner="alice", now=T0)
        now = datetime(2024, 3, 2, 8, 1, tzinfo=UTC)
        digest.plan_due(config, world.store, now=now, zone=UTC)
        assert asyncio.run(digest.send_due(config, world.store, now=now, zone=UTC)) == (1, 0)
    text = dict(parts(smtp.messages[0]))["text/plain"]
    assert "https://news.example.org/story/1" in text
    assert "story/2" not in text
    assert "story/3" not in text


def test_an_alert_limited_to_a_view(tmp_path: Path) -> None:
    with WebhookReceiver() as receiver:
        config = parse_config(
            f"""
alerts:
  - {{name: chicago, when: new, url: "{receiver.url()}", allow_private: true, view: GVI in Chicago}}
"""
        )
        world = make_world(tmp_path, config=config)
        ViewStore(world.store).create("GVI in Chicago", QUERY, owner="alice", now=T0)
        now = T0 + timedelta(days=1)
        alerts.scan(config, world.store, now=now)
        _stories(world)
        assert alerts.scan(config, world.store, now=now) == 1
        assert asyncio.run(alerts.deliver_due(config, world.store, now=now)) == (1, 0)
    assert json.loads(receiver.posts[0].body)["item"]["url"] == "https://news.example.org/story/1"


def test_tokens_are_stored_as_digests(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    view = ViewStore(world.store).create("all", "", owner="alice", now=T0)
    token = ViewStore(world.store).new_token(view.id, now=T0)
    with world.store.engine.connect() as connection:
        stored = connection.exec_driver_sql("SELECT feed_token_hash FROM saved_views").scalar()
    assert stored == token_hash(token)
    assert token not in str(stored)
