"""First run: `clippings serve` says where the desk is and how to make the first account."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from scraper.cli.welcome import account_command, where_to_go
from scraper.config.schema import DEFAULT_DATABASE_URL

ROOT = Path(__file__).resolve().parents[1]


def test_where_to_go_names_both_addresses_and_the_account_command() -> None:
    lines = where_to_go(
        host="0.0.0.0",
        port=8080,
        https=False,
        accounts=0,
        program=".venv/bin/clippings",
        database_url="sqlite:////srv/c.db",
    )
    assert lines == [
        "clippings: review desk at http://127.0.0.1:8080/desk/",
        "clippings: news page and feeds at http://127.0.0.1:8080/news/",
        "clippings: no desk account yet: create one with "
        "`.venv/bin/clippings users add admin --admin --db sqlite:////srv/c.db` "
        "(it asks for a password)",
    ]
    with_account = where_to_go(
        host="desk.example.org",
        port=443,
        https=True,
        accounts=1,
        program="clippings",
        database_url=DEFAULT_DATABASE_URL,
    )
    assert with_account == [
        "clippings: review desk at https://desk.example.org:443/desk/",
        "clippings: news page and feeds at https://desk.example.org:443/news/",
    ]


def test_account_command_leaves_out_the_default_database() -> None:
    command = account_command(program="/usr/bin/python3", database_url=DEFAULT_DATABASE_URL)
    assert command == "/usr/bin/python3 users add admin --admin"
    assert account_command(program="clippings", database_url="sqlite:///x y.db") == (
        "clippings users add admin --admin --db 'sqlite:///x y.db'"
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_prints_where_to_go_then_stops_on_ctrl_c(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "CLIPPINGS_HOME": str(tmp_path), "CLIPPINGS_PORT": str(port)}
    env.pop("CLIPPINGS_DATABASE_URL", None)
    db = f"sqlite:///{tmp_path / 'c.db'}"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "scraper",
            "serve",
            "--sources",
            str(tmp_path / "none.yaml"),
            "--db",
            db,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        seen: list[str] = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any("Ctrl-C" in line for line in seen):
            seen.append(process.stderr.readline())
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/news/", timeout=5) as r:
                    assert r.status == 200
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("the news page did not answer")
        process.send_signal(signal.SIGINT)
        _out, rest = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert f"clippings: review desk at http://127.0.0.1:{port}/desk/\n" in seen
    assert f"clippings: news page and feeds at http://127.0.0.1:{port}/news/\n" in seen
    hint = [line for line in seen if "no desk account yet" in line]
    assert hint, seen
    assert f"`{sys.executable} -m scraper users add admin --admin --db {db}`" in hint[0]
    assert process.returncode == 0, rest
    assert "Traceback" not in rest
