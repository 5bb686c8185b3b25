"""One story, whatever the provider: Google News, Bing News, GDELT and the outlet's feed.

A local server plays every party: the outlet (its feed and the article page),
Google (a search feed, the signed article page and batchexecute), Bing (a
search feed of redirect links) and GDELT (a JSON answer, or a 429, or nothing).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from scraper.config.schema import Config, parse_config
from scraper.fetch.client import Fetcher
from scraper.identity.resolve import GoogleNewsResolver
from scraper.pipeline import wiring
from scraper.pipeline.adapters import fetch_options
from scraper.pipeline.collector import Collector, SourceReport
from scraper.pipeline.wiring import store_for
from storage.db import open_database
from storage.links import LinkCache
from tests.collecting import BASE_SETTINGS, RSS_TYPE, open_store, rss
from tests.conftest import article_html
from tests.feedserver import FeedServer, Reply
from tests.search_fixtures import bing_rss, gdelt_json, google_rss, old_token, opaque_token
from tests.test_google_links import google

HEADLINE = "Call-in draws 40 to Riverton church as shootings fall"
PATH = "/news/2026/03/02/call-in-riverton/"
SEEN = datetime(2026, 3, 2, 14, 15, tzinfo=UTC)
SETTINGS = "fetch_articles: true\nrespect_robots: false\n"


def sources(base: str) -> str:
    return f"""\
- id: ledger
  kind: feed
  url: {base}/ledger.xml
  outlet: Riverton Ledger
- id: google
  kind: search
  provider: google-news
  url: {base}/google.xml
- id: bing
  kind: search
  provider: bing-news
  url: {base}/bing.xml
- id: gdelt
  kind: search
  provider: gdelt
  url: {base}/gdelt.json
