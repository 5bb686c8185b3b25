"""`clippings sources discover|import|export|list|check` and `clippings run` as real processes."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scraper.models.errors import ParseError
from scraper.sources.opml import read_opml
from tests.conftest import serve_fixture, write_sources
from tests.feedserver import FeedServer, Reply
from tests.test_pipeline import ROOT, clippings


def test_discover_finds_announced_feeds(server: FeedServer, tmp_path: Path) -> None:
    serve_fixture(server, "/feed.xml", "rss2.xml")
    serve_fixture(server, "/feed.json", "feed.json")
    server.route(
        "/",
        Reply(
            200,
            '<html><head><link rel="alternate" type="application/rss+xml" title="Ledger news" href="/feed.xml">'
            '<link rel="alternate" type="application/feed+json" href="/feed.json">'
            '<link rel="alternate" type="application/rss+xml" href="/missing.xml"></head></html>',
            {"Content-Type": "text/html"},
        ),
    )
    sources = write_sources(tmp_path, "[]\n")
    result = clippings("sources", "discover", server.url("/"), "--sources", str(sources))
    assert result.returncode == 0, result.stderr
    assert f"url: {server.url('/feed.xml')}" in result.stdout
    assert f"url: {server.url('/feed.json')}" in result.stdout
    assert "missing.xml" not in result.stdout  # announced, but it does not answer with a feed
    assert "3 entries (found by link rel=alternate)" in result.stdout


def test_discover_falls_back_to_common_paths(server: FeedServer, tmp_path: Path) -> None:
    serve_fixture(server, "/rss.xml", "rss2.xml")
    server.route(
        "/",
        Reply(
            200, "<html><head><title>No links</title></head></html>", {"Content-Type": "text/html"}
        ),
    )
    sources = write_sources(tmp_path, "[]\n")
    result = clippings("sources", "discover", server.url("/"), "--sources", str(sources))
    assert result.returncode == 0, result.stderr
    assert f"url: {server.url('/rss.xml')}" in result.stdout
    assert "found by common path" in result.stdout


def test_discover_says_when_there_is_nothing(server: FeedServer, tmp_path: Path) -> None:
    server.route("/", Reply(200, "<html><head></head></html>", {"Content-Type": "text/html"}))
    sources = write_sources(tmp_path, "[]\n")
    result = clippings("sources", "discover", server.url("/"), "--sources", str(sources))
    assert result.returncode == 1
    assert "no feed found" in result.stderr


OPML = b"""<?xml version="1.0"?>
<opml version="2.0"><head><title>My feeds</title></head><body>
  <outline text="Local">
    <outline type="rss" text="Riverton Ledger" xmlUrl="https://ledger.example.org/feed.xml" htmlUrl="https://ledger.example.org/"/>
    <outline type="rss" text="Harbor Weekly" xmlUrl="https://harbor.example.com/feed.json"/>
  </outline>
  <outline type="rss" text="Already there" xmlUrl="https://known.example.net/rss"/>
</body></opml>
"""


def test_opml_import_skips_known_feeds_and_writes_valid_yaml(tmp_path: Path) -> None:
    sources = write_sources(
        tmp_path, "- id: known\n  kind: feed\n  url: https://known.example.net/rss\n"
    )
    opml = tmp_path / "feeds.opml"
    opml.write_bytes(OPML)
    printed = clippings("sources", "import", str(opml), "--sources", str(sources))
    assert printed.returncode == 0, printed.stderr
    assert "url: https://ledger.example.org/feed.xml" in printed.stdout
    assert "known.example.net" not in printed.stdout
    written = clippings("sources", "import", str(opml), "--write", "--sources", str(sources))
    assert written.returncode == 0, written.stderr
    listed = clippings(
        "sources", "list", "--json", "--sources", str(sources), "--db", f"sqlite:///{tmp_path}/d.db"
    )
    assert listed.returncode == 0, listed.stderr
    ids = [json.loads(line)["id"] for line in listed.stdout.splitlines()]
    assert ids == ["known", "riverton-ledger", "harbor-weekly"]


def test_opml_export_round_trips(tmp_path: Path) -> None:
    sources = write_sources(
        tmp_path,
        "- id: a\n  kind: feed\n  url: https://ledger.example.org/feed.xml\n  outlet: Riverton Ledger\n"
        "- id: b\n  kind: search\n  url: https://search.example.com/rss?q=gvi\n"
        "- id: c\n  kind: page\n  url: https://ledger.example.org/crime/\n  selector: a\n",
    )
    out = tmp_path / "out.opml"
    result = clippings("sources", "export", "-o", str(out), "--sources", str(sources))
    assert result.returncode == 0, result.stderr
    feeds = read_opml(out.read_bytes())
    assert [(f.title, f.url, f.category) for f in feeds] == [
        ("Riverton Ledger", "https://ledger.example.org/feed.xml", None),
        ("b", "https://search.example.com/rss?q=gvi", "Search"),
    ]


def test_opml_entities_are_never_expanded_nor_fetched() -> None:
    laughs = b"""<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>
    <opml><body><outline text="x&b;" xmlUrl="https://a.example/f"/></body></opml>"""
    with pytest.raises(ParseError, match="declares XML entities"):
        read_opml(laughs)
    external = b"""<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x SYSTEM "file:///etc/passwd">]>
    <opml><body><outline text="&x;" xmlUrl="https://a.example/f"/></body></opml>"""
    with pytest.raises(ParseError, match="declares XML entities"):
        read_opml(external)


def test_sources_check_fetches_each_once(server: FeedServer, tmp_path: Path, db_url: str) -> None:
    serve_fixture(server, "/feed.xml", "rss2.xml")
    server.route("/gone", Reply(410, "gone"))
    sources = write_sources(
        tmp_path,
        f"- id: good\n  kind: feed\n  url: {server.url('/feed.xml')}\n- id: gone\n  kind: feed\n  url: {server.url('/gone')}\n",
    )
    result = clippings("sources", "check", "--json", "--sources", str(sources), "--db", db_url)
    assert result.returncode == 1  # one source failed
    rows = {r["id"]: r for r in map(json.loads, result.stdout.splitlines())}
    assert rows["good"]["ok"] is True
    assert rows["good"]["entries"] == 3
    assert rows["gone"]["error"] == "HTTP 410 gone"


def test_run_collects_due_sources_and_stops_cleanly_on_ctrl_c(
    server: FeedServer, tmp_path: Path, db_url: str
) -> None:
    serve_fixture(server, "/feed.json", "feed.json")
    sources = write_sources(
        tmp_path,
        f"- id: harbor\n  kind: feed\n  url: {server.url('/feed.json')}\n",
        extra_settings="fetch_articles: false\n",
    )
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "scraper",
            "run",
            "--tick",
            "0.5",
            "--sources",
            str(sources),
            "--db",
            db_url,
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not server.hits("/feed.json"):
            time.sleep(0.1)
        time.sleep(1.0)
        process.send_signal(signal.SIGINT)
        _out, err = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert "clippings: stopped." in err
    assert len(server.hits("/feed.json")) == 1  # not due again within its 30 min interval
    listed = clippings("items", "--json", "--sources", str(sources), "--db", db_url)
    assert len(listed.stdout.splitlines()) == 2
