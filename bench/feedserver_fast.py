"""A fast local feed server for benchmarks, run in its own process.

    .venv/bin/python bench/feedserver_fast.py --feeds 20000   # prints "PORT <n>" then serves
    .venv/bin/python bench/feedserver_fast.py --feeds 1000 --hosts 100   # on 127.77.0.1 .. 127.77.0.100

``GET /feed/<i>.xml`` answers feed ``i`` (``bench/feedgen.py``, 50 entries)
with ``ETag: "v1-<i>"``, or 304 when the request sends that ETag back in
``If-None-Match``; ``/stats`` gives the counts of requests and
304s so far as JSON; ``/robots.txt`` and anything else is a 404. HTTP/1.1 with
keep-alive on plain asyncio protocols, so one process serves thousands of
requests a second and the server is not what a benchmark measures. Feed
bodies are built on first request and kept (about 20 KB each).

With ``--hosts H`` the same port is also served on ``H`` loopback addresses
(``host_address(h)``: 127.77.0.1, 127.77.0.2, ...), and feed ``i`` is meant to
be fetched from host ``i % H`` (``feed_url``), so a client sees H hosts, as
when polling many sites; the links in feed ``i`` point to its host.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import contextlib

from feedgen import rss

_PATH = re.compile(rb"^/feed/(\d+)\.xml$")
CACHE = 2000  # feed bodies kept (about 28 KB each)


class FeedProtocol(asyncio.Protocol):
    def __init__(self, server: FeedServer) -> None:
        self.server = server
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while b"\r\n\r\n" in self.buffer:
            head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
            self.answer(head)

    def answer(self, head: bytes) -> None:
        assert self.transport is not None
        lines = head.split(b"\r\n")
        parts = lines[0].split(b" ")
        path = parts[1] if len(parts) > 1 else b"/"
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            headers[name.strip().lower()] = value.strip()
        if path == b"/stats":  # the counters, for a benchmark to report (not counted)
            stats = b'{"requests": %d, "not_modified": %d}' % (
                self.server.requests,
                self.server.not_modified,
            )
            self.reply(b"200 OK", stats, b"application/json")
            return
        self.server.requests += 1
        found = _PATH.match(path.split(b"?")[0])
        if found is None or int(found.group(1)) >= self.server.feeds:
            self.reply(b"404 Not Found", b"not found", b"text/plain")
            return
        feed = int(found.group(1))
        etag = b'"v1-%d"' % feed
        if headers.get(b"if-none-match") == etag:
            self.server.not_modified += 1
            self.reply(b"304 Not Modified", b"", None, etag=etag)
            return
        body = self.server.body(feed)
        self.reply(b"200 OK", body, b"application/rss+xml; charset=utf-8", etag=etag)

    def reply(
        self, status: bytes, body: bytes, content_type: bytes | None, *, etag: bytes | None = None
    ) -> None:
        assert self.transport is not None
        head = [b"HTTP/1.1 " + status, b"Content-Length: %d" % len(body)]
        if content_type:
            head.append(b"Content-Type: " + content_type)
        if etag:
            head.append(b"ETag: " + etag)
        self.transport.write(b"\r\n".join(head) + b"\r\n\r\n" + body)


def host_address(host: int) -> str:
    """The loopback address of bench host ``host`` (0-based): 127.77.<h // 250>.<h % 250 + 1>."""
    return f"127.77.{host // 250}.{host % 250 + 1}"


def feed_url(feed: int, *, port: int, hosts: int) -> str:
    """Where feed ``feed`` is served: on 127.0.0.1, or on its own host with ``hosts`` > 0."""
    address = host_address(feed % hosts) if hosts else "127.0.0.1"
    return f"http://{address}:{port}/feed/{feed}.xml"


class FeedServer:
    def __init__(self, feeds: int, *, hosts: int = 0) -> None:
        self.feeds = feeds
        self.hosts = hosts
        self.port = 0
        self.requests = 0
        self.not_modified = 0
        self._bodies: dict[int, bytes] = {}
        self.base = ""

    def body(self, feed: int) -> bytes:
        body = self._bodies.get(feed)
        if body is None:
            if len(self._bodies) >= CACHE:
                self._bodies.clear()
            base = self.base
            if self.hosts:
                base = f"http://{host_address(feed % self.hosts)}:{self.port}"
            body = self._bodies[feed] = rss(feed, base=base)
        return body


async def serve(feeds: int, port: int, *, hosts: int = 0) -> None:
    server = FeedServer(feeds, hosts=hosts)
    loop = asyncio.get_running_loop()
    listener = await loop.create_server(
        lambda: FeedProtocol(server), "127.0.0.1", port, backlog=1024
    )
    bound = listener.sockets[0].getsockname()[1]
    server.base = f"http://127.0.0.1:{bound}"
    server.port = bound
    others = [
        await loop.create_server(lambda: FeedProtocol(server), host_address(h), bound, backlog=1024)
        for h in range(hosts)
    ]
    print(f"PORT {bound}", flush=True)
    async with listener:
        await asyncio.gather(listener.serve_forever(), *(o.serve_forever() for o in others))


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve N invented feeds on 127.0.0.1.")
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument(
        "--hosts", type=int, default=0, help="also serve on this many loopback addresses"
    )
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.feeds, args.port, hosts=args.hosts))


if __name__ == "__main__":
    main()
