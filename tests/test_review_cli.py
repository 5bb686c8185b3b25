"""``clippings users``, ``review`` and ``add`` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from scraper.cli import main
from scraper.pipeline.wiring import open_store
from tests.conftest import article_html, write_sources
from tests.desk_fixtures import save, story
from tests.feedserver import FeedServer, Reply
from tests.search_fixtures import google_link, old_token, opaque_token


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    store = open_store(url)
    save(store, story(1))
    save(store, story(2, cities=("York, PA",)))
    return url


def run(db: str, *args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(
        main, [*args, "--db", db, "--sources", "/nonexistent.yaml"], input=stdin
    )
    return result.exit_code, result.output


def test_users_add_list_passwd_remove(db: str) -> None:
    assert run(db, "users", "add", "carol", "--admin", stdin="carol-password\n")[0] == 0
    code, out = run(db, "users", "add", "carol", stdin="carol-password\n")
    assert code == 1
    assert "already exists" in out
    code, out = run(db, "users", "list", "--json")
    assert json.loads(out.splitlines()[0])["name"] == "carol"
    assert json.loads(out.splitlines()[0])["admin"] is True
    assert run(db, "users", "passwd", "carol", stdin="another-password\n")[0] == 0
    assert run(db, "users", "remove", "carol")[0] == 0
    assert run(db, "users", "list")[1] == ""


@pytest.mark.parametrize(
    ("password", "ok"),
    [("long-enough-pw", True), ("short", False)],
    ids=["ok", "too-short"],
)
def test_password_strength(db: str, password: str, ok: bool) -> None:
    code, out = run(db, "users", "add", "dan", stdin=password + "\n")
    assert (code == 0) is ok
    if not ok:
        assert "at least 8" in out


def test_review_list_approve_reject_edit_undo(db: str) -> None:
    code, out = run(db, "review", "list", "--json")
    assert code == 0
    assert {json.loads(line)["id"] for line in out.splitlines()} == {1, 2}
    code, out = run(db, "review", "list", "--city", "York, PA", "--json")
    assert [json.loads(line)["id"] for line in out.splitlines()] == [2]
    assert run(db, "review", "approve", "1", "--user", "eve")[1].strip() == "1: approved"
    code, out = run(db, "review", "approve", "1")
    assert code == 1
    assert "cannot be approved" in out
    code, out = run(db, "review", "reject", "2", "--reason", "old news", "--json")
    assert json.loads(out)["status"] == "rejected"
    code, out = run(
        db,
        "review",
        "edit",
        "1",
        "--headline",
        "Better headline",
        "--city",
        "Gary, IN",
        "--internal-note",
        "check spelling",
        "--json",
    )
    assert code == 0, out
    item = json.loads(out)
    assert item["headline"] == "Better headline"
    assert item["cities"] == ["Gary, IN"]
    assert item["original"]["headline"] == "Outreach workers report calmer summer 1"
    assert item["internal_note"] == "check spelling"
    code, out = run(db, "review", "edit", "1", "--date", "2024-02-31")
    assert code == 2
    assert "published" in out
    code, out = run(db, "review", "undo", "--user", "eve")
    assert code == 1
    assert "changed after your approve" in out  # the cli user edited it since
    code, out = run(db, "review", "undo")  # the cli user's last change: the notes
    assert "undone: notes of item 1" in out
    code, out = run(db, "review", "audit", "--json")
    actions = [json.loads(line)["action"] for line in out.splitlines()]
    assert actions[:2] == ["undo", "notes"]
    code, out = run(db, "review", "audit", "--csv")
    assert out.startswith("id,at,user,action")


def test_add_url_fetches_analyses_and_dedups(tmp_path: Path, db: str) -> None:
    with FeedServer() as server:
        html = article_html(
            "Riverton launches violence interruption program",
            [
                "Riverton officials started a Group Violence Intervention effort this week.",
                "“We will knock on every door,” said Lorna Pike, who leads the outreach team.",
            ],
        )
        server.route("/story", lambda _req: Reply(200, html, {"Content-Type": "text/html"}))
        sources = write_sources(tmp_path, "[]\n")
        args = ["add", server.url("/story"), "--json", "--db", db, "--sources", str(sources)]
        first = CliRunner().invoke(main, args)
        assert first.exit_code == 0, first.output
        result = json.loads(first.output)
        assert result["outcome"] == "new"
        assert result["status"] == "candidate"
        assert result["headline"] == "Riverton launches violence interruption program"
        again = json.loads(CliRunner().invoke(main, args).output)
        assert again == {**result, "outcome": "seen"}
    store = open_store(db)
    assert store.item(result["id"])["sources"] == ["manual"]


def test_add_refuses_a_non_http_url(db: str) -> None:
    code, out = run(db, "add", "ftp://example.org/x")
    assert code == 1
    assert "not a usable web address" in out


def test_add_takes_a_google_news_link_to_its_article(tmp_path: Path, db: str) -> None:
    with FeedServer() as server:
        html = article_html(
            "Riverton call-in draws forty",
            ["Riverton held its first Group Violence Intervention call-in on Monday."],
        )
        server.route("/story", lambda _req: Reply(200, html, {"Content-Type": "text/html"}))
        sources = write_sources(tmp_path, "[]\n")
        link = google_link(old_token(server.url("/story")))  # the URL is inside the token
        args = ["add", link, "--json", "--db", db, "--sources", str(sources)]
        first = CliRunner().invoke(main, args)
        assert first.exit_code == 0, first.output
        result = json.loads(first.output)
        assert result["headline"] == "Riverton call-in draws forty"
        assert open_store(db).item(result["id"])["url"] == server.url("/story")
        opaque = ["add", google_link(opaque_token(1)), "--db", db, "--sources", str(sources)]
        refused = CliRunner().invoke(main, opaque)  # resolution is off: Google is not asked
        assert refused.exit_code == 1
        assert "That is a Google News link" in refused.output
        assert "online resolution is off" in refused.output
