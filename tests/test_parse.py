"""Parse stage: RSS, Atom, JSON Feed and listing pages -> entries with plain-text fields."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from scraper.models.errors import ParseError
from scraper.sources.parse import parse_feed, parse_listing
from tests.conftest import fixture_text

BASE = "https://ledger.example.org"


def _bytes(name: str) -> bytes:
    return fixture_text(name, base=BASE).encode("utf-8")


def test_rss2() -> None:
    feed = parse_feed(_bytes("rss2.xml"), url=f"{BASE}/feed.xml")
    assert feed.title == "Riverton Ledger - Local News"
    assert feed.ttl_minutes == 60
    assert len(feed.entries) == 3
    first = feed.entries[0]
    assert first.guid == "ledger-1001"
    assert first.url.startswith(f"{BASE}/news/2024/03/05/call-in-riverton/")
    assert first.published == datetime(2024, 3, 5, 19, 30, tzinfo=UTC)
    assert (
        first.summary
        == "City officials held the first Group Violence Intervention call-in on Monday."
    )
    assert "<" not in (first.summary or "")


def test_atom() -> None:
    feed = parse_feed(_bytes("atom.xml"), url=f"{BASE}/atom.xml")
    assert [e.guid for e in feed.entries] == [
        "urn:example:ledger-atom:1001",
        "urn:example:ledger-atom:1002",
    ]
    assert feed.entries[0].author == "Dana Whitfield"
    assert feed.entries[1].published == datetime(2024, 3, 6, 12, 0, tzinfo=UTC)


def test_json_feed_and_its_html_is_made_plain_text() -> None:
    feed = parse_feed(_bytes("feed.json"), url=f"{BASE}/feed.json")
    assert feed.title == "Harbor Weekly (JSON Feed)"
    assert [e.guid for e in feed.entries] == ["hw-77", "hw-78"]
    assert feed.entries[0].author == "Ray Okafor"
    assert feed.entries[0].published == datetime(2024, 2, 20, 15, 0, tzinfo=UTC)
    assert feed.entries[1].summary == "Vendors are back every Saturday."


def test_listing_page_takes_selected_links_only() -> None:
    page = parse_listing(_bytes("listing.html"), url=f"{BASE}/crime/", selector="article.card h2")
    urls = [e.url for e in page.entries]
    assert urls == [
        f"{BASE}/story/news/crime/2024/03/07/ceasefire-hillside/",
        f"{BASE}/story/news/crime/2024/03/06/burglary-arrest/",
        "https://other.example.net/elsewhere",
    ]
    assert page.entries[0].title == "Hillside police hold group violence call-in"


BAD = [
    pytest.param(b"", "empty response", id="empty"),
    pytest.param(
        b"<!doctype html><html><head><title>Site down</title></head><body>Oops</body></html>",
        "expected a feed but got an HTML page titled 'Site down'",
        id="html error page",
    ),
    pytest.param(b"\x00\x01\x02 garbage", "not a readable", id="binary junk"),
    pytest.param(b'{"hello": "world"}', "not a JSON Feed", id="json but not a feed"),
    pytest.param(
        b'{"version": "https://jsonfeed.org/version/1.1", "items": 5}',
        "no items list",
        id="json feed without items",
    ),
]


@pytest.mark.parametrize(("body", "reason"), BAD)
def test_not_a_feed_is_a_readable_parse_error(body: bytes, reason: str) -> None:
    with pytest.raises(ParseError, match=reason):
        parse_feed(body, url=f"{BASE}/feed.xml")


def test_listing_selector_that_matches_nothing() -> None:
    with pytest.raises(ParseError, match="matched nothing"):
        parse_listing(_bytes("listing.html"), url=BASE, selector="div.nothing")


def test_future_dates_are_treated_as_unknown() -> None:
    rss = b"""<rss version="2.0"><channel><title>t</title><item><title>Future story here today</title>
    <link>https://a.example/x</link><pubDate>Fri, 01 Jan 2100 00:00:00 GMT</pubDate></item></channel></rss>"""
    feed = parse_feed(rss, url="https://a.example/feed")
    assert feed.entries[0].published is None


def test_search_feed_entry_outlet_and_redirect() -> None:
    rss = b"""<rss version="2.0" xmlns:News="https://www.bing.com/news/search?q=x&amp;format=rss"><channel><title>search</title>
    <item><title>Harbor wins grant</title>
    <link>http://www.bing.com/news/apiclick.aspx?ref=FexRss&amp;aid=&amp;url=https%3a%2f%2fharbor.example.com%2fgrant&amp;c=1</link>
    <News:Source>Harbor Weekly</News:Source></item>
    <item><title>City story - Riverton Ledger</title><link>https://ledger.example.org/s</link>
    <source url="https://ledger.example.org">Riverton Ledger</source></item></channel></rss>"""
    feed = parse_feed(rss, url="https://www.bing.com/news/search?q=x&format=rss")
    assert feed.entries[0].url == "https://harbor.example.com/grant"
    assert feed.entries[0].outlet == "Harbor Weekly"
    assert feed.entries[1].outlet == "Riverton Ledger"
    assert feed.entries[1].title == "City story"
