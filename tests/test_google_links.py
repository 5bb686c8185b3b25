"""Google News link resolution against a local server that answers like Google, or does not."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs

import pytest

from scraper.fetch.client import Fetcher, FetchOptions
from scraper.identity.resolve import GoogleNewsResolver, LinkCache, MemoryCache, Resolution
from scraper.pipeline.wiring import store_for
from storage.db import open_database
from storage.links import LinkCache as DatabaseCache
from tests.feedserver import FeedServer, Reply, Request
from tests.search_fixtures import batch_answer, google_link, old_token, opaque_token, signed_page

OPTIONS = FetchOptions(allow_private=True, per_host_delay=0, timeout=3, respect_robots=False)
NOW = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)


def google(
    server: FeedServer, answers: dict[str, str | None], *, batch: Reply | None = None
) -> None:
    """Routes like Google's: a signed page per token, and batchexecute answering ``answers``."""
    for n, token in enumerate(answers):
        server.route(
            f"/rss/articles/{token}",
            Reply(200, signed_page(token, signature=f"sig-{n}", timestamp=1772460000 + n)),
        )

    def execute(request: Request) -> Reply:
        form = parse_qs(request.body.decode())
        calls = json.loads(form["f.req"][0])[0]
        tokens = [json.loads(call[1])[2] for call in calls]
        return Reply(200, batch_answer([answers.get(t) for t in tokens]))

    server.route("/_/DotsSplashUi/data/batchexecute", batch or execute)


def resolve(
    server: FeedServer,
    links: list[str],
    *,
    cache: LinkCache | None = None,
    online: bool = True,
    clock: Callable[[], datetime] = lambda: NOW,
    options: FetchOptions = OPTIONS,
    **kwargs: int,
) -> dict[str, Resolution]:
    async def go() -> dict[str, Resolution]:
        async with Fetcher(options) as fetcher:
            resolver = GoogleNewsResolver(
                cache if cache is not None else MemoryCache(),
                network=fetcher,
                online=online,
                endpoint=server.url(""),
                clock=clock,
                **kwargs,  # type: ignore[arg-type]
            )
            return await resolver.resolve(links)

    return asyncio.run(go())


def test_older_tokens_are_decoded_without_a_request(server: FeedServer) -> None:
    link = google_link(old_token("https://riverton.example/news/call-in/"))
    answers = resolve(server, [link, "https://riverton.example/other"], online=True)
    assert answers == {link: Resolution(link, "https://riverton.example/news/call-in/", "token")}
    assert server.requests == []


def test_newer_tokens_stay_unresolved_while_resolution_is_off(server: FeedServer) -> None:
    link = google_link(opaque_token(1))
    (answer,) = resolve(server, [link], online=False).values()
    assert answer.url is None
    assert "online resolution is off" in str(answer.reason)
    assert server.requests == []


def test_newer_tokens_are_resolved_in_one_batch_per_batch_size(server: FeedServer) -> None:
    tokens = [opaque_token(n) for n in range(5)]
    google(server, {t: f"https://outlet{n}.example/story/{n}" for n, t in enumerate(tokens)})
    answers = resolve(server, [google_link(t) for t in tokens], batch_size=3)
    assert [answers[google_link(t)].url for t in tokens] == [
        f"https://outlet{n}.example/story/{n}" for n in range(5)
    ]
    assert {a.how for a in answers.values()} == {"online"}
    posts = [r for r in server.requests if r.method == "POST"]
    assert len(posts) == 2  # 5 links, batches of 3
    sent = json.loads(parse_qs(posts[0].body.decode())["f.req"][0])[0]
    assert [json.loads(c[1])[3:] for c in sent] == [[1772460000 + n, f"sig-{n}"] for n in range(3)]


def test_a_rate_limited_batch_is_recorded_and_retried_later(server: FeedServer) -> None:
    token = opaque_token(9)
    google(server, {token: None}, batch=Reply(429, "slow down"))
    cache = MemoryCache()
    (answer,) = resolve(server, [google_link(token)], cache=cache).values()
    assert answer.url is None
    assert "429" in str(answer.reason)
    record = cache.records[f"google-news:{token}"]
    assert record.attempts == 1
    assert record.retry_at == NOW + timedelta(hours=1)
    # Before retry_at nothing is sent; after it, the link is asked about again.
    before = len(server.requests)
    (again,) = resolve(server, [google_link(token)], cache=cache).values()
    assert "next try after" in str(again.reason)
    assert len(server.requests) == before
    google(server, {token: "https://riverton.example/late/"})
    later = resolve(
        server, [google_link(token)], cache=cache, clock=lambda: NOW + timedelta(hours=2)
    )
    assert later[google_link(token)].url == "https://riverton.example/late/"


