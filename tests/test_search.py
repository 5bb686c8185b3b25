"""Search sources: configuration, URLs, the search-url command, and each provider's format."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from scraper.config import search
from scraper.config.schema import load_config, parse_config
from scraper.identity import gnews
from scraper.models.errors import ConfigError, ParseError
from scraper.pipeline.adapters import fetch_options
from scraper.sources.gdelt import parse_gdelt
from scraper.sources.parse import parse_feed
from tests.search_fixtures import (
    batch_answer,
    bing_rss,
    gdelt_json,
    google_link,
    google_rss,
    old_token,
    opaque_token,
    signed_page,
)

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)
SEEN = datetime(2026, 3, 2, 14, 15, tzinfo=UTC)


def sources(block: str) -> str:
    return "sources:\n" + "".join(f"  {line}\n" for line in block.strip().splitlines())


@pytest.mark.parametrize(
    ("name", "block", "url"),
    [
        (
            "google news, default locale",
            "- id: g\n  kind: search\n  provider: google-news\n  query: '\"Group Violence Intervention\"'",
            "https://news.google.com/rss/search?q=%22Group+Violence+Intervention%22"
            "&hl=en-US&gl=US&ceid=US:en",
        ),
        (
            "google news, another locale",
            "- id: g\n  kind: search\n  provider: google-news\n  query: PSN\n  language: es-MX",
            "https://news.google.com/rss/search?q=PSN&hl=es-MX&gl=MX&ceid=MX:es",
        ),
        (
            "bing news",
            "- id: b\n  kind: search\n  provider: bing-news\n  query: focused deterrence",
            "https://www.bing.com/news/search?q=focused+deterrence&format=rss&mkt=en-US",
        ),
        (
            "gdelt, last day, one language",
            "- id: d\n  kind: search\n  provider: gdelt\n  query: '\"focused deterrence\"'\n"
            "  language: english",
            "https://api.gdeltproject.org/api/v2/doc/doc?query=%22focused+deterrence%22+"
            "sourcelang%3Aenglish&mode=artlist&format=json&maxrecords=75&timespan=1d&sort=datedesc",
        ),
        (
            "a url read in a provider's format",
            "- id: d\n  kind: search\n  provider: gdelt\n  url: https://mirror.example/doc",
            "https://mirror.example/doc",
        ),
    ],
)
def test_a_search_source_is_a_provider_and_a_query(name: str, block: str, url: str) -> None:
    config = parse_config(sources(block))
    assert config.sources[0].url == url, name


@pytest.mark.parametrize(
    ("name", "block", "message"),
    [
        (
            "mistyped provider",
            "- id: g\n  kind: search\n  provider: gogle-news\n  query: x",
            "test.yaml:4: source 'g': 'provider': unknown provider 'gogle-news' "
            "(did you mean 'google-news'?)",
        ),
        (
            "unknown provider, nothing close",
            "- id: g\n  kind: search\n  provider: yahoo\n  query: x",
            "unknown provider 'yahoo' (valid: google-news, bing-news, gdelt)",
        ),
        (
            "no query",
            "- id: g\n  kind: search\n  provider: gdelt",
            "source 'g': missing required key 'query'",
        ),
        (
            "provider on a feed",
            "- id: g\n  kind: feed\n  provider: gdelt\n  query: x",
            "source 'g': 'provider': only a source of kind search takes it",
        ),
        (
            "a GDELT language for Google",
            "- id: g\n  kind: search\n  provider: google-news\n  query: x\n  language: english",
            "'english' is not a locale such as en-US",
        ),
        (
            "url and query",
            "- id: g\n  kind: search\n  provider: bing-news\n  query: x\n"
            "  url: https://www.bing.com/news/search?q=y",
            "give either 'url' or 'query', not both",
        ),
        (
            "query without provider",
            "- id: g\n  kind: search\n  url: https://x.example/\n  query: x",
            "'query': only a search source with a 'provider' takes it",
        ),
        (
            "neither url nor provider",
            "- id: g\n  kind: search",
            "missing required key 'url' (or, for kind search, 'provider')",
        ),
        (
            "mistyped key",
            "- id: g\n  kind: search\n  provder: gdelt\n  query: x",
            "unknown key 'provder' (did you mean 'provider'?)",
        ),
    ],
)
def test_a_bad_search_source_is_named_with_a_hint(name: str, block: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(sources(block), name="test.yaml")
    assert any(message in problem for problem in caught.value.problems), (name, caught.value)


def test_provider_of_a_url_is_read_from_its_host() -> None:
    assert search.provider_of("https://news.google.com/rss/search?q=x") == "google-news"
    assert search.provider_of("https://www.bing.com/news/search?q=x&format=rss") == "bing-news"
    assert search.provider_of("https://api.gdeltproject.org/api/v2/doc/doc?query=x") == "gdelt"
    assert search.provider_of("https://riverton.example/feed") is None
    assert search.host_gaps()["api.gdeltproject.org"] >= 5.0
    # the fetcher built from any configuration keeps these gaps, whatever per_host_delay says
    gaps = dict(fetch_options(parse_config("settings:\n  per_host_delay: 0\n")).host_delays)
    assert gaps["api.gdeltproject.org"] == 5.0
    assert gaps["news.google.com"] == 2.0


def clippings(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scraper", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        check=False,
    )


def test_search_url_prints_an_entry_that_validates_and_its_url() -> None:
    result = clippings("sources", "search-url", "google-news", '"Group Violence Intervention"')
    assert result.returncode == 0, result.stderr
    entry_text = "".join(line + "\n" for line in result.stdout.splitlines() if line[:1] != "#")
    config = parse_config("sources:\n" + entry_text)
    assert config.sources[0].provider == "google-news"
    assert f"# fetches {config.sources[0].url}" in result.stdout
    as_json = clippings("sources", "search-url", "gdelt", "focused deterrence", "--json")
    data = json.loads(as_json.stdout)
    assert data["url"].startswith("https://api.gdeltproject.org/api/v2/doc/doc?query=focused")
    assert data["id"] == "gdelt-focused-deterrence"
    wrong = clippings("sources", "search-url", "bing-nws", "x")
    assert wrong.returncode == 2
    assert "did you mean 'bing-news'?" in wrong.stderr


# --- Google News: tokens, the article page, batchexecute --------------------------


@pytest.mark.parametrize(
    ("name", "token", "kind", "url"),
    [
        (
            "older form carries the URL",
            old_token("https://riverton.example/news/call-in/"),
            "url",
            "https://riverton.example/news/call-in/",
        ),
        (
            "older form, URL longer than 127 bytes (two-byte length)",
            old_token("https://riverton.example/news/" + "a" * 150),
            "url",
            "https://riverton.example/news/" + "a" * 150,
        ),
        ("newer form needs Google", opaque_token(1), "opaque", None),
        ("not base64 at all", "!!!", "unreadable", None),
        ("base64 of something else", "aGVsbG8gd29ybGQ", "unreadable", None),
    ],
)
def test_tokens_are_decoded_locally_when_they_carry_the_url(
    name: str, token: str, kind: str, url: str | None
) -> None:
    decoded = gnews.decode_token(token)
    assert (decoded.kind, decoded.url) == (kind, url), name


def test_article_token_is_read_from_every_google_link_form() -> None:
    token = opaque_token(3)
    for link in (
        google_link(token),
        f"https://news.google.com/articles/{token}?hl=en-US",
        f"https://news.google.com/read/{token}",
    ):
        assert gnews.article_token(link) == token
    assert gnews.article_token("https://riverton.example/articles/abc") is None
    assert gnews.article_token("https://news.google.com/rss/search?q=x") is None


def test_signature_and_batch_messages() -> None:
    token = opaque_token(4)
    page = signed_page(token, signature="AZ5r3eT-invented", timestamp=1772460000)
    assert gnews.signature(page) == ("AZ5r3eT-invented", "1772460000")
    assert gnews.signature("<html><body>consent</body></html>") is None
    form = gnews.batch_form([(token, "1772460000", "AZ5r3eT-invented")])
    calls = json.loads(form["f.req"])[0]
    assert calls[0][0] == "Fbv4je"
    assert calls[0][3] == "0"
    request = json.loads(calls[0][1])
    assert request[0] == "garturlreq"
    assert request[2:] == [token, 1772460000, "AZ5r3eT-invented"]
    answer = batch_answer(["https://a.example/1", None, "https://c.example/3"])
    assert gnews.batch_answers(answer) == {0: "https://a.example/1", 2: "https://c.example/3"}
    with pytest.raises(ValueError, match="Expecting"):
        gnews.batch_answers(")]}'\n\n[[broken")


def test_article_page_keeps_the_locale_of_the_link() -> None:
    token = opaque_token(5)
    page = gnews.article_page(
        "https://news.google.com", token, f"{google_link(token)}&hl=es-MX&gl=MX&ceid=MX:es"
    )
    assert page == f"https://news.google.com/rss/articles/{token}?hl=es-MX&gl=MX&ceid=MX:es"


# --- each provider's feed -----------------------------------------------------------


def test_google_news_entries_carry_outlet_site_and_a_clean_headline() -> None:
    body = google_rss(
        [
            (
                "Call-in draws 40 to Riverton church",
                old_token("https://riverton.example/news/call-in/"),
                "Riverton Ledger",
                "https://www.riverton.example",
                SEEN,
            ),
            (
                "Ceasefire program expands",
                opaque_token(7),
                "Harbor Weekly",
                "https://harbor.example",
                SEEN,
            ),
        ]
    ).encode()
    parsed = parse_feed(body, url="https://news.google.com/rss/search?q=x", now=NOW)
    first, second = parsed.entries
    assert first.title == "Call-in draws 40 to Riverton church"
    assert (first.outlet, first.outlet_url) == ("Riverton Ledger", "https://www.riverton.example")
    assert first.url.startswith("https://news.google.com/rss/articles/CBMi")
    assert first.published == SEEN
    assert first.summary is None  # Google's description only repeats headline and outlet
    assert (second.title, second.outlet) == ("Ceasefire program expands", "Harbor Weekly")


def test_bing_news_links_are_unwrapped_and_the_outlet_read() -> None:
    body = bing_rss(
        [
            (
                "Call-in draws 40",
                "https://riverton.example/news/call-in/?utm_source=bing",
                "Riverton Ledger",
                SEEN,
            )
        ]
    ).encode()
    (entry,) = parse_feed(
        body, url="https://www.bing.com/news/search?q=x&format=rss", now=NOW
    ).entries
    assert entry.url == "https://riverton.example/news/call-in/?utm_source=bing"
    assert entry.outlet == "Riverton Ledger"


def test_gdelt_answers() -> None:
    body = gdelt_json(
        [("Call-in draws 40", "https://riverton.example/news/call-in/", "riverton.example", SEEN)]
    ).encode()
    (entry,) = parse_feed(
        body, url="https://api.gdeltproject.org/x", provider="gdelt", now=NOW
    ).entries
    assert (entry.url, entry.title, entry.published) == (
        "https://riverton.example/news/call-in/",
        "Call-in draws 40",
        SEEN,
    )
    assert entry.outlet_url == "https://riverton.example/"
    assert parse_gdelt(b"{}", url="x", now=NOW) == ()
    with pytest.raises(ParseError, match="empty body"):
        parse_feed(b"", url="x", provider="gdelt", now=NOW)
    with pytest.raises(ParseError, match="text, not JSON"):
        parse_gdelt(b"Please limit requests to one every 5 seconds.", url="x", now=NOW)


def test_the_shipped_sources_search_google_and_bing_for_each_program_and_the_network() -> None:
    config = load_config(ROOT / "sources.yaml")
    searches = [s for s in config.sources if s.kind == "search"]
    for phrase in (
        "Group Violence Intervention",
        "Project Safe Neighborhoods",
        "Drug Market Intervention",
        "Intimate Partner Violence Intervention",
        "National Initiative for Building Community Trust and Justice",
        "National Network for Safe Communities",
    ):
        providers = {s.provider for s in searches if phrase in (s.query or "")}
        assert {"google-news", "bing-news"} <= providers, phrase
    assert all(config.interval_for(s) >= timedelta(hours=2) for s in searches)
    text = (ROOT / "sources.yaml").read_text(encoding="utf-8")
    assert "NEED RESOLUTION" in text  # the comment saying which searches need it


def test_sources_list_shows_provider_and_query(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(sources("- id: g\n  kind: search\n  provider: google-news\n  query: PSN"))
    db = f"sqlite:///{tmp_path / 'c.db'}"
    result = clippings("sources", "list", "--json", "--sources", str(path), "--db", db)
    assert result.returncode == 0, result.stderr
    row = json.loads(result.stdout.splitlines()[0])
    assert (row["provider"], row["query"]) == ("google-news", "PSN")
    assert row["url"].startswith("https://news.google.com/rss/search?q=PSN")
