"""Memory of `clippings serve` under 200 concurrent logins (target: under 500 MB).

Each Argon2 verification takes about 64 MiB; before the bound, 60 concurrent
logins took the server from 285 MB to 2.75 GB. This starts a real server on a
fresh database, sends N logins at once (distinct names, so each one reaches the
password check instead of the lockout), samples the server's resident memory
every 20 ms and prints the baseline, the peak (VmHWM: the kernel's high-water
mark, so no spike is missed between samples) and how the logins were answered.

    nice .venv/bin/python bench/bench_login_memory.py            # 200 logins
    nice .venv/bin/python bench/bench_login_memory.py --logins 60 --json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scraper.web.auth import hash_password  # noqa: E402
from storage.db import open_database  # noqa: E402
from storage.review import ReviewStore  # noqa: E402
from storage.store import Store  # noqa: E402


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _memory(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of ``pid`` in bytes."""
    status = Path(f"/proc/{pid}/status").read_text()
    found = dict(re.findall(r"^(VmRSS|VmHWM):\s+(\d+) kB", status, flags=re.M))
    return {k: int(v) * 1024 for k, v in found.items()}


async def _logins(base: str, count: int, pid: int) -> tuple[Counter[int], int, float]:
    limits = httpx.Limits(max_connections=count + 10, max_keepalive_connections=count + 10)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:
        page = await client.get("/desk/login")
        token = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert token, "no login form"
        peak_sampled = 0
        done = asyncio.Event()

        async def sample() -> None:
            nonlocal peak_sampled
            while not done.is_set():
                peak_sampled = max(peak_sampled, _memory(pid).get("VmRSS", 0))
                await asyncio.sleep(0.02)

        sampler = asyncio.create_task(sample())
        started = time.monotonic()
        answers = await asyncio.gather(
            *(
                client.post(
                    "/desk/login",
                    data={"name": f"user{i}", "password": "not-the-password", "csrf": token[1]},
                )
                for i in range(count)
            ),
            return_exceptions=True,
        )
        took = time.monotonic() - started
        done.set()
        await sampler
    statuses: Counter[int] = Counter(
        a.status_code if isinstance(a, httpx.Response) else 0 for a in answers
    )
    return statuses, peak_sampled, took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logins", type=int, default=200, help="concurrent logins (200)")
    parser.add_argument("--json", action="store_true", help="one JSON object")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="clippings-bench-login-"))
    url = f"sqlite:///{home / 'clippings.db'}"
    engine = open_database(url)
    ReviewStore(Store(engine)).add_user(
        "alice", hash_password("alice-password-1"), admin=False, now=datetime.now(UTC)
    )
    engine.dispose()
    port = _free_port()
    env = {
        **os.environ,
        "CLIPPINGS_HOME": str(home),
        "CLIPPINGS_SECRET_KEY": secrets.token_urlsafe(48),
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "scraper", "serve", "--port", str(port), "--db", url],
        cwd=home,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base}/desk/login", timeout=2)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("the server did not start") from None
                time.sleep(0.2)
        baseline = _memory(server.pid)["VmRSS"]
        statuses, sampled, took = asyncio.run(_logins(base, args.logins, server.pid))
        peak = _memory(server.pid)["VmHWM"]
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
    result = {
        "logins": args.logins,
        "baseline_mb": round(baseline / 1e6),
        "peak_mb": round(peak / 1e6),
        "peak_sampled_mb": round(sampled / 1e6),
        "seconds": round(took, 1),
        "answers": {str(k): v for k, v in sorted(statuses.items())},
    }
    if args.json:
        print(json.dumps(result))
        return
    print(f"{args.logins} concurrent logins in {took:.1f} s")
    print(f"server memory: {result['baseline_mb']} MB before, peak {result['peak_mb']} MB (VmHWM)")
    answers = ", ".join(f"{v} x {k}" for k, v in sorted(statuses.items()))
    print(f"answers: {answers}  (401 checked and wrong, 429 busy: try again)")


if __name__ == "__main__":
    main()