"""


def outlets(base: str) -> str:
    return f"outlets:\n  - name: Riverton Ledger\n    homepage: {base}/\n    city: Riverton, IL\n"


def config_for(server: FeedServer, *, settings: str = SETTINGS) -> Config:
    """The test settings, the outlet, and the four sources on the local server."""
    base = server.url("").rstrip("/")
    lines = [*BASE_SETTINGS.strip().splitlines(), *settings.strip().splitlines()]
    merged = dict(line.split(": ", 1) for line in lines)  # later lines win
    return parse_config(
        "settings:\n"
        + "".join(f"  {k}: {v}\n" for k, v in merged.items())
        + outlets(base)
        + "sources:\n"
        + "".join(f"  {line}\n" for line in sources(base).splitlines()),
        name="test-sources.yaml",
    )


def serve_story(server: FeedServer, *, google_token: str) -> str:
    """The outlet's article, its feed, and the three search providers' answers; the URL."""
    base = server.url("").rstrip("/")
    article = f"{base}{PATH}"
    server.route(
        PATH,
        Reply(
            200,
            article_html(
                HEADLINE,
                [
                    "RIVERTON, Ill. — Forty people filled a church on Monday for the city's "
                    "Group Violence Intervention call-in.",
                    "\u201cWe want you alive and we want you home,\u201d said Police Chief "
                    "Marisol Avery.",
                ],
                canonical=article,
                published="2026-03-02T09:00:00-06:00",
            ),
            {"Content-Type": "text/html; charset=utf-8"},
        ),
    )
    server.route("/ledger.xml", Reply(200, rss([(HEADLINE, article)], dates=[SEEN]), RSS_TYPE))
    server.route(
        "/google.xml",
        Reply(
            200,
            google_rss([(HEADLINE, google_token, "Riverton Ledger", f"{base}/", SEEN)]),
            RSS_TYPE,
        ),
    )
    server.route(
        "/bing.xml",
        Reply(
            200,
            bing_rss([(HEADLINE, f"{article}?utm_source=bing", "Riverton Ledger", SEEN)]),
            RSS_TYPE,
        ),
    )
    server.route(
        "/gdelt.json",
        Reply(
            200,
            gdelt_json([(HEADLINE, article, "127.0.0.1", SEEN)]),
            {"Content-Type": "application/json"},
        ),
    )
    return article


def run(
    config: Config,
    db_url: str,
    *,
    only: list[str] | None = None,
    endpoint: str | None = None,
    online: bool = False,
) -> dict[str, SourceReport]:
    """One pass; Google is played by ``endpoint`` (the local server) when given."""
    store = open_store(config, db_url)
    states = [s for s in store.sources() if only is None or s.id in only]

    async def go() -> list[SourceReport]:
        async with Fetcher(fetch_options(config)) as fetcher:
            resolver = (
                GoogleNewsResolver(
                    LinkCache(store), network=fetcher, online=online, endpoint=endpoint
                )
                if endpoint
                else None
            )
            collector = Collector(config, store, fetcher, resolver=resolver)
            return await collector.collect(states)

    try:
        return {r.source_id: r for r in asyncio.run(go())}
    finally:
        store.engine.dispose()


@pytest.fixture
def items_of() -> Iterator[Any]:
    engines = []

    def read(db_url: str) -> list[dict[str, Any]]:
        engine = open_database(db_url)
        engines.append(engine)
        return store_for(engine).items()

    yield read
    for engine in engines:
        engine.dispose()


def test_one_story_from_four_providers_is_one_item_with_four_sightings(
    server: FeedServer, db_url: str, items_of: Any
) -> None:
    article = serve_story(server, google_token=old_token(f"{server.url('').rstrip('/')}{PATH}"))
    config = config_for(server)
    reports = run(config, db_url)
    assert {r.outcome for r in reports.values()} == {"ok"}, reports
    assert sum(r.new for r in reports.values()) == 1
    (item,) = items_of(db_url)
    assert sorted(item["sources"]) == ["bing", "gdelt", "google", "ledger"]
    assert {s["url"] for s in item["seen_at"]} == {article}
    assert item["url"] == article
    assert item["outlet"] == "Riverton Ledger"
    assert item["headline"] == HEADLINE
    assert "Group Violence Intervention" in item["programs"]


def test_an_unresolved_google_link_dedups_by_outlet_and_headline_then_resolves_later(
    server: FeedServer, db_url: str, items_of: Any
) -> None:
    token = opaque_token(1)
    article = serve_story(server, google_token=token)
    config = config_for(server)
    endpoint = server.url("")
    # Pass 1, resolution off: stored under the Google link with the outlet from <source>.
    run(config, db_url, only=["google"], endpoint=endpoint, online=False)
    (item,) = items_of(db_url)
    assert item["url"].startswith("https://news.google.com/rss/articles/")
    assert item["outlet"] == "Riverton Ledger"
    assert item["headline"] == HEADLINE
    assert "not resolved" in str(item.get("analysis_note"))
    assert server.hits(PATH) == []  # Google's page is never read as the article
    # Pass 2: the outlet's own feed finds it by outlet + headline.
    reports = run(config, db_url, only=["ledger"], endpoint=endpoint)
    assert (reports["ledger"].new, reports["ledger"].seen) == (0, 1)
    # Pass 3, resolution on: the link is resolved, the item moves to the article and is read.
    google(server, {token: article})
    run(config, db_url, only=["google"], endpoint=endpoint, online=True)
    (item,) = items_of(db_url)
    assert item["url"] == article
    assert "Group Violence Intervention" in item["programs"]
    assert sorted(item["sources"]) == ["google", "ledger"]
    # Pass 4: Bing and GDELT find it by its URL now.
    run(config, db_url, only=["bing", "gdelt"], endpoint=endpoint)
    (item,) = items_of(db_url)
    assert sorted(item["sources"]) == ["bing", "gdelt", "google", "ledger"]


def test_with_resolution_on_a_google_item_carries_the_real_url_and_the_article(
    server: FeedServer, db_url: str, items_of: Any
) -> None:
    token = opaque_token(2)
    article = serve_story(server, google_token=token)
    google(server, {token: article})
    config = config_for(server, settings=SETTINGS + "resolve_google_news_links: true\n")
    run(config, db_url, only=["google"], endpoint=server.url(""), online=True)
    (item,) = items_of(db_url)
    assert item["url"] == article
    assert item["outlet"] == "Riverton Ledger"
    assert item["text"]
    assert "Group Violence Intervention" in item["programs"]


@pytest.mark.parametrize(
    ("name", "reply", "error"),
    [
        ("rate limited", Reply(429, "Please limit requests to one every 5 seconds"), "HTTP 429"),
        ("empty body", Reply(200, "", {"Content-Type": "application/json"}), "empty body"),
        ("a notice instead of JSON", Reply(200, "Please limit requests."), "text, not JSON"),
    ],
)
def test_a_gdelt_failure_is_recorded_and_retried(
    server: FeedServer, db_url: str, name: str, reply: Reply, error: str
) -> None:
    serve_story(server, google_token=opaque_token(3))
    server.route("/gdelt.json", reply)
    config = config_for(server)
    report = run(config, db_url, only=["gdelt"])["gdelt"]
    assert report.outcome == "error", name
    assert error in str(report.error), name
    store = wiring.open_store(db_url)
    try:
        state = store.source("gdelt")
        assert state is not None
        assert state.error_count == 1
        assert state.next_check_at is not None  # tried again at its next check
        assert error in str(state.last_error)
    finally:
        store.engine.dispose()
    server.route(
        "/gdelt.json",
        Reply(200, gdelt_json([(HEADLINE, f"{server.url('').rstrip('/')}{PATH}", "x", SEEN)])),
    )
    assert run(config, db_url, only=["gdelt"])["gdelt"].new == 1


def test_a_resolved_link_whose_article_is_stored_already_joins_its_story(
    server: FeedServer, db_url: str, items_of: Any
) -> None:
    token = opaque_token(4)
    article = serve_story(server, google_token=token)
    config = config_for(server)
    endpoint = server.url("")
    # The outlet's feed titles it differently, so the two are not matched by headline.
    server.route(
        "/ledger.xml", Reply(200, rss([("A different title", article)], dates=[SEEN]), RSS_TYPE)
    )
    run(config, db_url, only=["google"], endpoint=endpoint)
    run(config, db_url, only=["ledger"], endpoint=endpoint)
    assert len(items_of(db_url)) == 2
    google(server, {token: article})
    run(config, db_url, only=["google"], endpoint=endpoint, online=True)
    reads = len(server.hits(PATH))
    run(config, db_url, only=["google"], endpoint=endpoint, online=True)  # from the cache
    assert len(server.hits(PATH)) == reads  # nothing read again
    by_url = {item["url"]: item for item in items_of(db_url)}
    assert sorted(by_url[article]["sources"]) == ["google", "ledger"]
    orphan = next(item for url, item in by_url.items() if url != article)
    assert orphan["story_id"] == by_url[article]["story_id"]  # one story on the desk
    assert by_url[article]["primary"]
