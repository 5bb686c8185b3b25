"""The exception tree of clippings, and ``Drop``, the typed "skip this".

::

    ClippingsError
     ├── ConfigError          sources.yaml is wrong; carries every problem found
     ├── FetchError           a request did not give a usable response
     │    ├── BlockedURL      refused before any byte was sent (scheme, private address, robots.txt)
     │    │    └── PrivateAddress  the host resolves to a non-public address
     │    ├── TooLarge        the decoded body passed the size cap
     │    ├── HTTPStatusError the server answered with an error status
     │    └── TransportError  timeout, reset, DNS failure, redirect loop, TLS
     ├── ParseError           the bytes are not a feed / page we can read
     ├── DeliveryError        a digest e-mail or an alert could not be delivered
     ├── BadURL               a link is not a usable http(s) URL (also a ValueError)
     └── ArchiveError         a snapshot could not be written, read or verified

    Drop(reason)              not an error: an entry is skipped on purpose, and the
                              reason is counted in the pass report

Every error carries its context (the URL, the status) and a ``reason`` that a
person can read on the sources page.
"""

from __future__ import annotations


class ClippingsError(Exception):
    """Base of every error clippings raises on purpose."""


class ConfigError(ClippingsError):
    """``sources.yaml`` (or another setting) is invalid.

    ``problems`` holds one readable line per problem, each naming the file,
    line, entry and key, so all of them can be fixed in one go.
    """

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class FetchError(ClippingsError):
    """A request did not give a usable response."""

    def __init__(self, reason: str, *, url: str, status: int | None = None) -> None:
        self.reason = reason
        self.url = url
        self.status = status
        super().__init__(f"{reason} ({url})")


class BlockedURL(FetchError):
    """Refused before sending: bad scheme, non-global address, or robots.txt."""


class PrivateAddress(BlockedURL):
    """The host resolves to an address that is not globally routable."""


class TooLarge(FetchError):
    """The decoded body passed the configured size cap."""


class HTTPStatusError(FetchError):
    """The server answered with an error status (4xx, 5xx)."""

    def __init__(
        self, reason: str, *, url: str, status: int, retry_after: float | None = None
    ) -> None:
        super().__init__(reason, url=url, status=status)
        self.retry_after = retry_after  # seconds, from a Retry-After header


class TransportError(FetchError):
    """Timeout, connection reset, DNS failure, redirect loop, TLS failure."""


class ParseError(ClippingsError):
    """The body is not something the parse stage can read."""


class DeliveryError(ClippingsError):
    """A digest e-mail or an alert was not delivered; ``status`` is the HTTP status if any."""

    def __init__(self, reason: str, *, target: str, status: int | None = None) -> None:
        self.reason = reason
        self.target = target
        self.status = status
        super().__init__(f"{reason} ({target})")


class BadURL(ClippingsError, ValueError):
    """A link that is not a usable http(s) URL; ``reason`` says why, without the URL."""

    def __init__(self, reason: str, *, url: str) -> None:
        self.reason = reason
        self.url = url
        super().__init__(f"{reason}: {url!r}")


class ArchiveError(ClippingsError):
    """A snapshot could not be written, read or verified; ``str(exc)`` says why."""


class Drop(Exception):  # a signal, not an error
    """Skip one entry on purpose; ``reason`` is counted in the pass report."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)
