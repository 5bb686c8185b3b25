"""End to end: sources.yaml + a local feed server -> the clippings command -> the items table."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import article_html, serve_fixture, write_sources
from tests.feedserver import FeedServer, Reply

ROOT = Path(__file__).resolve().parents[1]


def clippings(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scraper", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        check=False,
    )


def items(sources: Path, db: str) -> list[dict[str, object]]:
    result = clippings("items", "--json", "--sources", str(sources), "--db", db)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def serve_articles(server: FeedServer) -> None:
    """Article pages for the fixture feeds' links."""
    base = server.url("").rstrip("/")
    server.route(
        "/news/2024/03/05/call-in-riverton/",
        Reply(
            200,
            article_html(
                "Call-in tells Riverton group members: the shooting must stop",
                [
                    "RIVERTON, Ill. — Eleven young men sat facing police, pastors and mothers of homicide victims "
                    "on Monday night at the city's first Group Violence Intervention call-in.",
                    "\u201cWe want you alive and we want you home, but the shooting has to stop tonight,\u201d said "
                    "Police Chief Marisol Avery, who has led the department since 2021.",
                    "Avery said outreach workers would follow up with every man in the room within a week.",
                ],
                canonical=f"{base}/news/2024/03/05/call-in-riverton/",
            ),
            {"Content-Type": "text/html; charset=utf-8"},
        ),
    )
    server.route(
        "/news/2024/03/04/budget-streets/",
        Reply(
            200,
            article_html(
                "Council approves budget for street repairs",
                [
                    "The council voted 5-2 on Monday to fund road work this summer.",
                    "Repairs start in June on Elm and Main streets.",
                ],
            ),
            {"Content-Type": "text/html; charset=utf-8"},
        ),
    )


SOURCES = """\
- id: ledger-rss
  kind: feed
  url: {base}/feed.xml
  outlet: Riverton Ledger
- id: ledger-atom
  kind: feed
  url: {base}/atom.xml
  outlet: Riverton Ledger
- id: harbor
  kind: feed
  url: {base}/feed.json
  outlet: Harbor Weekly
- id: courier
  kind: page
  url: {base}/crime/
  selector: "article.card h2"
- id: broken
  kind: feed
  url: {base}/broken.xml
- id: html-not-feed
  kind: feed
  url: {base}/error-page
"""


@pytest.fixture
def site(server: FeedServer, tmp_path: Path) -> tuple[Path, FeedServer]:
    serve_fixture(server, "/feed.xml", "rss2.xml", etag='"rss-v1"')
    serve_fixture(server, "/atom.xml", "atom.xml")
    serve_fixture(server, "/feed.json", "feed.json")
    serve_fixture(server, "/crime/", "listing.html")
    server.route("/broken.xml", Reply(500, "boom"))
    server.route(
        "/error-page",
        Reply(
            200,
            "<!doctype html><html><head><title>We'll be right back</title></head></html>",
            {"Content-Type": "text/html"},
        ),
    )
    serve_articles(server)
    sources = write_sources(tmp_path, SOURCES.format(base=server.url("").rstrip("/")))
    return sources, server


def test_collect_fills_the_store_once(site: tuple[Path, FeedServer], db_url: str) -> None:
    sources, server = site
    first = clippings("collect", "--sources", str(sources), "--db", db_url, "--json")
    assert first.returncode == 0, first.stderr
    reports = {r["source"]: r for r in map(json.loads, first.stdout.splitlines())}
    assert reports["broken"]["outcome"] == "error"
    assert reports["broken"]["error"] == "HTTP 500 server error"
    assert reports["html-not-feed"]["outcome"] == "error"
    assert "expected a feed but got an HTML page" in str(reports["html-not-feed"]["error"])
    # the Atom feed repeats one RSS story under a tracking-parameter link: one of the two
    # sources (whichever came first; they run concurrently) stores it, the other sees it
    rss, atom = reports["ledger-rss"], reports["ledger-atom"]
    assert (rss["new"] + atom["new"], rss["seen"] + atom["seen"]) == (4, 1)  # type: ignore[operator]
    assert reports["harbor"]["new"] == 2
    assert reports["courier"]["new"] == 3

    stored = items(sources, db_url)
    assert len(stored) == 3 + 1 + 2 + 3
    by_url = {i["url"]: i for i in stored}
    call_in = by_url[server.url("/news/2024/03/05/call-in-riverton/")]
    assert sorted(call_in["sources"]) == ["ledger-atom", "ledger-rss"]  # type: ignore[arg-type]
    assert call_in["headline"] == "Call-in tells Riverton group members: the shooting must stop"
    assert call_in["outlet"] == "Riverton Ledger"
    assert call_in["published"] == "2024-03-05T19:30:00+00:00"
    for key in (
        "id",
        "url",
        "canonical_url",
        "outlet",
        "headline",
        "published",
        "status",
        "sources",
        "excerpt",
        "authors",
        "quotes",
        "programs",
        "cities",
        "relevant",
    ):
        assert key in call_in

    second = clippings("collect", "--sources", str(sources), "--db", db_url, "--json")
    assert second.returncode == 0, second.stderr
    again = {r["source"]: r for r in map(json.loads, second.stdout.splitlines())}
    assert sum(int(r["new"]) for r in again.values()) == 0  # type: ignore[call-overload]
    assert again["ledger-rss"]["outcome"] == "not_modified"
    assert len(items(sources, db_url)) == len(stored)


def test_collect_one_source_and_table_output(site: tuple[Path, FeedServer], db_url: str) -> None:
    sources, _server = site
    result = clippings("collect", "--sources", str(sources), "--db", db_url, "--source", "harbor")
    assert result.returncode == 0, result.stderr
    assert "Collection summary" in result.stdout
    assert "2 new item(s) from 1 source(s); 0 failed." in result.stdout
    unknown = clippings("collect", "--sources", str(sources), "--db", db_url, "--source", "nope")
    assert unknown.returncode == 2
    assert "unknown source id(s): nope" in unknown.stderr


def test_bad_sources_file_stops_before_any_fetch(
    tmp_path: Path, server: FeedServer, db_url: str
) -> None:
    sources = write_sources(
        tmp_path, f"- id: a\n  kind: feed\n  url: {server.url('/feed.xml')}\n  intervall: 5m\n"
    )
    result = clippings("collect", "--sources", str(sources), "--db", db_url)
    assert result.returncode == 2
    assert "unknown key 'intervall' (did you mean 'interval'?)" in result.stderr
    assert str(sources) in result.stderr
    assert server.requests == []


def test_every_command_has_help() -> None:
    from click import Group

    from scraper.cli import main

    def walk(group: Group, prefix: tuple[str, ...]) -> list[tuple[str, ...]]:
        out = []
        for name, command in group.commands.items():
            out.append((*prefix, name))
            if isinstance(command, Group):
                out.extend(walk(command, (*prefix, name)))
        return out

    commands = walk(main, ())
    assert ("collect",) in commands
    assert ("sources", "discover") in commands
    for path in commands:
        result = clippings(*path, "--help")
        assert result.returncode == 0, (path, result.stderr)
        assert "Usage:" in result.stdout
