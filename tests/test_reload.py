"""A running `clippings run` picks up an edited sources.yaml: on its own each tick, and at
once on SIGHUP; an invalid edit keeps the running configuration. Real process, real server."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

import pytest

from tests.feedserver import FeedServer, Reply
from tests.test_pipeline import ROOT, clippings

RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title><link>{base}</link>
<description>d</description>{items}</channel></rss>"""
ITEM = "<item><title>{title}</title><link>{link}</link><guid>{link}</guid></item>"

SETTINGS = """settings:
  allow_private_networks: true
  per_host_delay: 0
  timeout: 5
  connect_timeout: 2
  fetch_articles: false
"""


def feed(server: FeedServer, path: str, *stories: tuple[str, str]) -> None:
    items = "".join(ITEM.format(title=t, link=server.url(p)) for t, p in stories)
    body = RSS.format(title=path, base=server.url("/"), items=items)
    server.route(path, Reply(200, body, {"Content-Type": "application/rss+xml"}))


def source(sid: str, url: str) -> str:
    return f"  - id: {sid}\n    kind: feed\n    url: {url}\n    interval: 1d\n"


class Running:
    """`clippings run` as a process, its stderr collected line by line."""

    def __init__(self, sources: Path, db: str, *, tick: float) -> None:
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "scraper",
                "run",
                "--tick",
                str(tick),
                "--sources",
                str(sources),
                "--db",
                db,
            ],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        assert self.process.stderr is not None
        self.reader = threading.Thread(target=self._read, args=(self.process.stderr,), daemon=True)
        self.reader.start()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            self.lines.append(line)

    def wait_for(self, what: Callable[[], bool], *, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if what():
                return
            assert self.process.poll() is None, "".join(self.lines)
            time.sleep(0.1)
        raise AssertionError("timed out; stderr:\n" + "".join(self.lines))

    def said(self, text: str) -> bool:
        return any(text in line for line in self.lines)

    def stop(self) -> str:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.reader.join(timeout=5)
        if self.process.stderr is not None:
            self.process.stderr.close()
        return "".join(self.lines)


@pytest.fixture
def running() -> Iterator[list[Running]]:
    started: list[Running] = []
    yield started
    for run in started:
        run.stop()


def _items(sources: Path, db: str) -> list[dict[str, object]]:
    listed = clippings("items", "--json", "--sources", str(sources), "--db", db)
    assert listed.returncode == 0, listed.stderr
    return [json.loads(line) for line in listed.stdout.splitlines()]


def test_an_edit_reaches_a_running_collector_each_tick(
    server: FeedServer, tmp_path: Path, running: list[Running]
) -> None:
    feed(server, "/a.xml", ("Council meets on budget", "/a1"))
    feed(
        server,
        "/b.xml",
        ("Harbor Peace Walks return to the east side", "/b1"),
    )
    sources = tmp_path / "sources.yaml"
    sources.write_text(SETTINGS + "sources:\n" + source("alpha", server.url("/a.xml")))
    db = f"sqlite:///{tmp_path / 'c.db'}"
    run = Running(sources, db, tick=0.5)
    running.append(run)
    run.wait_for(lambda: bool(server.hits("/a.xml")))

    # a new source starts, the removed one stops, a new program applies to the new items
    sources.write_text(
        SETTINGS
        + "programs:\n  - name: Harbor Peace Walks\n    aliases: [Harbor Peace Walks]\n"
        + "sources:\n"
        + source("beta", server.url("/b.xml"))
    )
    run.wait_for(lambda: bool(server.hits("/b.xml")))
    run.wait_for(lambda: run.said("reloaded"))
    assert run.said(
        "sources: 1 added (beta), 1 removed (alpha); vocabulary changed (applies to new items)"
    )
    run.wait_for(lambda: any(i["url"].endswith("/b1") for i in _items(sources, db)))
    story = next(i for i in _items(sources, db) if str(i["url"]).endswith("/b1"))
    assert story["programs"] == ["Harbor Peace Walks"]

    # an invalid edit: the same line-precise errors as at start, and the run goes on
    sources.write_text(
        SETTINGS + "sources:\n" + source("beta", server.url("/b.xml")) + "    intervall: 2h\n"
    )
    run.wait_for(lambda: run.said("problem(s); keeping the running configuration"))
    assert run.said(
        f"{sources}:12: source 'beta': unknown key 'intervall' (did you mean 'interval'?)"
    )
    assert run.process.poll() is None  # still collecting, with the last valid configuration
    listed = clippings(
        "sources", "list", "--json", "--sources", str(sources.with_name("x")), "--db", db
    )
    assert listed.returncode == 2  # (that file does not exist: the check is real)
    err = run.stop()
    assert run.process.returncode == 0, err
    assert "Traceback" not in err


def test_sighup_reloads_at_once(server: FeedServer, tmp_path: Path, running: list[Running]) -> None:
    feed(server, "/a.xml", ("Council meets on budget", "/a1"))
    feed(server, "/c.xml", ("School board votes", "/c1"))
    sources = tmp_path / "sources.yaml"
    text = SETTINGS + "sources:\n" + source("alpha", server.url("/a.xml"))
    sources.write_text(text)
    db = f"sqlite:///{tmp_path / 'c.db'}"
    run = Running(sources, db, tick=3600)  # no tick will look at the file during this test
    running.append(run)
    run.wait_for(lambda: bool(server.hits("/a.xml")))
    stat = sources.stat()
    sources.write_text(text + source("gamma", server.url("/c.xml")))
    os.utime(sources, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # even with the old time
    time.sleep(0.5)
    assert not run.said("reloaded")
    run.process.send_signal(signal.SIGHUP)
    run.wait_for(lambda: run.said("reloaded: sources: 1 added (gamma)"))
    listed = clippings("sources", "list", "--json", "--sources", str(sources), "--db", db)
    assert [json.loads(line)["id"] for line in listed.stdout.splitlines()] == ["alpha", "gamma"]
    err = run.stop()
    assert run.process.returncode == 0, err
