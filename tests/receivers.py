"""Real local receivers for the notification tests: an SMTP server and a webhook endpoint.

``SmtpServer`` is aiosmtpd on 127.0.0.1 that keeps every message it accepts
(and can refuse the next ones with an SMTP error). ``WebhookReceiver`` is an
HTTP server on 127.0.0.1 that records each POST (headers and body) and answers
with the next status of a script, e.g. 500, 500, 200.
"""

from __future__ import annotations

import email
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class _Handler:
    messages: list[Message] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    refuse: list[str] = field(default_factory=list)  # replies for the next messages

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse:
            return self.refuse.pop(0)
        self.messages.append(email.message_from_bytes(envelope.content))
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


class SmtpServer:
    """``with SmtpServer() as smtp: ... smtp.messages``."""

    def __init__(self) -> None:
        self.handler = _Handler()
        self.port = free_port()
        self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    @property
    def messages(self) -> list[Message]:
        return self.handler.messages

    def refuse_next(self, reply: str = "451 4.3.0 Try again later") -> None:
        self.handler.refuse.append(reply)

    def __enter__(self) -> SmtpServer:
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._controller.stop()


@dataclass
class Post:
    path: str
    headers: dict[str, str]
    body: bytes


class WebhookReceiver:
    """An HTTP server recording POSTs and answering the scripted statuses (then 200)."""

    def __init__(self, statuses: list[int] | None = None) -> None:
        self.posts: list[Post] = []
        self.statuses = list(statuses or [])
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                headers = {k.lower(): v for k, v in self.headers.items()}
                receiver.posts.append(Post(self.path, headers, body))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                answer = b"ok" if status < 300 else b"receiver is down"
                self.send_response(status)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def __enter__(self) -> WebhookReceiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def parts(message: Message) -> Iterator[tuple[str, str]]:
    """(content type, decoded text) of every leaf part."""
    for part in message.walk():
        if not part.is_multipart():
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            yield part.get_content_type(), payload.decode(part.get_content_charset() or "utf-8")
