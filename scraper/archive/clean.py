"""An archived page made safe to show: structure and words kept, everything active removed.

The stored page is third-party HTML. Before the app serves it, ``nh3``
(the Rust ``ammonia`` sanitiser) keeps an allow-list of text elements and
drops everything else: scripts and their content, styles, event handlers,
iframes, objects, forms, images, ``<base>``, ``<meta refresh>``. Links are
kept (as plain navigation, ``rel="noopener noreferrer nofollow"``); nothing
on the page loads anything by itself. The response adds
``Content-Security-Policy: sandbox`` and ``default-src 'none'`` (see
``SANDBOX_CSP``), so even markup that slipped through could neither run nor
fetch.

``<p onclick="x()">Hi<script>alert(1)</script></p><img src="https://x/y.png">``
-> ``<p>Hi</p>``
"""

from __future__ import annotations

import re
from html import escape

import nh3

SANDBOX_CSP = (
    "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
TAGS = {
    "a", "abbr", "article", "aside", "b", "blockquote", "br", "caption", "cite", "code", "dd",
    "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "footer", "h1",
    "h2", "h3", "h4", "h5", "h6", "header", "hr", "i", "ins", "kbd", "li", "main", "mark", "nav",
    "ol", "p", "pre", "q", "s", "section", "small", "span", "strong", "sub", "summary", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}
_BODY = re.compile(rb"<body[^>]*>(.*)</body>", re.S | re.I)
_META_CHARSET = re.compile(rb"<meta[^>]+charset=[\"']?([A-Za-z0-9_\-]+)", re.I)


def decode_page(body: bytes, charset: str | None) -> str:
    """The page as text: the HTTP charset, else a ``<meta charset>``, else UTF-8."""
    found = _META_CHARSET.search(body[:4096])
    for candidate in (charset, found.group(1).decode("ascii") if found else None, "utf-8"):
        if not candidate:
            continue
        try:
            return body.decode(candidate, "replace")
        except LookupError:
            continue
    return body.decode("utf-8", "replace")


def clean_page(body: bytes, *, charset: str | None = None) -> str:
    """The page's ``<body>`` (or all of it) reduced to harmless text markup."""
    match = _BODY.search(body)
    html = decode_page(match.group(1) if match else body, charset)
    return str(
        nh3.clean(
            html,
            tags=TAGS,
            attributes=ATTRIBUTES,
            url_schemes={"http", "https"},
            link_rel="noopener noreferrer nofollow",
            strip_comments=True,
        )
    )


def sandboxed_document(
    body: bytes, *, charset: str | None, url: str, captured: str, title: str
) -> str:
    """A whole HTML document: a banner saying what this is, then the cleaned page."""
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>Archived: {escape(title)}</title>"
        "<style>.clippings-banner{font:14px/1.4 system-ui,sans-serif;background:#fff3c4;"
        "border-bottom:1px solid #c9a400;padding:.5em 1em;margin:0 0 1em}"
        "body{max-width:48em;margin:0 auto;font-family:Georgia,serif}</style></head><body>"
        '<p class="clippings-banner" role="note">Archived copy of '
        f'<a href="{escape(url)}" rel="noopener noreferrer nofollow">{escape(url)}</a>, '
        f"fetched {escape(captured)}. Scripts, styles and images are not kept.</p>"
        f"{clean_page(body, charset=charset)}</body></html>"
    )
