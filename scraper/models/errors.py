"""The exception tree of clippings, and ``Drop``, the typed "skip this".

::

    ClippingsError
     ├── ConfigError          sources.yaml is wrong; carries every problem found
     │    └── DuplicateKey    a mapping names one key twice (line-aware YAML loader)
     ├── SecretKeyError       the desk's signing key cannot be read or is too weak
     ├── BadURL               a link is not a usable http(s) URL (also a ValueError)
     ├── FetchError           a request did not give a usable response
     │    ├── BlockedURL      refused before any byte was sent (scheme, private address, robots.txt)
     │    │    └── PrivateAddress  the host resolves to a non-public address
     │    ├── TooLarge        the decoded body passed the size cap
     │    ├── HTTPStatusError the server answered with an error status
     │    └── TransportError  timeout, reset, DNS failure, redirect loop, TLS
     ├── ParseError           the bytes are not a feed / page we can read
     ├── SubmitError          a story submitted by hand cannot be added (the message says why)
     ├── CollectorBusy        another collector already runs on this database
     ├── ReviewError          a review change that cannot be made
     │    ├── NotFound        no such item (or user)
     │    ├── NotAllowed      the action does not apply to the item's status
     │    └── Conflict        the item changed since the form was shown
     ├── StoryError           a story operation that cannot be done (split a lone copy...)
     ├── ExportError          the static site could not be written where asked
     ├── DeliveryError        a digest e-mail or an alert could not be delivered
     └── ArchiveError         a snapshot could not be written, read or verified

    Drop(reason)              not an error: an entry is skipped on purpose, and the
                              reason is counted in the pass report

Every error carries its context (the URL, the status) and a ``reason`` that a
person can read on the sources page.
"""

from __future__ import annotations

from collections.abc import Mapping


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


class DuplicateKey(ConfigError):
    """A YAML mapping names ``key`` twice; ``line`` is the second one."""

    def __init__(self, key: str, line: int) -> None:
        super().__init__([f"duplicate key {key!r}"])
        self.key = key
        self.line = line

    def __str__(self) -> str:
        return f"duplicate key {self.key!r}"


class SecretKeyError(ClippingsError):
    """The signing key cannot be read or is too weak; the message says what to do."""


class BadURL(ClippingsError, ValueError):
    """A link that is not a usable http(s) URL; ``reason`` says why, without the URL."""

    def __init__(self, reason: str, *, url: str) -> None:
        self.reason = reason
        self.url = url
        super().__init__(f"{reason}: {url!r}")


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


class SubmitError(ClippingsError):
    """A story submitted by hand cannot be added; ``str(exc)`` is for the person who sent it."""


class CollectorBusy(ClippingsError):
    """Another collector already runs on this database (the collector lock is held)."""


class ReviewError(ClippingsError):
    """A review change that cannot be made; ``str(exc)`` is for people."""


class NotFound(ReviewError):
    """No such item, story or user."""


class NotAllowed(ReviewError):
    """The action does not apply to the item's status (e.g. approving an approved item)."""


class Conflict(ReviewError):
    """The item changed since the form was shown; ``current`` is how it is now."""

    def __init__(self, message: str, *, current: Mapping[str, object]) -> None:
        super().__init__(message)
        self.current = dict(current)


class StoryError(ClippingsError):
    """A story operation that cannot be done (unknown item, merge with itself...)."""


class ExportError(ClippingsError):
    """The site could not be written to the folder asked for."""


class DeliveryError(ClippingsError):
    """A digest e-mail or an alert was not delivered; ``status`` is the HTTP status if any."""

    def __init__(self, reason: str, *, target: str, status: int | None = None) -> None:
        self.reason = reason
        self.target = target
        self.status = status
        super().__init__(f"{reason} ({target})")


class ArchiveError(ClippingsError):
    """A snapshot could not be written, read or verified; ``str(exc)`` says why."""


class Drop(Exception):  # a signal, not an error
    """Skip one entry on purpose; ``reason`` is counted in the pass report."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)
