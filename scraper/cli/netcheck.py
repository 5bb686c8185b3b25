"""Is name lookup working? A quick DNS probe of the sources' hosts, for ``sources list``
and ``doctor``: with no network, say so once instead of letting every source fail alone."""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlsplit

__all__ = ["dns_outage", "lookup_hosts", "source_hosts"]

Resolver = Callable[..., Any]
MAX_HOSTS = 8


def source_hosts(urls: Sequence[str]) -> list[str]:
    hosts: list[str] = []
    for url in urls:
        host = (urlsplit(url).hostname or "").lower()
        if not host or host == "localhost" or host in hosts:
            continue
        try:
            ipaddress.ip_address(host)
            continue  # an address needs no lookup
        except ValueError:
            hosts.append(host)
    return hosts[:MAX_HOSTS]


def lookup_hosts(
    hosts: Sequence[str], *, resolve: Resolver = socket.getaddrinfo, timeout: float = 3.0
) -> dict[str, str | None]:
    """Host -> None when it resolves, else why not ("timed out" if no answer in time).

    Lookups run at once in daemon threads, so a resolver that hangs delays nothing
    past ``timeout`` (not even the program's exit).
    """
    results: dict[str, str | None] = {}
    lock = threading.Lock()

    def one(host: str) -> None:
        try:
            resolve(host, 443, type=socket.SOCK_STREAM)
            outcome: str | None = None
        except OSError as exc:
            outcome = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        with lock:
            results[host] = outcome

    threads = [threading.Thread(target=one, args=(h,), daemon=True) for h in hosts]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    with lock:
        return {h: results.get(h, "timed out") for h in hosts}


def dns_outage(
    urls: Sequence[str], *, resolve: Resolver = socket.getaddrinfo, timeout: float = 3.0
) -> str | None:
    """One line when none of the sources' hosts can be looked up, else None."""
    hosts = source_hosts(urls)
    if not hosts:
        return None
    found = lookup_hosts(hosts, resolve=resolve, timeout=timeout)
    if any(why is None for why in found.values()):
        return None
    example = hosts[0]
    return (
        f"no network: cannot find the address of {example} or any other source host "
        f"(DNS: {found[example]}); sources will fail until the network is back"
    )
