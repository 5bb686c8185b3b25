"""Attacks on the login form: bursts past the lockout, lockout as denial of service,
forged client addresses, memory from concurrent Argon2 checks, and the unlock command."""

from __future__ import annotations

import asyncio
import dataclasses
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from scraper.cli import main as clippings
from scraper.cli.serve import make_server
from scraper.config.schema import Config, Settings
from scraper.pipeline.wiring import open_store
from scraper.web import auth
from storage.db import open_database
from storage.login_throttle import LoginPolicy, LoginThrottle
from storage.security_log import security_events
from storage.store import Store
from tests.desk_fixtures import (
    PASSWORDS,
    SECRET,
    DeskWorld,
    csrf_of,
    http_client,
    live_server,
    make_world,
)

NO_DELAYS = LoginPolicy(max_failures=5, delay_base=0.0, delay_max=0.0)
TRUSTING = Config(settings=Settings(trusted_proxies=["127.0.0.1"]))


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How many passwords the desk verified, and the most verified at once."""
    seen: Counter[str] = Counter()
    lock = threading.Lock()
    real = auth.verify_password

    def verify(password_hash: str | None, password: str) -> bool:
        with lock:
            seen["calls"] += 1
            seen["now"] += 1
            seen["most"] = max(seen["most"], seen["now"])
        try:
            time.sleep(0.05)  # long enough for a burst to overlap
            return real(password_hash, password)
        finally:
            with lock:
                seen["now"] -= 1

    monkeypatch.setattr(auth, "verify_password", verify)
    return seen


async def _burst(
    base: str, attempts: list[dict[str, str]], *, headers: Callable[[int], dict[str, str]]
) -> list[int]:
    """POST every attempt at once with one login form (one nonce and token)."""
    limits = httpx.Limits(max_connections=len(attempts) + 5)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as c:
        page = await c.get("/desk/login")
        token = csrf_of(page.text)
        answers = await asyncio.gather(
            *(
                c.post("/desk/login", data={**a, "csrf": token}, headers=headers(i))
                for i, a in enumerate(attempts)
            )
        )
    return [a.status_code for a in answers]


def test_a_burst_verifies_no_more_passwords_than_the_limit(
    tmp_path: Path, counted: Counter[str]
) -> None:
    """40 simultaneous guesses for one account, the right one last: 5 are checked."""
    world = make_world(tmp_path, policy=NO_DELAYS)
    attempts = [{"name": "alice", "password": f"guess-{i:03d}"} for i in range(39)]
    attempts.append({"name": "alice", "password": PASSWORDS["alice"]})
    with live_server(world.app) as base:
        statuses = asyncio.run(_burst(base, attempts, headers=lambda _i: {}))
    assert counted["calls"] <= NO_DELAYS.max_failures
    assert Counter(statuses)[429] >= len(attempts) - NO_DELAYS.max_failures
    assert set(statuses) <= {401, 429, 303}


def _stores(url: str, count: int) -> list[Store]:
    open_database(url).dispose()  # migrated once
    return [open_store(url) for _ in range(count)]


def test_slots_hold_across_connections(db_url: str) -> None:
    """Eight connections (as eight `serve` processes) race for one pair's slots."""
    stores = _stores(db_url, 8)
    now = datetime.now(UTC)
    start = threading.Barrier(len(stores))
    taken: list[bool] = []

    def race(store: Store) -> None:
        throttle = LoginThrottle(store, NO_DELAYS)
        start.wait()
        for _ in range(4):
            taken.append(throttle.take_slot("alice", "198.51.100.7", now=now).allowed)

    threads = [threading.Thread(target=race, args=(s,)) for s in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for store in stores:
        store.engine.dispose()
    assert len(taken) == 32
    assert taken.count(True) == NO_DELAYS.max_failures


def _attempt(c: httpx.Client, name: str, password: str, address: str) -> int:
    page = c.get("/desk/login")
    answer = c.post(
        "/desk/login",
        data={"name": name, "password": password, "csrf": csrf_of(page.text)},
        headers={"X-Forwarded-For": address},
    )
    return answer.status_code


def test_lockout_holds_the_attacker_not_the_staff(tmp_path: Path) -> None:
    policy = LoginPolicy(max_failures=3, delay_base=0.0, delay_max=0.0)
    world = make_world(tmp_path, policy=policy, config=TRUSTING)
    attacker, office = "198.51.100.66", "203.0.113.10"
    with live_server(world.app) as base, http_client(base) as c:
        # Any case or spacing of the name counts against the same account.
        tries = [
            _attempt(c, name, "wrong-guess", attacker) for name in ("alice", "ALICE", " alice")
        ]
        assert tries == [401, 401, 401]
        assert _attempt(c, "alice", PASSWORDS["alice"], attacker) == 429
        assert _attempt(c, "Alice", "wrong-guess", attacker) == 429
        # Alice, at her office, is not kept out.
        assert _attempt(c, "alice", PASSWORDS["alice"], office) == 303
    events = security_events(world.store, limit=None)
    actions = Counter(e.action for e in events)
    assert actions["login_failed"] == 3
    assert actions["lockout"] == 1
    lockout = next(e for e in events if e.action == "lockout")
    assert attacker in (lockout.detail or "")
    login = next(e for e in events if e.action == "login")
    assert (login.user, login.detail) == ("alice", office)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, DeskWorld]]:
    """The desk as `clippings serve` runs it (make_server: its uvicorn settings)."""
    world = make_world(tmp_path)
    monkeypatch.setenv("CLIPPINGS_SECRET_KEY", SECRET.decode())
    port = _free_port()
    server = make_server(
        world.config, world.store, host="127.0.0.1", port=port, https=False, embedded=True
    )
    server.config.log_level = "warning"
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("serve did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}", world
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_forwarded_for_from_a_local_client_is_not_believed(
    served: tuple[str, DeskWorld],
) -> None:
    """Each request claims a new address; all are 127.0.0.1, so the lock still holds."""
    base, world = served
    limit = LoginPolicy().max_failures
    with http_client(base) as c:
        tries = [_attempt(c, "bob", "wrong-guess", f"10.9.8.{i}") for i in range(limit + 1)]
    assert tries == [401] * limit + [429]
    failed = [e for e in security_events(world.store) if e.action == "login_failed"]
    assert {e.detail for e in failed} == {"127.0.0.1"}


def test_concurrent_checks_are_bounded_and_the_rest_told_to_wait(
    tmp_path: Path, counted: Counter[str]
) -> None:
    world = make_world(tmp_path, policy=NO_DELAYS)
    state = world.app.state.desk
    state.verifying = asyncio.Semaphore(1)
    state.auth = dataclasses.replace(state.auth, verify_wait=0.02)
    attempts = [{"name": f"user{i}", "password": "wrong-guess"} for i in range(12)]
    with live_server(world.app) as base:
        statuses = asyncio.run(_burst(base, attempts, headers=lambda _i: {}))
    assert counted["most"] == 1
    assert 429 in statuses
    assert counted["calls"] == statuses.count(401)
    # A request turned away for lack of a free check keeps its slot: it was never tried.
    throttle = LoginThrottle(world.store, NO_DELAYS)
    busy = [a["name"] for a, s in zip(attempts, statuses, strict=True) if s == 429]
    for name in busy:
        assert throttle.take_slot(name, "127.0.0.1", now=datetime.now(UTC)).allowed


def test_unlock_command_lets_the_account_in_again(tmp_path: Path) -> None:
    policy = LoginPolicy(max_failures=2)
    world = make_world(tmp_path, policy=policy)
    throttle = LoginThrottle(world.store, policy)
    now = datetime.now(UTC)
    for _ in range(2):
        assert throttle.take_slot("alice", "198.51.100.9", now=now).allowed
        throttle.failed("alice", "198.51.100.9", now=now)
    assert not throttle.take_slot("Alice", "198.51.100.9", now=now).allowed
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    result = CliRunner().invoke(clippings, ["users", "unlock", "ALICE", "--db", url])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "unlocked ALICE (was locked from 198.51.100.9)"
    assert throttle.take_slot("alice", "198.51.100.9", now=now).allowed
    assert any(e.action == "unlock" for e in security_events(world.store))


def test_unlock_has_help() -> None:
    result = CliRunner().invoke(clippings, ["users", "unlock", "--help"])
    assert result.exit_code == 0
    assert "clear their lockouts" in result.output


def test_throttle_lifecycle(db_url: str) -> None:
    """Slots, failures, the lock, its end, success and unlock, on SQLite and PostgreSQL."""
    (store,) = _stores(db_url, 1)
    policy = LoginPolicy(max_failures=2, slow_after=2)
    throttle = LoginThrottle(store, policy)
    now = datetime.now(UTC)
    for _ in range(2):
        assert throttle.take_slot("Bob", "198.51.100.1", now=now).allowed
        throttle.failed("Bob", "198.51.100.1", now=now)
    refused = throttle.take_slot("bob", "198.51.100.1", now=now)
    assert (refused.allowed, refused.retry_at) == (False, now + policy.lockout)
    assert throttle.locks("BOB", now=now) == [("198.51.100.1", now + policy.lockout)]
    elsewhere = throttle.take_slot("bob", "198.51.100.2", now=now)
    assert elsewhere.allowed
    assert elsewhere.account_failures == 2
    assert policy.wait(account_failures=2, address_failures=0) > 0  # slowed, not locked
    throttle.give_back("bob", "198.51.100.2")
    later = now + policy.lockout
    assert throttle.take_slot("bob", "198.51.100.1", now=later).allowed
    throttle.succeeded("bob", "198.51.100.1")
    assert throttle.take_slot("bob", "198.51.100.2", now=later).account_failures == 0
    for _ in range(2):
        throttle.take_slot("bob", "198.51.100.3", now=later)
        throttle.failed("bob", "198.51.100.3", now=later)
    assert throttle.unlock("bob") >= 2
    assert throttle.locks("bob", now=later) == []
    store.engine.dispose()
