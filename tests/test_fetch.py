"""The fetch layer against a real server on 127.0.0.1: conditional GET, redirects, limits, refusals."""

from __future__ import annotations

import asyncio
import gzip

import httpx
import pytest

from scraper.fetch.client import Fetcher, FetchOptions, Response
from scraper.models.errors import BlockedURL, HTTPStatusError, TooLarge, TransportError
from tests.feedserver import FeedServer, Reply, Request

OPTS = FetchOptions(
    user_agent="clippings-test/1",
    timeout=5,
    connect_timeout=2,
    per_host_delay=0,
    allow_private=True,
)


def fetch(url: str, *, options: FetchOptions = OPTS, **kwargs: str | None) -> Response:
    async def go() -> Response:
        async with Fetcher(options) as fetcher:
            return await fetcher.fetch(url, **kwargs)  # type: ignore[arg-type]

    return asyncio.run(go())


def test_plain_get_sends_user_agent_and_returns_body(server: FeedServer) -> None:
    server.route("/a", Reply(200, "hello", {"Content-Type": "text/plain; charset=utf-8"}))
    response = fetch(server.url("/a"))
    assert response.status == 200
    assert response.body == b"hello"
    assert response.charset == "utf-8"
    assert server.hits("/a")[0].headers["user-agent"] == "clippings-test/1"


def test_conditional_get_gives_304(server: FeedServer) -> None:
    def handler(request: Request) -> Reply:
        if request.headers.get("if-none-match") == '"v1"':
            return Reply(304, b"", {"ETag": '"v1"'})
        return Reply(
            200, "feed", {"ETag": '"v1"', "Last-Modified": "Tue, 05 Mar 2024 10:00:00 GMT"}
        )

    server.route("/feed", handler)
    first = fetch(server.url("/feed"))
    assert (first.status, first.etag) == (200, '"v1"')
    second = fetch(server.url("/feed"), etag=first.etag, last_modified=first.last_modified)
    assert second.not_modified
    assert second.body == b""
    sent = server.hits("/feed")[1].headers
    assert sent["if-none-match"] == '"v1"'
    assert sent["if-modified-since"] == "Tue, 05 Mar 2024 10:00:00 GMT"


def test_redirects_are_followed_and_reported(server: FeedServer) -> None:
    server.route("/old", Reply(301, b"", {"Location": "/mid"}))
    server.route("/mid", Reply(302, b"", {"Location": server.url("/new")}))
    server.route("/new", Reply(200, "moved"))
    response = fetch(server.url("/old"))
    assert response.body == b"moved"
    assert response.url == server.url("/new")
    assert response.redirected_from == (server.url("/old"), server.url("/mid"))


def test_redirect_loop_is_an_error(server: FeedServer) -> None:
    server.route("/a", Reply(302, b"", {"Location": "/b"}))
    server.route("/b", Reply(302, b"", {"Location": "/a"}))
    with pytest.raises(TransportError, match="redirect loop"):
        fetch(server.url("/a"))


def test_gzip_is_decoded(server: FeedServer) -> None:
    server.route("/z", Reply(200, gzip.compress(b"<rss/>" * 100), {"Content-Encoding": "gzip"}))
    assert fetch(server.url("/z")).body == b"<rss/>" * 100


def test_decoded_size_is_capped(server: FeedServer) -> None:
    bomb = gzip.compress(b"\0" * 5_000_000)  # about 5 KB on the wire
    server.route("/bomb", Reply(200, bomb, {"Content-Encoding": "gzip"}))
    small = (
        FetchOptions(**{**OPTS.__dict__, "max_body_bytes": 1_000_000})
        if False
        else FetchOptions(
            user_agent="t",
            timeout=5,
            per_host_delay=0,
            allow_private=True,
            max_body_bytes=1_000_000,
        )
    )
    with pytest.raises(TooLarge, match="1,000,000-byte cap"):
        fetch(server.url("/bomb"), options=small)


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        pytest.param(404, "HTTP 404 not found", id="404"),
        pytest.param(500, "HTTP 500 server error", id="500"),
        pytest.param(403, "HTTP 403 forbidden", id="403"),
    ],
)
def test_error_statuses(server: FeedServer, status: int, reason: str) -> None:
    server.route("/e", Reply(status, "no"))
    with pytest.raises(HTTPStatusError, match=reason) as caught:
        fetch(server.url("/e"))
    assert caught.value.status == status


def test_retry_after_is_read(server: FeedServer) -> None:
    server.route("/busy", Reply(503, "later", {"Retry-After": "120"}))
    with pytest.raises(HTTPStatusError) as caught:
        fetch(server.url("/busy"))
    assert caught.value.retry_after == 120


def test_loopback_is_refused_by_default(server: FeedServer) -> None:
    server.route("/a", Reply(200, "secret"))
    with pytest.raises(BlockedURL, match="non-public address"):
        fetch(server.url("/a"), options=FetchOptions(per_host_delay=0))
    assert server.hits("/a") == []


def test_localhost_name_is_refused_after_dns(server: FeedServer) -> None:
    with pytest.raises(BlockedURL, match=r"127\.0\.0\.1|::1"):
        fetch(f"http://localhost:{server.port}/a", options=FetchOptions(per_host_delay=0))


@pytest.mark.parametrize(
    "url", ["ftp://example.com/x", "file:///etc/passwd", "gopher://example.com/"]
)
def test_other_schemes_are_refused(url: str) -> None:
    with pytest.raises(BlockedURL, match="only http and https"):
        fetch(url)


def test_per_host_concurrency_is_limited(server: FeedServer) -> None:
    server.route("/slow", Reply(200, "x", delay=0.2))
    options = FetchOptions(
        per_host_delay=0, allow_private=True, per_host_concurrency=2, concurrency=10
    )

    async def go() -> None:
        async with Fetcher(options) as fetcher:
            await asyncio.gather(*(fetcher.fetch(server.url("/slow")) for _ in range(6)))

    asyncio.run(go())
    assert server.max_in_flight["/slow"] == 2


def test_transport_is_injectable() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"mocked", headers={"ETag": "x"})

    async def go() -> Response:
        async with Fetcher(OPTS, transport=httpx.MockTransport(answer)) as fetcher:
            return await fetcher.fetch("https://feeds.example.org/rss")

    response = asyncio.run(go())
    assert (response.body, response.etag) == (b"mocked", "x")
