"""A real HTTP server on 127.0.0.1 for tests, that can behave or misbehave.

Each route is a function of the request returning a ``Reply``; a reply can be
slow (``delay``, ``trickle``), cut the connection mid-body (``reset_after``),
stream a huge body (``stream``), or answer anything at all. Requests are
recorded so tests can check what was sent (conditional headers, User-Agent)
and how many requests were in flight at once.

    with FeedServer() as server:
        server.route("/feed.xml", lambda req: Reply(200, RSS, {"Content-Type": "application/rss+xml"}))
        url = server.url("/feed.xml")
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]  # lower-case names
    started: float  # time.monotonic()
    body: bytes = b""  # what a POST sent


@dataclass
class Reply:
    status: int = 200
    body: bytes | str = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before the status line
    trickle: float = 0.0  # seconds between body bytes (one byte at a time)
    reset_after: int | None = None  # close the socket abruptly after this many body bytes
    stream: Iterable[bytes] | None = None  # a body produced chunk by chunk (no Content-Length)

    def body_bytes(self) -> bytes:
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body


Handler = Callable[[Request], Reply]


class FeedServer:
    """A threaded HTTP/1.1 server whose routes are set by the test."""

    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.requests: list[Request] = []
        self.in_flight = 0
        self.max_in_flight: dict[str, int] = {}
        self._lock = threading.Lock()
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                server._handle(self)

            def do_HEAD(self) -> None:
                server._handle(self)

            def do_POST(self) -> None:
                server._handle(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def port(self) -> int:
        return int(self.httpd.server_address[1])

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def route(self, path: str, handler: Handler | Reply) -> None:
        self.routes[path] = handler if callable(handler) else (lambda _req, r=handler: r)

    def hits(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path]

    def __enter__(self) -> FeedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def _handle(self, http: BaseHTTPRequestHandler) -> None:
        length = int(http.headers.get("Content-Length") or 0)
        request = Request(
            http.command,
            http.path,
            {k.lower(): v for k, v in http.headers.items()},
            time.monotonic(),
            http.rfile.read(length) if length else b"",
        )
        path_only = http.path.split("?")[0]
        with self._lock:
            self.requests.append(request)
            self.in_flight += 1
            self.max_in_flight[path_only] = max(
                self.max_in_flight.get(path_only, 0), self.in_flight
            )
        try:
            handler = self.routes.get(http.path) or self.routes.get(path_only)
            reply = handler(request) if handler else Reply(404, "not found")
            self._send(http, reply)
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            with self._lock:
                self.in_flight -= 1

    def _send(self, http: BaseHTTPRequestHandler, reply: Reply) -> None:
        if reply.delay:
            time.sleep(reply.delay)
        body = reply.body_bytes()
        http.send_response(reply.status)
        headers = dict(reply.headers)
        if reply.stream is None:
            headers.setdefault("Content-Length", str(len(body)))
        else:
            headers.setdefault("Connection", "close")
        for name, value in headers.items():
            http.send_header(name, value)
        http.end_headers()
        if http.command == "HEAD":
            return
        if reply.stream is not None:
            for chunk in reply.stream:
                http.wfile.write(chunk)
            http.close_connection = True
            return
        if reply.reset_after is not None:
            http.wfile.write(body[: reply.reset_after])
            http.wfile.flush()
            sock = http.connection
            sock.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
            )
            sock.close()
            http.close_connection = True
            return
        if reply.trickle:
            for i in range(len(body)):
                http.wfile.write(body[i : i + 1])
                http.wfile.flush()
                time.sleep(reply.trickle)
            return
        http.wfile.write(body)


def chunks(total: int, *, size: int = 65536, byte: bytes = b"x") -> Iterator[bytes]:
    """``total`` bytes in chunks, without holding them in memory."""
    block = byte * size
    sent = 0
    while sent < total:
        piece = block[: min(size, total - sent)]
        sent += len(piece)
        yield piece
