"""Invented stories and a ready desk (app, store, two accounts) for the web tests.

Every headline, outlet, person and quote here is made up; city and program
names are real ones, as the news page uses them.
"""

from __future__ import annotations

import contextlib
import functools
import random
import re
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette

from scraper.config.schema import Config
from scraper.models.stored import StoryData
from scraper.pipeline.wiring import open_store, store_for
from scraper.web import create_app
from scraper.web.auth import SESSION_COOKIE, csrf_token, hash_password, new_session_cookie
from storage.db import open_database
from storage.login_throttle import LoginPolicy
from storage.review import ReviewStore
from storage.store import Store

SECRET = b"test-secret-key-0123456789abcdef-0123456789"
PASSWORDS = {"alice": "alice-password-1", "root": "root-password-12", "bob": "bob-password-123"}
FAST_POLICY = LoginPolicy(delay_base=0.0, delay_max=0.0)
T0 = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)

_TEXT = (
    "Riverton police and community leaders met on Tuesday to talk about the Group Violence "
    "Intervention strategy. “We are seeing fewer shootings since the call-ins began,” said "
    "Marisol Okafor, the program's outreach director. “Nobody here wants to go back,” "
    "added Deacon Harold Vance. The city council will review the budget in May."
)


_WORDS = [
    "council",
    "budget",
    "street",
    "outreach",
    "youth",
    "program",
    "neighbors",
    "church",
    "summer",
    "violence",
    "shooting",
    "police",
    "chief",
    "mayor",
    "grant",
    "funding",
    "school",
    "library",
    "park",
    "basketball",
    "league",
    "mentor",
    "jobs",
    "training",
    "hospital",
    "clinic",
    "trauma",
    "recovery",
    "family",
    "block",
    "party",
    "vigil",
    "march",
    "report",
    "data",
    "quarter",
    "decline",
    "increase",
    "partners",
    "county",
    "state",
    "federal",
    "prosecutor",
    "court",
    "reentry",
    "housing",
    "transit",
    "corridor",
    "downtown",
    "east",
    "west",
    "north",
    "south",
    "river",
    "bridge",
    "market",
    "festival",
    "volunteers",
]


def _filler(i: int) -> str:
    """A paragraph of its own for story ``i`` (so stories are not near-duplicates)."""
    rng = random.Random(i)
    return " ".join(rng.choice(_WORDS) for _ in range(120)).capitalize() + "."


def story(
    i: int,
    *,
    headline: str | None = None,
    outlet: str = "Riverton Ledger",
    programs: Sequence[str] = ("Group Violence Intervention",),
    cities: Sequence[str] = ("Pittsburgh, PA",),
    status: str = "candidate",
    published: datetime | None = None,
    text: str | None = None,
) -> StoryData:
    """Invented story number ``i``."""
    text = text if text is not None else f"{_TEXT}\n{_filler(i)}"
    url = f"https://news.example.org/story/{i}"
    start = text.find("Group Violence Intervention")
    evidence = (
        [
            {
                "kind": "program",
                "label": "Group Violence Intervention",
                "phrase": "Group Violence Intervention",
                "start": start,
                "end": start + len("Group Violence Intervention"),
                "field": "text",
                "note": "",
            }
        ]
        if start >= 0 and programs
        else []
    )
    return StoryData(
        url=url,
        canonical_url=url,
        url_key=f"news.example.org/story/{i}",
        keys=(("url", f"news.example.org/story/{i}"),),
        title_key=None,
        outlet=outlet,
        headline=headline if headline is not None else f"Outreach workers report calmer summer {i}",
        published_at=published or T0 - timedelta(days=i % 30),
        authors=("Dana Whitfield",),
        excerpt="“We are seeing fewer shootings since the call-ins began,” said Marisol Okafor.",
        text=text,
        status=status,
        relevant=status != "filtered",
        status_reason="no program or keyword found" if status == "filtered" else None,
        quotes=[
            {
                "text": "We are seeing fewer shootings since the call-ins began,",
                "speaker": "Marisol Okafor",
            },
            {"text": "Nobody here wants to go back,", "speaker": "Harold Vance"},
        ],
        programs=list(programs),
        cities=list(cities),
        evidence=evidence,
    )


def save(store: Store, data: StoryData, *, at: datetime = T0, source: str = "ledger") -> int:
    _outcome, item_id = store.save_story(data, source_id=source, seen_url=data.url, now=at)
    return item_id


@functools.cache
def _hashed(name: str) -> str:
    return hash_password(PASSWORDS[name])  # Argon2 is slow on purpose: hash once per run


@functools.cache
def _template_db() -> Path:
    """A migrated database with the test accounts, copied for each test (migrating is slow)."""
    path = Path(tempfile.mkdtemp(prefix="clippings-desk-")) / "template.db"
    engine = open_database(f"sqlite:///{path}")
    review = ReviewStore(store_for(engine))
    for name in PASSWORDS:
        review.add_user(name, _hashed(name), admin=name == "root", now=T0)
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@dataclass
class DeskWorld:
    app: Starlette
    store: Store
    review: ReviewStore
    config: Config


def make_world(
    tmp_path: Path,
    *,
    https: bool = False,
    policy: LoginPolicy = FAST_POLICY,
    config: Config | None = None,
) -> DeskWorld:
    shutil.copy(_template_db(), tmp_path / "desk.db")
    store = open_store(f"sqlite:///{tmp_path / 'desk.db'}")
    review = ReviewStore(store)
    config = config or Config()
    app = create_app(config, store, https=https, secret_key=SECRET, login_policy=policy)
    return DeskWorld(app=app, store=store, review=review, config=config)


@contextlib.contextmanager
def live_server(app: Starlette) -> Iterator[str]:
    """Serve ``app`` with uvicorn on a free 127.0.0.1 port; yields the base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="off",
        proxy_headers=False,  # as `clippings serve`: the app decides whom to believe
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def http_client(base_url: str) -> httpx.Client:
    return httpx.Client(base_url=base_url, follow_redirects=False, timeout=10)


_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "no CSRF field in the page"
    return found.group(1)


def login(c: httpx.Client, name: str, password: str | None = None) -> str:
    """Log in; returns the session's CSRF token (from the queue page)."""
    page = c.get("/desk/login")
    answer = c.post(
        "/desk/login",
        data={"name": name, "password": password or PASSWORDS[name], "csrf": csrf_of(page.text)},
    )
    assert answer.status_code == 303, answer.text
    return csrf_of(c.get("/desk/").text)


def sign_in(c: httpx.Client, world: DeskWorld, name: str) -> str:
    """A session for ``name`` without the (deliberately slow) login form; returns the CSRF token."""
    user = next(u for u in world.review.users() if u.name == name)
    cookie, sid = new_session_cookie(SECRET)
    world.review.create_session(sid, user.id, now=datetime.now(UTC), lifetime=timedelta(hours=1))
    c.cookies.set(SESSION_COOKIE, cookie, domain="127.0.0.1", path="/desk")
    return csrf_token(SECRET, sid)


def form(**fields: Any) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None}
