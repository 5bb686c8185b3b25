"""POSTing an alert: through the same address guard as fetching, no redirects.

A webhook target on a private, loopback or link-local address is refused
(``BlockedURL`` from the guarded connection) unless the rule or the settings
allow private networks. Redirects are not followed (a POST is not repeated
elsewhere). Any status other than 2xx, and any transport failure, is a
``DeliveryError`` carrying the status, which the delivery log shows.
"""

from __future__ import annotations

import httpx

from scraper.fetch.client import GuardedTransport
from scraper.models.errors import BlockedURL, DeliveryError

TIMEOUT = 10.0  # seconds for the whole request
MAX_ANSWER = 2000  # characters of an error answer kept in the log


async def post(url: str, content: bytes, headers: dict[str, str], *, allow_private: bool) -> int:
    """POST ``content`` to ``url``; the status on 2xx, else DeliveryError."""
    transport = GuardedTransport(allow_private=allow_private, max_connections=2)
    try:
        async with httpx.AsyncClient(
            transport=transport, timeout=TIMEOUT, follow_redirects=False, trust_env=False
        ) as client:
            answer = await client.post(url, content=content, headers=headers)
    except BlockedURL as exc:
        raise DeliveryError(exc.reason, target=url) from exc
    except httpx.HTTPError as exc:
        cause = exc.__cause__ or exc.__context__
        if isinstance(cause, BlockedURL):
            raise DeliveryError(cause.reason, target=url) from exc
        raise DeliveryError(f"{type(exc).__name__}: {exc}", target=url) from exc
    if 200 <= answer.status_code < 300:
        return answer.status_code
    snippet = answer.text[:MAX_ANSWER].strip()
    reason = f"HTTP {answer.status_code}" + (f": {snippet}" if snippet else "")
    raise DeliveryError(reason, target=url, status=answer.status_code)
