"""Alert rules: which events they match, what they send, how it is signed, when to retry.

Pure functions. A rule matches an event of its ``when`` (``new``: a story
that arrived in the queue as a candidate; ``approved``: an approval) whose
story has one of its ``programs``, one of its ``cities`` and one of its
``outlets`` (an empty list matches anything). The JSON body carries the
story's fields; the Slack body is an incoming-webhook message built from the
same payload. The signature covers the timestamp and the exact body bytes::

    X-Clippings-Timestamp: 1709647200
    X-Clippings-Signature: sha256=<hex HMAC-SHA256 of b"1709647200." + body>

A receiver recomputes it with the shared secret and compares in constant
time, and may refuse old timestamps (replays).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urljoin

from scraper.config.notify import AlertSpec
from scraper.publish.model import clean_line, clean_paragraphs, http_url

SIGNATURE_HEADER = "X-Clippings-Signature"
TIMESTAMP_HEADER = "X-Clippings-Timestamp"
EVENT_HEADER = "X-Clippings-Event"
DELIVERY_HEADER = "X-Clippings-Delivery"  # the same on every retry: receivers drop repeats
# Waits before attempts 2, 3, ...: 30 s, 2 min, 10 min, 1 h, 6 h; then it gives up.
RETRY_DELAYS = (
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(hours=1),
    timedelta(hours=6),
)
EVENT_OF = {"new": "new", "approved": "approve"}  # rule `when` -> event kind


@dataclass(frozen=True, slots=True)
class Rule:
    """A rule from sources.yaml or from the desk (a desk rule keeps its secret itself)."""

    spec: AlertSpec
    origin: str  # "sources.yaml" | "desk"
    stored_secret: str | None = None

    @property
    def name(self) -> str:
        return self.spec.name

    def secret(self) -> str | None:
        return self.stored_secret or self.spec.secret()


def matches(spec: AlertSpec, kind: str, item: Mapping[str, Any]) -> bool:
    """Whether an event of ``kind`` (``new`` | ``approve``) about ``item`` fires ``spec``."""
    if EVENT_OF[spec.when] != kind:
        return False
    if kind == "new" and item.get("status") != "candidate":
        return False  # filtered stories are kept, not news
    for wanted, have in (
        (spec.programs, item.get("programs") or []),
        (spec.cities, item.get("cities") or []),
        (spec.outlets, [item.get("outlet") or ""]),
    ):
        if wanted and not set(wanted) & set(have):
            return False
    return True


def payload(
    kind: str, item: Mapping[str, Any], *, rule: str, site_url: str, user: str | None = None
) -> dict[str, Any]:
    """The JSON body: the event and the story's fields (clean plain text, http(s) links)."""
    event = "approved" if kind == "approve" else "new"
    return {
        "event": event,
        "rule": rule,
        "by": user,
        "item": {
            "id": item["id"],
            "url": http_url(item.get("canonical_url")) or http_url(item.get("url")),
            "headline": clean_line(item.get("headline")),
            "outlet": clean_line(item.get("outlet")),
            "published": item.get("published"),
            "excerpt": "\n\n".join(clean_paragraphs(item.get("excerpt"))),
            "programs": [clean_line(p) for p in item.get("programs") or []],
            "cities": [clean_line(c) for c in item.get("cities") or []],
            "status": item.get("status"),
            "desk_url": urljoin(site_url, f"/desk/items/{int(item['id'])}"),
        },
    }


def _mrkdwn(text: str) -> str:
    """Slack's three escapes: text never becomes a link, mention or command."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_body(data: Mapping[str, Any]) -> dict[str, Any]:
    """A Slack incoming-webhook message of the payload (``text`` plus one section block)."""
    item = data["item"]
    headline = _mrkdwn(item["headline"] or item["url"] or f"Item {item['id']}")
    title = f"<{item['url']}|{headline}>" if item["url"] else headline
    what = "New story" if data["event"] == "new" else "Approved"
    line = " | ".join(filter(None, [_mrkdwn(item["outlet"]), *map(_mrkdwn, item["cities"])]))
    tags = ", ".join(_mrkdwn(p) for p in item["programs"])
    parts = [f"*{what}:* {title}", line, tags, f"<{item['desk_url']}|Open on the desk>"]
    text = "\n".join(p for p in parts if p)
    return {
        "text": f"{what}: {headline}",
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}],
        "unfurl_links": False,
    }


def body(spec: AlertSpec, data: Mapping[str, Any]) -> bytes:
    """The bytes posted for ``data`` in the rule's format."""
    document = slack_body(data) if spec.format == "slack" else dict(data)
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def sign(secret: str, timestamp: int, content: bytes) -> str:
    """``sha256=<hex>`` of HMAC-SHA256(secret, b"<timestamp>." + content)."""
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + content, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(secret: str, timestamp: str, content: bytes, signature: str) -> bool:
    """What a receiver does (and what the tests do)."""
    if not timestamp.isdigit():
        return False
    return hmac.compare_digest(sign(secret, int(timestamp), content), signature)


def headers(
    spec: AlertSpec,
    secret: str | None,
    content: bytes,
    *,
    now: datetime,
    delivery: str | None = None,
) -> dict[str, str]:
    out = {"Content-Type": "application/json; charset=utf-8", EVENT_HEADER: spec.when}
    if delivery:
        out[DELIVERY_HEADER] = delivery
    if secret:
        timestamp = int(now.timestamp())
        out[TIMESTAMP_HEADER] = str(timestamp)
        out[SIGNATURE_HEADER] = sign(secret, timestamp, content)
    return out


def retry_at(attempts: int, now: datetime) -> datetime | None:
    """When to try again after ``attempts`` failed attempts; None: give up."""
    if attempts > len(RETRY_DELAYS):
        return None
    return now + RETRY_DELAYS[attempts - 1]
