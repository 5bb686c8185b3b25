"""Helpers of the publishing tests: invented stories, a config, a client over the public routes."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import httpx
import uvicorn
from sqlalchemy import update
from starlette.applications import Starlette

from scraper.config.schema import Config
from scraper.identity.keys import story_keys
from scraper.models.stored import StoryData
from scraper.publish.web import public_routes
from storage.store import Store
from storage.tables import ItemRow

NOW = datetime(2024, 3, 5, 12, 0, tzinfo=UTC)
SITE = "https://news.example.org/"


def config(**settings: Any) -> Config:
    values = {"site_url": SITE, "site_title": "Riverton Peace Network", **settings}
    return Config.model_validate({"settings": values})


def add_story(
    store: Store,
    slug: str,
    *,
    headline: str,
    excerpt: str = "",
    programs: tuple[str, ...] = (),
    cities: tuple[str, ...] = (),
    published: datetime | None = datetime(2017, 7, 12, 14, 0, tzinfo=UTC),
    outlet: str | None = "Riverton Ledger",
    url: str | None = None,
    now: datetime = NOW,
) -> int:
    """Store an invented story as a candidate; returns its id."""
    link = url or f"https://ledger.example.com/news/{slug}"
    if url is None:
        keys = story_keys(
            source_id="ledger",
            url=link,
            guid=None,
            canonical_url=None,
            outlet=outlet,
            title=headline,
        )
        url_key, all_keys = keys.url_key, keys.keys
    else:  # a URL the collector would refuse: stored as is, to test the output side
        url_key, all_keys = f"key-{slug}", (("url", f"key-{slug}"),)
    story = StoryData(
        url=link,
        canonical_url=link,
        url_key=url_key,
        keys=all_keys,
        title_key=None,
        outlet=outlet,
        headline=headline,
        published_at=published,
        excerpt=excerpt,
        programs=list(programs),
        cities=list(cities),
    )
    outcome, item_id = store.save_story(story, source_id="ledger", seen_url=link, now=now)
    assert outcome == "new"
    return item_id


def edit(store: Store, item_id: int, *, now: datetime, **values: Any) -> None:
    """What the review desk does on an edit: edited values beside the originals, version + 1."""
    notes = {k: values.pop(k) for k in ("public_note", "internal_note") if k in values}
    with store.session() as session, session.begin():
        row = session.get(ItemRow, item_id)
        assert row is not None
        edits = {**(row.edits or {}), **values}
        session.execute(
            update(ItemRow)
            .where(ItemRow.id == item_id)
            .values(edits=edits, version=ItemRow.version + 1, updated_at=now, **notes)
        )


@contextmanager
def serving(cfg: Config, store: Store) -> Iterator[httpx.Client]:
    """The public routes in a real uvicorn on 127.0.0.1 (a free port), and a client for it."""
    app = Starlette(routes=public_routes(cfg, store, recheck_seconds=0))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.01)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
            yield http
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