def test_a_429_on_the_article_page_stops_asking_this_pass(server: FeedServer) -> None:
    tokens = [opaque_token(n) for n in range(3)]
    server.route(f"/rss/articles/{tokens[0]}", Reply(429, "slow down"))
    answers = resolve(server, [google_link(t) for t in tokens])
    assert all(a.url is None and "429" in str(a.reason) for a in answers.values())
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    ("name", "page", "batch", "reason"),
    [
        ("article page fails", Reply(500, "boom"), None, "article page: HTTP 500"),
        ("page without signature", Reply(200, "<html>consent</html>"), None, "no data-n-a-sg"),
        ("batchexecute fails", None, Reply(502, "bad"), "batchexecute: HTTP 502"),
        ("batchexecute unreadable", None, Reply(200, ")]}'\n[[oops"), "answer unreadable"),
        ("batchexecute without the URL", None, Reply(200, batch_answer([])), "gave no URL"),
    ],
)
def test_failures_leave_the_google_link_with_a_reason(
    server: FeedServer, name: str, page: Reply | None, batch: Reply | None, reason: str
) -> None:
    token = opaque_token(2)
    google(server, {token: "https://never.example/"}, batch=batch)
    if page is not None:
        server.route(f"/rss/articles/{token}", page)
    (answer,) = resolve(server, [google_link(token)]).values()
    assert answer.url is None, name
    assert reason in str(answer.reason), (name, answer)


def test_resolutions_survive_a_restart_in_the_database(server: FeedServer, db_url: str) -> None:
    token = opaque_token(6)
    google(server, {token: "https://riverton.example/kept/"})
    engines = [open_database(db_url)]
    try:
        first = resolve(server, [google_link(token)], cache=DatabaseCache(store_for(engines[0])))
        assert first[google_link(token)].how == "online"
        server.requests.clear()
        engines.append(open_database(db_url))  # a new process, the same file
        second = resolve(server, [google_link(token)], cache=DatabaseCache(store_for(engines[1])))
        assert second[google_link(token)] == Resolution(
            google_link(token), "https://riverton.example/kept/", "cache"
        )
        assert server.requests == []
    finally:
        for engine in engines:
            engine.dispose()


def test_requests_to_one_host_keep_their_gap(server: FeedServer) -> None:
    tokens = [opaque_token(n) for n in range(3)]
    google(server, {t: f"https://o.example/{n}" for n, t in enumerate(tokens)})
    gap = 0.3
    options = FetchOptions(
        allow_private=True,
        per_host_delay=0,
        timeout=3,
        respect_robots=False,
        host_delays=(("127.0.0.1", gap),),
    )
    resolve(server, [google_link(t) for t in tokens], options=options)
    starts = [r.started for r in server.requests]
    assert len(starts) == 4  # three pages, one batch
    assert min(b - a for a, b in itertools.pairwise(starts)) >= gap * 0.9


def test_at_most_max_online_links_are_asked_about_per_call(server: FeedServer) -> None:
    tokens = [opaque_token(n) for n in range(4)]
    google(server, {t: f"https://o.example/{n}" for n, t in enumerate(tokens)})
    answers = resolve(server, [google_link(t) for t in tokens], max_online=2)
    assert sum(a.url is not None for a in answers.values()) == 2
    assert sum("at most 2" in str(a.reason) for a in answers.values()) == 2


def test_resolution_goes_through_the_address_guard(server: FeedServer) -> None:
    token = opaque_token(7)
    google(server, {token: "https://o.example/7"})
    guarded = FetchOptions(allow_private=False, per_host_delay=0, timeout=3, respect_robots=False)
    (answer,) = resolve(server, [google_link(token)], options=guarded).values()
    assert answer.url is None
    assert str(answer.reason).startswith("not resolved: article page: ")
    assert server.requests == []  # refused before anything was sent


def test_resolution_obeys_robots_txt(server: FeedServer) -> None:
    token = opaque_token(8)
    google(server, {token: "https://o.example/8"})
    server.route("/robots.txt", Reply(200, "User-agent: *\nDisallow: /_/\n"))
    polite = FetchOptions(allow_private=True, per_host_delay=0, timeout=3, respect_robots=True)
    (answer,) = resolve(server, [google_link(token)], options=polite).values()
    assert answer.url is None
    assert "robots.txt" in str(answer.reason)
    assert [r.method for r in server.requests] == ["GET", "GET"]  # robots.txt, the page; no POST
