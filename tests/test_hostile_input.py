"""Hostile links and text from feeds and people: bad URLs are bad entries, never a
failed source; disguising format characters are removed; submitted links lose
their credentials, and a refused address stores nothing and reveals nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from scraper.cli import main as clippings
from scraper.config.schema import load_config
from scraper.identity.urls import canonicalize_url
from scraper.text.visible import visible_text
from tests.collecting import RSS_TYPE, make_config, open_store, rss, run_pass
from tests.conftest import article_html, write_sources
from tests.desk_fixtures import http_client, live_server, make_world, sign_in
from tests.feedserver import FeedServer, Reply

BAD_LINKS = {
    "emoji host": "http://i❤.ws/x",
    "octal IPv4": "http://0177.0.0.1/",
    "hex IPv4": "http://0x7f.1/",
    "integer IPv4": "http://2130706433/",
    "space in host": "http://bad host.example/x",
    "broken IPv6": "http://[::1/x",
    "label too long": f"http://{'a' * 64}.example/x",
}


@pytest.mark.parametrize("url", BAD_LINKS.values(), ids=BAD_LINKS.keys())
def test_bad_links_are_refused_with_a_reason(url: str) -> None:
    with pytest.raises(ValueError, match=r"host|URL"):
        canonicalize_url(url)


def test_bad_links_in_a_feed_are_bad_entries_not_a_failed_source(
    server: FeedServer, db_url: str
) -> None:
    good = server.url("/story/1")
    items = [("Council funds outreach", good)]
    # (a broken IPv6 link is already left out by the parse stage)
    bad = {name: link for name, link in BAD_LINKS.items() if name != "broken IPv6"}
    items += [(f"Bad {name}", link) for name, link in bad.items()]
    items.append(("Second good story", server.url("/story/2")))
    server.route("/feed.xml", Reply(200, rss(items), RSS_TYPE))
    config = make_config(f"- id: ledger\n  kind: feed\n  url: {server.url('/feed.xml')}\n")
    report = run_pass(config, db_url)["ledger"]
    assert report.outcome == "ok", report.error
    assert report.new == 2
    assert sum(report.dropped.values()) == len(bad)
    assert all(reason.startswith("bad entry link: ") for reason in report.dropped)
    stored = sorted(i["url"] for i in open_store(config, db_url).items())
    assert stored == sorted([good, server.url("/story/2")])


@pytest.mark.parametrize(
    ("command", "url"),
    [
        (["add"], "http://i❤.ws/x"),
        (["add"], "http://0177.0.0.1/"),
        (["inspect"], "http://i❤.ws/x"),
        (["inspect"], "http://0177.0.0.1/"),
        (["sources", "discover"], "http://i❤.ws/x"),
        (["sources", "discover"], "http://[::1/x"),
    ],
    ids=["add-idna", "add-octal", "inspect-idna", "inspect-octal", "discover-idna", "discover-v6"],
)
def test_commands_answer_a_bad_url_with_one_line(
    command: list[str], url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLIPPINGS_HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(clippings, [*command, url])
    assert result.exit_code != 0
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert "Traceback" not in result.output


# --- invisible format characters ---------------------------------------------------------

RLO, LRI, PDI, ZWSP = "\u202e", "\u2066", "\u2069", "\u200b"


def test_bidi_and_invisible_characters_are_removed_at_ingest(
    server: FeedServer, db_url: str
) -> None:
    headline = f"Evil Outlet =1+1 {RLO}TXT.EXE"
    server.route("/story", Reply(200, article_html(headline, ["Body."]), {}))
    feed = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        "<title>News search</title><link>https://search.example/</link>"
        f"<item><title>{headline}</title><link>{server.url('/story')}</link>"
        f'<source url="https://harbor.example/">Harbor{RLO}Weekly</source>'
        f"<author>ed@harbor.example (Dana{ZWSP} {LRI}Whit{PDI}field)</author>"
        f"<description>Residents {RLO}spoke{ZWSP} at the meeting.</description></item>"
        "</channel></rss>"
    )
    server.route("/feed.xml", Reply(200, feed, RSS_TYPE))
    config = make_config(f"- id: harbor\n  kind: search\n  url: {server.url('/feed.xml')}\n")
    report = run_pass(config, db_url)["harbor"]
    assert report.outcome == "ok", report.error
    (item,) = open_store(config, db_url).items()
    assert item["headline"] == "Evil Outlet =1+1 TXT.EXE"
    shown = [item["headline"], item["outlet"], item["excerpt"], item["summary"], *item["authors"]]
    for text in shown:
        assert text == visible_text(text)
        assert not {RLO, LRI, PDI, ZWSP} & set(text), text
    assert item["outlet"] == "HarborWeekly"


# --- links submitted on the desk -----------------------------------------------------------


def _story_html() -> str:
    return article_html(
        "Harbor City council funds street outreach",
        ["The council voted to fund Group Violence Intervention outreach for two years."],
    )


def test_desk_submit_of_an_invalid_url_answers_with_a_message(tmp_path: Path) -> None:
    config = load_config(write_sources(tmp_path, "[]\n"))
    world = make_world(tmp_path, config=config)
    with live_server(world.app) as base, http_client(base) as c:
        token = sign_in(c, world, "alice")
        for url in ("http://i❤.ws/x", "http://0177.0.0.1/", "http://[::1/x"):
            answer = c.post("/desk/submit", data={"csrf": token, "url": url})
            assert answer.status_code == 400
            assert "not a usable web address" in answer.text
    assert world.store.items() == []


def test_credentials_are_dropped_from_a_submitted_link(tmp_path: Path) -> None:
    config = load_config(write_sources(tmp_path, "[]\n"))
    world = make_world(tmp_path, config=config)
    with FeedServer() as server, live_server(world.app) as base, http_client(base) as c:
        server.route("/a", Reply(200, _story_html(), {"Content-Type": "text/html"}))
        token = sign_in(c, world, "alice")
        secret_url = server.url("/a").replace("http://", "http://editor:hunter2-secret@")
        answer = c.post("/desk/submit", data={"csrf": token, "url": secret_url})
        assert answer.status_code == 303
        assert all("authorization" not in r.headers for r in server.requests)
    (item,) = world.store.items()
    assert item["url"] == server.url("/a")
    audit = world.review.audit(limit=None)
    assert audit
    assert all("hunter2" not in str(entry) for entry in audit)
    assert "hunter2" not in str(item)


def test_a_refused_address_stores_nothing_and_reveals_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A name resolving to a private address: no item, and no address in the message."""
    path = write_sources(tmp_path, "[]\n")
    path.write_text(
        path.read_text().replace("allow_private_networks: true", "allow_private_networks: false")
    )
    config = load_config(path)
    assert not config.settings.allow_private_networks
    world = make_world(tmp_path, config=config)
    with FeedServer() as server, live_server(world.app) as base, http_client(base) as c:
        server.route("/a", Reply(200, _story_html(), {"Content-Type": "text/html"}))
        token = sign_in(c, world, "alice")
        url = f"http://localhost:{server.port}/a"
        answer = c.post("/desk/submit", data={"csrf": token, "url": url})
        assert answer.status_code == 400
        assert "not a public web page" in answer.text
        assert "127.0.0.1" not in answer.text
        assert "::1" not in answer.text
        assert not server.requests
    assert world.store.items() == []
