"""`clippings inspect`: analysis of pages without storing them, for people and scripts."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import FIXTURES, write_sources
from tests.feedserver import FeedServer, Reply
from tests.test_pipeline import clippings

YORK = FIXTURES / "articles" / "york-callin.html"
FIELDS = [
    "url", "canonical_url", "outlet", "headline", "published", "authors", "text",
    "excerpt", "quotes", "programs", "cities", "relevant", "evidence", "suggestions",
]  # fmt: skip


def test_inspect_json_has_exactly_the_documented_fields(tmp_path: Path) -> None:
    result = clippings("inspect", "--json", str(YORK), "--sources", str(tmp_path / "none.yaml"))
    assert result.returncode == 0, result.stderr
    [line] = result.stdout.splitlines()
    page = json.loads(line)
    assert list(page) == FIELDS
    assert page["headline"] == "Second call-in warns York groups: violence must end"
    assert (
        page["canonical_url"]
        == "https://news.example.com/story/news/crime/2019/05/14/york-second-call-in/1234567/"
    )
    assert page["published"].startswith("2019-05-14T")  # the published date, not the modified one
    assert page["authors"] == ["Jordan Pellham"]
    assert page["outlet"] == "The Example Courier"
    assert page["programs"][0] == "Group Violence Intervention"
    assert page["cities"] == [
        "York, PA"
    ]  # not New York: "John Jay College in New York" is in passing
    assert page["relevant"] is True
    speakers = {q["speaker"] for q in page["quotes"]}
    assert speakers == {
        "Louisa Marchetti",
        "Darnell Okoye",
    }  # "Okoye said" -> the full name given earlier
    assert all(not q["text"].startswith(('"', "\u201c")) for q in page["quotes"])
    assert "Louisa Marchetti" in page["excerpt"]
    assert "Most read" not in page["text"]
    assert "All rights reserved" not in page["text"]
    kinds = {e["kind"] for e in page["evidence"]}
    assert {"program", "city", "quote"} <= kinds
    for item in page["evidence"]:
        source = page["headline"] if item["field"] == "headline" else page["text"]
        assert source[item["start"] : item["end"]] == item["phrase"]
        if item["kind"] in ("program", "city", "quote"):
            assert 0 < item["confidence"] <= 1, item
    # Tags are at or above their threshold; suggestions are below it and no tag.
    tags = {*page["programs"], *page["cities"]}
    for item in page["evidence"]:
        if item["kind"] in ("program", "city") and item["label"] in tags:
            assert item["confidence"] >= 0.5
    assert not {s["label"] for s in page["suggestions"]} & tags


def test_inspect_for_a_person_and_over_http(tmp_path: Path, server: FeedServer) -> None:
    server.route(
        "/story", Reply(200, YORK.read_bytes(), {"Content-Type": "text/html; charset=utf-8"})
    )
    sources = write_sources(tmp_path, "[]\n")
    result = clippings("inspect", server.url("/story"), str(YORK), "--sources", str(sources))
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("May 2019 | The Example Courier") == 2
    assert "Tags: York, PA" in result.stdout
    assert "\u2014 Darnell Okoye" in result.stdout


def test_inspect_reports_a_page_it_cannot_read_and_goes_on(
    tmp_path: Path, server: FeedServer
) -> None:
    server.route("/gone", Reply(404, "no"))
    sources = write_sources(tmp_path, "[]\n")
    result = clippings(
        "inspect", "--json", server.url("/gone"), str(YORK), "--sources", str(sources)
    )
    assert result.returncode == 1
    assert "HTTP 404 not found" in result.stderr
    assert len(result.stdout.splitlines()) == 1


def test_inspect_refuses_loopback_unless_allowed(tmp_path: Path, server: FeedServer) -> None:
    server.route("/story", Reply(200, YORK.read_bytes(), {"Content-Type": "text/html"}))
    result = clippings("inspect", server.url("/story"), "--sources", str(tmp_path / "none.yaml"))
    assert result.returncode == 1
    assert "non-public address" in result.stderr
    assert server.hits("/story") == []
