"""URL canonicalisation and the dedup key of a URL.

Two functions, for two questions:

``canonicalize_url`` gives the URL we store and link to. It keeps the page
reachable while removing what only tracks the reader::

    HTTPS://News.Example.COM:443/a/b/?utm_source=rss&id=7&fbclid=x#comments
    -> https://news.example.com/a/b/?id=7

Rules, in order: trim whitespace; a missing scheme (``//host/x``) becomes
``https``; scheme and host are lower-cased and the host's IDNA form decoded
nowhere (we keep ASCII); the default port (80 for http, 443 for https) and an
empty port are dropped; ``//`` runs in the path collapse to one ``/``; an empty
path becomes ``/``; percent-escapes are upper-cased and unreserved characters
unescaped; query parameters used for tracking (``utm_*``, ``fbclid``, ``gclid``
and the others in ``TRACKING_PARAMS``) are removed, the rest keep their order;
the fragment is dropped unless it is a route (``#!/...``).

``url_key`` answers "is this the same story?" and is never shown::

    http://www.example.com/a/b/?id=7&page=2  -> example.com/a/b?id=7&page=2

On top of the canonical form it drops the scheme, a leading ``www.``, a
trailing slash (not the root's), and sorts the query. It is what the database's
unique constraint on story URLs is built on.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

import idna

from scraper.models.errors import BadURL

TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gclsrc",
        "msclkid",
        "yclid",
        "twclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "wickedid",
        "rb_clickid",
        "s_cid",
        "clickid",
        "fb_ref",
        "fb_source",
        "ncid",
        "ocid",
        "cmpid",
        "cmp",
        "sr_share",
        "smid",
        "smtyp",
        "ito",
        "at_medium",
        "at_campaign",
        "at_custom1",
        "at_custom2",
        "at_custom3",
        "at_custom4",
        "taid",
        "soc_src",
        "soc_trk",
        "ref_src",
        "ref_url",
        "spm",
        "share",
        "__twitter_impression",
        "outputtype",
        "ref",
        "rss",
        "partnerid",
    }
)
TRACKING_PREFIXES = ("utm_", "mtm_", "pk_", "hsa_", "aftr_", "itm_")

_PERCENT = re.compile(r"%([0-9a-fA-F]{2})")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_ASCII_HOST = re.compile(
    r"^[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?)*$"
)
_NUMERIC_LABEL = re.compile(r"^(?:0x[0-9a-f]*|[0-9]+)$")
_DOTTED_QUAD = re.compile(
    r"^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}"
    r"(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])$"
)


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def _normalise_escapes(part: str) -> str:
    def fix(match: re.Match[str]) -> str:
        char = chr(int(match.group(1), 16))
        return char if char in _UNRESERVED else f"%{match.group(1).upper()}"

    escaped = _PERCENT.sub(fix, part)
    # quote what must be quoted (spaces, quotes, non-ASCII) and keep existing escapes
    return quote(escaped, safe="/%:@!$&'()*+,;=-._~")


def _clean_query(query: str) -> list[tuple[str, str]]:
    # "&#038;" is a double-escaped "&" that WordPress feeds emit in links
    query = query.replace("&#038;", "&").replace("&amp;", "&")
    pairs = parse_qsl(query, keep_blank_values=True)
    return [(k, v) for k, v in pairs if not _is_tracking(k)]


def host_problem(host: str) -> str | None:
    """Why ``host`` (lower-case, from a URL, without brackets) is not a usable host, or None.

    Refused: names that are not valid international domain names (``i❤.ws``),
    characters no host name has (spaces, ``%``...), over-long names, and numbers
    that only some resolvers read as IPv4 (octal ``0177.0.0.1``, hex ``0x7f.1``,
    a bare ``2130706433``): an address must be written as four decimal numbers.
    """
    if ":" in host:  # an IPv6 literal, already checked by urlsplit
        return None
    host = host.removesuffix(".")
    if len(host) > 253:
        return "the host name is longer than 253 characters"
    if not host.isascii():
        try:
            host = idna.encode(host).decode("ascii")
        except (idna.IDNAError, UnicodeError):
            return "the host is not a valid international domain name"
    if not _ASCII_HOST.match(host) or any(len(label) > 63 for label in host.split(".")):
        return "the host name has characters or labels no host name has"
    if _NUMERIC_LABEL.match(host.rsplit(".", 1)[-1]) and not _DOTTED_QUAD.match(host):
        return "the host is a number that is not a dotted-decimal IPv4 address"
    return None


def canonicalize_url(url: str, *, base: str | None = None) -> str:
    """The URL to store and link to: tracking removed, form normalised.

    Raises BadURL (a ValueError) when ``url`` is not an http(s) URL with a usable host.
    """
    raw = url.strip().replace("\\", "/")
    if base is not None:
        from urllib.parse import urljoin

        raw = urljoin(base, raw)
    raw = re.sub(r"^(https?:)/*(https?:)/*", r"\2//", raw, flags=re.IGNORECASE)
    raw = re.sub(r"^(https?:)/{0,1}(?=[^/])", r"\1//", raw, flags=re.IGNORECASE)
    if raw.startswith("//"):
        raw = "https:" + raw
    try:
        parts = urlsplit(raw)
    except ValueError as exc:  # "Invalid IPv6 URL"
        raise BadURL(f"the URL cannot be read ({exc})", url=url) from exc
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise BadURL("not an http(s) URL", url=url)
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise BadURL("the URL has no host", url=url)
    problem = host_problem(host)
    if problem:
        raise BadURL(problem, url=url)
    try:
        port = parts.port
    except ValueError as exc:
        raise BadURL("the URL has a bad port", url=url) from exc
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = re.sub(r"/{2,}", "/", parts.path) or "/"
    path = _normalise_escapes(path)
    query = urlencode(_clean_query(parts.query), quote_via=quote, safe="/:@!$'()*,;~")
    fragment = parts.fragment if parts.fragment.startswith("!") else ""
    return urlunsplit((scheme, netloc, path, query, fragment))


def url_key(url: str) -> str:
    """The identity of a story URL, for deduplication (never shown)."""
    canonical = canonicalize_url(url)
    parts = urlsplit(canonical)
    host = parts.netloc.removeprefix("www.")
    path = parts.path.rstrip("/") if parts.path != "/" else ""
    pairs = sorted(parse_qsl(parts.query, keep_blank_values=True))
    query = urlencode(pairs, quote_via=quote, safe="/:@!$'()*,;~")
    return f"{host}{unquote(path) if '%2F' not in path else path}" + (f"?{query}" if query else "")


def host_of(url: str) -> str:
    """Lower-case host name of ``url`` without ``www.`` ("" when there is none)."""
    return (urlsplit(url).hostname or "").lower().removeprefix("www.")


def normalise_title(title: str) -> str:
    """Lower-case words of a headline, for the outlet+title fallback key.

    ``"  Police <b>zone</b> works — to rebuild!"`` -> ``"police zone works to rebuild"``
    """
    text = re.sub(r"<[^>]+>", " ", title)
    text = re.sub(r"[^\w\s]", " ", text.lower())
    return " ".join(text.split())


# Search feeds link through a redirector that carries the story URL in a parameter.
REDIRECTORS = {
    ("bing.com", "/news/apiclick.aspx"): "url",
    ("google.com", "/url"): "url",
    ("news.google.com", "/url"): "url",
}


def unwrap_redirect(url: str) -> str:
    """The story URL inside a known search redirector, else ``url`` unchanged.

    ``http://www.bing.com/news/apiclick.aspx?ref=FexRss&url=https%3a%2f%2fx.org%2fa``
    -> ``https://x.org/a``
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    param = REDIRECTORS.get((host, parts.path.lower()))
    if param is None:
        return url
    for name, value in parse_qsl(parts.query):
        if name.lower() == param and value.startswith(("http://", "https://")):
            return value
    return url
