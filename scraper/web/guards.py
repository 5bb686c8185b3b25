"""Checks every request passes before the app sees it: its Host, its body size, and
which client it comes from.

- ``HostGuard``: a Host header outside ``allowed_hosts`` gets 400, so a page on a
  rebinding domain (evil.example resolving to 127.0.0.1) cannot reach the desk.
- ``BodyLimit``: a body declared larger than ``max_request_bytes`` gets 413
  before a byte of it is read; a chunked body is cut off at the limit.
- ``TrustedProxies``: ``X-Forwarded-For`` and ``X-Forwarded-Proto`` are believed
  only from ``trusted_proxies``; the client is then the right-most forwarded
  address that is not itself a trusted proxy. Everyone else is who connected.
- ``IdConvertor``: ``{name:id}`` path parameters of at most 18 digits, so a
  number past 64 bits (``/desk/items/99999999999999999999999``) is a 404, not an
  overflow in the database driver.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

from starlette.convertors import Convertor, register_url_convertor
from starlette.types import ASGIApp, Message, Receive, Scope, Send

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
MAX_ID_DIGITS = 18  # 10**18 - 1 < 2**63 - 1: every id fits a signed 64-bit integer


class IdConvertor(Convertor[int]):
    regex = f"[0-9]{{1,{MAX_ID_DIGITS}}}"

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        return str(value)


register_url_convertor("id", IdConvertor())


def small_int(value: str | None, *, default: int, low: int = 1, high: int = 10**9) -> int:
    """A query-string number clamped to ``low..high``; ``default`` when it is not one."""
    text = (value or "").strip()
    if not text.isdigit() or len(text) > MAX_ID_DIGITS:
        return default
    return max(low, min(int(text), high))


def default_hosts(site_url: str) -> list[str]:
    """The host of ``site_url`` and the loopback names."""
    hosts = [(urlsplit(site_url).hostname or "").lower(), *LOCAL_HOSTS]
    return list(dict.fromkeys(h for h in hosts if h))


def _host_of(header: str) -> str:
    """``"Example.org:8000"`` -> ``"example.org"``; ``"[::1]:8000"`` -> ``"::1"``."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].partition("]")[0]
    return header.rpartition(":")[0] if header.count(":") == 1 else header


def host_allowed(header: str, patterns: Iterable[str]) -> bool:
    host = _host_of(header).removesuffix(".")
    for pattern in patterns:
        pattern = pattern.strip("[]")
        if pattern == "*" or host == pattern:
            return True
        if pattern.startswith("*.") and host.endswith(pattern[1:]):
            return True
    return False


async def _refuse(send: Send, status: int, message: str) -> None:
    body = message.encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return None


class HostGuard:
    """400 for a Host header not in ``patterns``."""

    def __init__(self, app: ASGIApp, *, patterns: Sequence[str]) -> None:
        self.app = app
        self.patterns = tuple(patterns)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            host = _header(scope, b"host") or ""
            if not host_allowed(host, self.patterns):
                await _refuse(send, 400, "Unknown host: this server does not answer to that name.")
                return
        await self.app(scope, receive, send)


class BodyTooLarge(Exception):
    """A chunked body passed the limit while the app was reading it."""


class BodyLimit:
    """413 for a body over ``limit`` bytes, before reading it when its length is declared."""

    def __init__(self, app: ASGIApp, *, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _header(scope, b"content-length")
        if declared is not None and (not declared.strip().isdigit() or int(declared) > self.limit):
            await _refuse(send, 413, f"The request is larger than {self.limit:,} bytes.")
            return
        seen = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise BodyTooLarge
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except BodyTooLarge:
            if not started:
                await _refuse(send, 413, f"The request is larger than {self.limit:,} bytes.")


class TrustedProxies:
    """Client address and scheme from forwarded headers, only when a trusted proxy sent them."""

    def __init__(self, app: ASGIApp, *, networks: Sequence[str]) -> None:
        self.app = app
        self.networks = [ipaddress.ip_network(n, strict=False) for n in networks]

    def _trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.networks)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        client = scope.get("client")
        if scope["type"] in ("http", "websocket") and client and self._trusted(client[0]):
            forwarded = _header(scope, b"x-forwarded-for")
            if forwarded:
                hops = [h.strip() for h in forwarded.split(",") if h.strip()]
                while len(hops) > 1 and self._trusted(hops[-1]):
                    hops.pop()
                if hops:
                    scope = {**scope, "client": (hops[-1][:64], 0)}
            proto = (_header(scope, b"x-forwarded-proto") or "").strip().lower()
            if proto in ("http", "https"):
                scope = {**scope, "scheme": proto}
        await self.app(scope, receive, send)
