"""Refuse connections to private, loopback, link-local and other non-global addresses.

The check runs where the socket is opened (an httpcore network backend), after
DNS resolution, for the first request and for every redirect and every new
connection. The socket is then opened to the very address that was checked, so
a DNS answer that changes between check and connect (rebinding) cannot slip a
private address through. TLS still verifies the original host name: httpcore
passes the origin host to ``start_tls``, not the address we connected to.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Callable, Iterable
from typing import Any

import httpcore

from scraper.models.errors import BlockedURL

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# Decides whether ``host`` (as written in the URL) may be reached at ``address``
# (as resolved). Injected by tests that must reach 127.0.0.1 for one named host only.
AddressPolicy = Callable[[str, IPAddress], bool]


def is_public_address(address: IPAddress) -> bool:
    """True for globally routable unicast addresses only.

    IPv4-mapped (``::ffff:10.0.0.1``), 6to4 (``2002:0a00:0001::``) and Teredo
    addresses are judged by the IPv4 address they carry.
    """
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address.teredo is not None:
            embedded = address.teredo[1]
        if embedded is not None:
            address = embedded
    return bool(
        address.is_global
        and not address.is_multicast
        and not address.is_reserved
        and not address.is_unspecified
    )


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """An httpcore backend that resolves, checks, then connects to the checked address."""

    def __init__(self, *, allow_private: bool, policy: AddressPolicy | None = None) -> None:
        self._inner = httpcore.AnyIOBackend()
        self._allow_private = allow_private
        self._policy = policy

    def allowed(self, host: str, address: IPAddress) -> bool:
        """Whether ``host`` may be reached at ``address`` (the injected policy decides first)."""
        if self._policy is not None:
            return self._policy(host, address)
        return self._allow_private or is_public_address(address)

    async def _resolve(self, host: str, port: int) -> list[str]:
        try:
            return [str(ipaddress.ip_address(host.strip("[]")))]
        except ValueError:
            pass
        loop = asyncio.get_running_loop()
        try:
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise httpcore.ConnectError(f"cannot resolve host {host!r}: {exc.strerror}") from exc
        seen: list[str] = []
        for info in infos:
            address = str(info[4][0])
            if address not in seen:
                seen.append(address)
        return seen

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await self._resolve(host, port)
        # Every resolved address must pass, not only the first: the inner backend
        # may fall back to any of them.
        blocked = [a for a in addresses if not self.allowed(host, ipaddress.ip_address(a))]
        if blocked:
            raise BlockedURL(
                f"refused: {host} resolves to a non-public address ({blocked[0]}); "
                "set allow_private_networks: true to allow it",
                url=f"//{host}:{port}",
            )
        last_error: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    address,
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last_error = exc
        assert last_error is not None  # _resolve returns at least one address or raises
        raise last_error

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise BlockedURL("refused: unix sockets are never fetched", url=path)

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)
