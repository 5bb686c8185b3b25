"""No orphans: after `kill -9` of a collector in the middle of a pass, every process
it started (parse workers, their forkserver, the resource tracker) ends too."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.collecting import RSS_TYPE, rss
from tests.conftest import article_html
from tests.feedserver import FeedServer, Reply

ROOT = Path(__file__).resolve().parents[1]
MARK = "CLIPPINGS_TEST_ORPHAN_MARK"

pytestmark = pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc")


def _marked(mark: str) -> dict[int, str]:
    """pid -> command line of every process whose environment carries ``mark``."""
    found: dict[int, str] = {}
    needle = f"{MARK}={mark}".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if needle not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            status = (entry / "status").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:  # ended meanwhile, or not ours
            continue
        if "State:\tZ" not in status:  # a zombie has ended; only its parent must reap it
            found[int(entry.name)] = command
    return found


def _wait_for(condition: object, *, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.1)
    return False


def test_killing_a_collector_mid_pass_leaves_no_process_behind(
    server: FeedServer, tmp_path: Path
) -> None:
    stories = [(f"Council story {i}", server.url(f"/story/{i}")) for i in range(5)]
    server.route("/feed.xml", Reply(200, rss(stories), RSS_TYPE))
    for i in range(5):  # the article pages hang: the pass is stuck in the middle
        server.route(f"/story/{i}", Reply(200, article_html("A story", ["Text."]), delay=60))
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        "settings:\n  allow_private_networks: true\n  per_host_delay: 0\n  timeout: 60\n"
        f"sources:\n  - id: ledger\n    kind: feed\n    url: {server.url('/feed.xml')}\n",
        encoding="utf-8",
    )
    mark = uuid.uuid4().hex
    collector = subprocess.Popen(
        [sys.executable, "-m", "scraper", "collect", "--sources", str(sources)],
        cwd=ROOT,
        env={**os.environ, MARK: mark, "CLIPPINGS_HOME": str(tmp_path / "home")},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # only for the clean-up below if the test fails
    )
    try:
        # Parsing the feed started the forkserver and a worker; then the page fetch hangs.
        started = _wait_for(
            lambda: (
                any("forkserver" in c for c in _marked(mark).values()) and server.hits("/story/0")
            ),
            seconds=60,
        )
        assert started, f"the collector never reached the article pages: {_marked(mark)}"
        children = {pid: c for pid, c in _marked(mark).items() if pid != collector.pid}
        assert any("forkserver" in c for c in children.values())
        os.kill(collector.pid, signal.SIGKILL)
        collector.wait(timeout=10)
        gone = _wait_for(lambda: not _marked(mark), seconds=10)
        assert gone, f"still running 10 s after the collector was killed: {_marked(mark)}"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(collector.pid, signal.SIGKILL)
        for pid in _marked(mark):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def test_the_watchdog_alone_ends_a_worker_whose_parent_died() -> None:
    """Without a parent-death signal (not Linux, or a foreign forkserver)."""
    parent = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    worker = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from scraper.sources.lifeline import watch_parent\n"
            "watch_parent(int(sys.argv[1]))\n"
            "time.sleep(60)\n",
            str(parent.pid),
        ],
        cwd=ROOT,
    )
    try:
        time.sleep(1.0)
        assert worker.poll() is None  # the parent lives: the worker keeps working
        parent.kill()
        parent.wait(timeout=10)
        assert worker.wait(timeout=10) == 1
    finally:
        for process in (parent, worker):
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            process.wait(timeout=10)
