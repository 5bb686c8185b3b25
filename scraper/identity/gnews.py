"""Google News article links: what a link carries, and the messages that resolve it.

Pure functions, no network (``scraper.identity.resolve`` makes the requests through the
fetch layer). A Google News RSS entry links to a token, not to the story::

    https://news.google.com/rss/articles/CBMiK2h0dHBzOi8vcml2ZXJ0b24uZXhhbXBsZS9uZXdzL2NhbGwtaW4v0gEA?oc=5

The token is URL-safe base64 of a small protobuf message. Field 4 (tag byte
``0x22``, a length, then bytes) holds either the article URL itself (the older
form, decoded here without asking anyone)::

    08 13 22 2b "https://riverton.example/news/call-in/" d2 01 00
    -> https://riverton.example/news/call-in/

or an opaque id starting ``AU_yqL`` (the form used since mid-2024), which only
Google can turn into the URL: the article page
(``/rss/articles/<token>``) carries a signature and a timestamp
(``data-n-a-sg``, ``data-n-a-ts``), and one POST to
``/_/DotsSplashUi/data/batchexecute`` with those for many tokens answers the
URLs (RPC ``Fbv4je``, request ``garturlreq``, answer ``garturlres``).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qsl, urlencode, urlsplit

GOOGLE_NEWS_HOST = "news.google.com"
BATCH_PATH = "/_/DotsSplashUi/data/batchexecute"
OPAQUE_PREFIX = "AU_yqL"  # field 4 of a token that does not carry its URL
_ARTICLE_DIRS = ("articles", "read")
_SIGNATURE = re.compile(r'data-n-a-sg="([^"]+)"')
_TIMESTAMP = re.compile(r'data-n-a-ts="([^"]+)"')
# The request context Google's own page sends with garturlreq (locale filled in).
_CONTEXT_HEAD: tuple[object, ...] = ("X", "X", ["X", "X"], None, None, 1, 1)
_CONTEXT_TAIL: tuple[object, ...] = (None, 1, None, None, None, None, None, 0, 1)


@dataclass(frozen=True, slots=True)
class Token:
    """What a Google News token says: the URL, or that Google must be asked."""

    token: str
    kind: Literal["url", "opaque", "unreadable"]
    url: str | None = None


def article_token(
    link: str, *, hosts: frozenset[str] = frozenset({GOOGLE_NEWS_HOST})
) -> str | None:
    """The token of a Google News article link (``.../articles/<token>``, ``/read/<token>``)."""
    parts = urlsplit(link)
    host = (parts.hostname or "").lower()
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    if host not in hosts:
        return None
    pieces = [p for p in parts.path.split("/") if p]
    if len(pieces) >= 2 and pieces[-2] in _ARTICLE_DIRS and re.fullmatch(r"[\w-]+", pieces[-1]):
        return pieces[-1]
    return None


def _varint(data: bytes, at: int) -> tuple[int, int]:
    """A protobuf varint at ``data[at:]``: ``(value, next offset)``."""
    value = shift = 0
    while at < len(data):
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, at
        shift += 7
        if shift > 63:
            break
    raise ValueError("truncated varint")


def _field_four(data: bytes) -> bytes | None:
    """The bytes of field 4 (length-delimited) of a protobuf message, or None."""
    at = 0
    while at < len(data):
        key, at = _varint(data, at)
        number, wire = key >> 3, key & 7
        if wire == 0:
            _, at = _varint(data, at)
        elif wire == 2:
            size, at = _varint(data, at)
            if at + size > len(data):
                raise ValueError("field runs past the end")
            if number == 4:
                return data[at : at + size]
            at += size
        else:
            raise ValueError(f"unexpected wire type {wire}")
    return None


def decode_token(token: str) -> Token:
    """Read a token without the network: its URL (older form) or ``opaque``."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        inner = _field_four(raw)
    except (binascii.Error, ValueError):
        return Token(token, "unreadable")
    if inner is None:
        return Token(token, "unreadable")
    text = inner.decode("utf-8", "replace")
    if text.startswith(OPAQUE_PREFIX):
        return Token(token, "opaque")
    if re.match(r"https?://[^\s/]+", text) and "\ufffd" not in text:
        return Token(token, "url", text)
    return Token(token, "unreadable")


def article_page(endpoint: str, token: str, link: str) -> str:
    """The page that carries a token's signature, in the locale of the link."""
    query = dict(parse_qsl(urlsplit(link).query))
    locale = {k: query[k] for k in ("hl", "gl", "ceid") if query.get(k)}
    locale = locale or {"hl": "en-US", "gl": "US", "ceid": "US:en"}
    return f"{endpoint.rstrip('/')}/rss/articles/{token}?{urlencode(locale, safe=':')}"


def signature(html: str) -> tuple[str, str] | None:
    """``(data-n-a-sg, data-n-a-ts)`` of an article page, or None when absent."""
    sg, ts = _SIGNATURE.search(html), _TIMESTAMP.search(html)
    if sg is None or ts is None:
        return None
    return sg.group(1), ts.group(1)


def batch_form(requests: list[tuple[str, str, str]], *, locale: str = "US:en") -> dict[str, str]:
    """The form of one batchexecute POST for ``(token, timestamp, signature)`` triples.

    Each request carries its index as its id, so answers are matched by id.
    """
    context = [[*_CONTEXT_HEAD, locale, *_CONTEXT_TAIL], "X", "X", 1, [1, 1, 1], 1, 1, None, 0]
    context += [0, None, 0]
    calls = []
    for n, (token, timestamp, sig) in enumerate(requests):
        stamp: int | str = int(timestamp) if timestamp.isdigit() else timestamp
        payload = json.dumps(["garturlreq", context, token, stamp, sig], separators=(",", ":"))
        calls.append(["Fbv4je", payload, None, str(n)])
    return {"f.req": json.dumps([calls], separators=(",", ":"))}


def batch_answers(text: str) -> dict[int, str]:
    """URLs by request index from a batchexecute answer (``)]}'`` then JSON rows).

    Raises ValueError when the answer cannot be read at all.
    """
    body = text.lstrip()
    if body.startswith(")]}'"):
        body = body[4:]
    found: dict[int, str] = {}
    unnamed: list[str] = []  # a single request is answered with the id "generic"
    decoder = json.JSONDecoder()
    at = 0
    while at < len(body):  # the answer may be one array or length-prefixed chunks
        while at < len(body) and (body[at].isspace() or body[at].isdigit()):
            at += 1
        if at >= len(body):
            break
        rows, at = decoder.raw_decode(body, at)
        for row in rows if isinstance(rows, list) else []:
            if not (isinstance(row, list) and len(row) >= 3 and row[0] == "wrb.fr"):
                continue
            if row[1] != "Fbv4je" or not isinstance(row[2], str):
                continue
            payload = json.loads(row[2])
            if not (isinstance(payload, list) and len(payload) > 1 and payload[0] == "garturlres"):
                continue
            ident = next((c for c in reversed(row[3:]) if isinstance(c, str) and c.isdigit()), None)
            if isinstance(payload[1], str):
                if ident is None:
                    unnamed.append(payload[1])
                else:
                    found[int(ident)] = payload[1]
    return found or dict(enumerate(unnamed))
