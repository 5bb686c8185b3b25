"""Why a fetch failed, in words a person can act on.

The fetch and parse stages record a precise technical reason ("refused: robots.txt could
not be read (could not connect: cannot resolve host 'www.wbez.org': Name or service not
known)"). :func:`explain` turns such a reason into what happened and to whom: "cannot find
the address of www.wbez.org (DNS)". "Refused" is said only when the site refused (a
closed port, a 403, robots.txt disallowing the page); a failure on our side (no network,
no DNS) is said to be ours. :func:`group` says a failure shared by every or most sources
once ("no network: 13 sources could not be reached") instead of once per source.

Pure: strings in, strings out. The log, ``clippings collect``, ``clippings sources list``
and the desk's sources page all call it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

__all__ = ["Failure", "Grouped", "explain", "group"]

# kinds whose cause is (most likely) our own network, not the site
OUR_SIDE = frozenset({"dns", "offline"})


@dataclass(frozen=True)
class Failure:
    """One failure in plain words.

    ``kind``: dns, offline, connection-refused, timeout, broken-connection, tls, http,
    robots, private-address, too-large, redirects, paused, parse, internal or other.
    ``site_refused``: the site itself said no. ``detail``: the technical reason, kept for
    the curious (logs, ``--json``).
    """

    kind: str
    words: str
    site_refused: bool = False
    detail: str = ""

    @property
    def our_side(self) -> bool:
        """The cause is our network (no DNS, no route), not the site."""
        return self.kind in OUR_SIDE


_HTTP_WORDS = {
    400: "the site rejected the request as malformed",
    401: "the site asks for a login",
    403: "the site refused access",
    404: "the address is gone (not found)",
    405: "the site does not allow this request",
    406: "the site will not send this kind of content",
    408: "the site gave up waiting for the request",
    410: "the address is gone for good",
    418: "the site refused the request",
    429: "the site asks us to slow down",
    451: "the site withholds this page for legal reasons",
    500: "the site has a server error",
    502: "the site's gateway failed",
    503: "the site is unavailable for now",
    504: "the site's gateway timed out",
}

_DNS = re.compile(
    r"cannot resolve host|name or service not known|nodename nor servname|"
    r"temporary failure in name resolution|no address associated|getaddrinfo failed|"
    r"name resolution|\[Errno -[235]\]|\[Errno 11001\]",
    re.I,
)
_OFFLINE = re.compile(r"network is unreachable|no route to host|\[Errno 101\]|\[Errno 113\]", re.I)
_CONN_REFUSED = re.compile(
    r"connection refused|\[Errno 111\]|all connection attempts failed|actively refused", re.I
)
_TLS = re.compile(r"\bssl\b|\btls\b|certificate|handshake|wrong version number", re.I)
_TIMEOUT = re.compile(r"timed out|timeout", re.I)
_BROKEN = re.compile(r"connection broken|connection reset|server closed|\[Errno 104\]", re.I)
_STATUS = re.compile(r"\bHTTP (\d{3})\b")
_HOST_IN = re.compile(r"cannot resolve host '([^']+)'")
_CERT = re.compile(r"certificate verify failed: ([^()\]]+)", re.I)
_PARSE = re.compile(
    r"not a readable|expected a feed|expected an HTML|empty response|not valid JSON|"
    r"JSON Feed|selector .* matched nothing|invalid CSS selector|parsing took|"
    r"parsing needed|parser pool|not an OPML|OPML file",
    re.I,
)


def _host(url: str | None, error: str) -> str:
    named = _HOST_IN.search(error)
    if named:
        return named.group(1)
    host = urlsplit(url).hostname if url else None
    return host or "the site"


def explain(
    error: str | None, *, url: str | None = None, status: int | None = None
) -> Failure | None:
    """The failure ``error`` (a recorded reason) in plain words; None when there is none.

    ``url`` (the source's address) names the host; ``status`` is the HTTP status if known.
    """
    if not error:
        return None
    host = _host(url, error)
    text = error.strip()
    # robots.txt that could not be read is not a refusal: the cause is what stopped the read
    unreadable = re.match(r"(?:refused: )?robots\.txt could not be read \((.*)\)", text, re.S)
    cause = unreadable.group(1) if unreadable else text
    if _DNS.search(cause):
        return Failure("dns", f"cannot find the address of {host} (DNS)", detail=text)
    if _OFFLINE.search(cause):
        return Failure("offline", f"no network route to {host}", detail=text)
    if _CONN_REFUSED.search(cause):
        return Failure(
            "connection-refused",
            f"{host} refused the connection (nothing listening there)",
            site_refused=True,
            detail=text,
        )
    if "robots.txt" in cause and "disallow" in cause:
        return Failure(
            "robots",
            "refused by the site's robots.txt (set robots: false if the site allowed it)",
            site_refused=True,
            detail=text,
        )
    if "non-public address" in cause:
        return Failure(
            "private-address",
            f"{host} points to a private address: not fetched (allow_private_networks)",
            detail=text,
        )
    if cause.startswith("not sent:") and "pause" in cause:
        return Failure("paused", f"{host} asked for a pause: waiting as asked", detail=text)
    code = status or (int(m.group(1)) if (m := _STATUS.search(cause)) else None)
    if code is not None and code >= 400:
        words = _HTTP_WORDS.get(code) or (
            "the site has a server error" if code >= 500 else "the site refused the request"
        )
        return Failure("http", f"{words} (HTTP {code})", site_refused=code < 500, detail=text)
    if _TLS.search(cause):
        cert = _CERT.search(cause)
        why = f": {cert.group(1).strip()}" if cert else ""
        return Failure("tls", f"the secure connection to {host} failed (TLS{why})", detail=text)
    if _TIMEOUT.search(cause):
        return Failure("timeout", f"{host} did not answer in time", detail=text)
    if _BROKEN.search(cause):
        return Failure("broken-connection", f"{host} broke off the connection", detail=text)
    if "redirect" in cause:
        return Failure("redirects", f"{host} sends us round in circles ({cause})", detail=text)
    if "cap" in cause and "byte" in cause:
        return Failure("too-large", f"the answer from {host} is too large ({cause})", detail=text)
    if _PARSE.search(cause):
        return Failure("parse", f"cannot read what {host} sent: {cause}", detail=text)
    if cause.startswith("internal error"):
        return Failure("internal", f"a bug in clippings ({cause}): please report it", detail=text)
    if cause.startswith("could not connect"):
        return Failure("other", f"cannot connect to {host} ({cause})", detail=text)
    return Failure("other", cause, detail=text)


@dataclass(frozen=True)
class Grouped:
    """Failures of one pass or listing: at most one shared line, then the rest by source."""

    shared: str | None
    shared_ids: frozenset[str]
    each: dict[str, Failure]


def group(failures: Mapping[str, Failure], *, total: int, share: float = 0.5) -> Grouped:
    """Say a network-wide failure once.

    When at least three sources and at least ``share`` of all ``total`` sources fail on our
    side (DNS, no route), one line says so ("no network: 13 sources could not be reached
    (DNS)") and those sources are left out of ``each``; every other failure stays there.
    """
    ours = {sid: f for sid, f in failures.items() if f.our_side}
    if len(ours) < 3 or len(ours) < share * max(total, 1):
        return Grouped(None, frozenset(), dict(failures))
    kinds = Counter(f.kind for f in ours.values())
    cause = "DNS: no name can be looked up" if kinds["dns"] >= kinds["offline"] else "no route"
    everyone = f"{len(ours)}" if len(ours) == total else f"{len(ours)} of {total}"
    line = f"no network: {everyone} sources could not be reached ({cause})"
    rest = {sid: f for sid, f in failures.items() if sid not in ours}
    return Grouped(line, frozenset(ours), rest)
