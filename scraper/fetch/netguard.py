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

from scraper.models.errors import BlockedURL, PrivateAddress

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# Decides whether ``host`` (as written in the URL) may be reached at ``address``
# (as resolved). Injected by tests that must reach 127.0.0.1 for one named host only.
AddressPolicy = Callable[[str, IPAddress], bool]


# Every IPv4 range that is not globally routable unicast (IANA special-purpose
# registry, RFC 6890 and successors). Checked on top of ``is_global``, whose table
# differs between Python versions.
_IPV4_NOT_PUBLIC = tuple(
    ipaddress.IPv4Network(n)
    for n in (
        "0.0.0.0/8",  # "this network"
        "10.0.0.0/8",  # private
        "100.64.0.0/10",  # carrier-grade NAT
        "127.0.0.0/8",  # loopback
        "169.254.0.0/16",  # link-local (cloud metadata)
        "172.16.0.0/12",  # private
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",  # documentation
        "192.88.99.0/24",  # 6to4 relay anycast (deprecated)
        "192.168.0.0/16",  # private
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",  # documentation
        "203.0.113.0/24",  # documentation
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, and 255.255.255.255 broadcast
    )
)
# IPv6 global unicast is 2000::/3 only; inside it, these are not public.
_IPV6_GLOBAL_UNICAST = ipaddress.IPv6Network("2000::/3")
_IPV6_NOT_PUBLIC = tuple(
    ipaddress.IPv6Network(n)
    for n in (
        "2001::/23",  # IETF protocol assignments (Teredo's 2001::/32 is judged by its IPv4)
        "2001:db8::/32",  # documentation
        "3fff::/20",  # documentation
    )
)
_TEREDO = ipaddress.IPv6Network("2001::/32")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # well-known prefix: carries an IPv4 address


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (mapped, 6to4, Teredo, NAT64), if any."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _TEREDO and address.teredo is not None:
        return address.teredo[1]
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public_address(address: IPAddress) -> bool:
    """True for globally routable unicast addresses only.

    IPv6 must be global unicast (2000::/3) outside the special ranges, so
    site-local ``fec0::/10``, unique-local ``fc00::/7``, link-local, multicast
    and IPv4-compatible ``::a.b.c.d`` are refused. Forms that carry an IPv4
    address are judged by it: IPv4-mapped ``::ffff:10.0.0.1``, 6to4
    ``2002:0a00:0001::``, Teredo and NAT64 ``64:ff9b::10.0.0.1``.
    """
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return is_public_address(embedded)
        if address not in _IPV6_GLOBAL_UNICAST:
            return False
        if any(address in network for network in _IPV6_NOT_PUBLIC):
            return False
    elif any(address in network for network in _IPV4_NOT_PUBLIC):
        return False
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
            raise PrivateAddress(
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
