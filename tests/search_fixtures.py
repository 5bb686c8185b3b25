"""Answers in the shape of each search provider's, for tests (all invented).

- ``google_rss``: a Google News RSS search feed: headline + " - Outlet", a link
  to a token, ``<source url="...">``, Google's copyright notice;
- ``old_token`` / ``opaque_token``: the two token forms (the URL inside, or an
  ``AU_yqL`` id only Google can resolve);
- ``signed_page`` / ``batch_answer``: the article page with its signature and
  the ``batchexecute`` answer (``)]}'``, then rows);
- ``bing_rss``: a Bing News RSS search feed with ``apiclick.aspx`` redirect links;
- ``gdelt_json``: a GDELT DOC 2.0 artlist answer.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime
from email.utils import format_datetime
from urllib.parse import quote
from xml.sax.saxutils import escape


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _token(field_four: bytes, *, amp: bytes = b"") -> str:
    message = b"\x08\x13\x22" + _varint(len(field_four)) + field_four
    message += b"\xd2\x01" + _varint(len(amp)) + amp
    return base64.urlsafe_b64encode(message).decode("ascii").rstrip("=")


def old_token(url: str) -> str:
    """A token of the older form: the article URL (and an AMP URL) inside."""
    return _token(url.encode(), amp=(url.rstrip("/") + "/amp/").encode())


def opaque_token(n: int) -> str:
    """A token of the newer form: an ``AU_yqL`` id only Google can resolve."""
    return _token(f"AU_yqLN{n:04d}invented-id-{'x' * 40}".encode())


def google_link(token: str) -> str:
    return f"https://news.google.com/rss/articles/{token}?oc=5"


def google_rss(items: list[tuple[str, str, str, str, datetime]]) -> str:
    """``(headline, token, outlet, outlet site, date)`` items as Google News serves them."""
    parts = []
    for headline, token, outlet, site, date in items:
        link = google_link(token)
        description = escape(
            f'<a href="{link}" target="_blank">{headline}</a>&nbsp;&nbsp;'
            f'<font color="#6f6f6f">{outlet}</font>'
        )
        parts.append(
            f"<item><title>{escape(headline)} - {escape(outlet)}</title>"
            f"<link>{escape(link)}</link>"
            f'<guid isPermaLink="false">{token}</guid>'
            f"<pubDate>{format_datetime(date, usegmt=True)}</pubDate>"
            f"<description>{description}</description>"
            f'<source url="{escape(site)}">{escape(outlet)}</source></item>'
        )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel>'
        "<generator>NFE/5.0</generator>"
        '<title>"Group Violence Intervention" - Google News</title>'
        "<link>https://news.google.com/search?q=%22Group+Violence+Intervention%22&amp;hl=en-US"
        "&amp;gl=US&amp;ceid=US:en</link><language>en-US</language>"
        "<webMaster>news-webmaster@google.com</webMaster>"
        "<copyright>This XML feed is made available solely for the purpose of rendering Google "
        "News results within a personal feed reader for personal, non-commercial use.</copyright>"
        "<description>Google News</description>" + "".join(parts) + "</channel></rss>"
    )


def signed_page(token: str, *, signature: str, timestamp: int) -> str:
    """The article page Google serves for a token: the signature sits on a c-wiz div."""
    return (
        "<!doctype html><html><head><title>Google News</title></head><body>"
        f'<c-wiz><div jscontroller="aLI87" data-n-a-id="{token}" '
        f'data-n-a-ts="{timestamp}" data-n-a-sg="{signature}"></div></c-wiz>'
        "</body></html>"
    )


def batch_answer(urls: list[str | None]) -> str:
    """A batchexecute answer: one ``wrb.fr`` row per request id (None: no row)."""
    rows: list[list[object]] = []
    for n, url in enumerate(urls):
        if url is None:
            continue
        payload = json.dumps(["garturlres", url, 1])
        rows.append(["wrb.fr", "Fbv4je", payload, None, None, None, str(n)])
    rows += [["di", 42], ["af.httprm", 41, "-2788137588487428024", 7]]
    body = json.dumps(rows)
    return f")]}}'\n\n{len(body)}\n{body}\n"


def bing_rss(items: list[tuple[str, str, str, datetime]]) -> str:
    """``(headline, article URL, outlet, date)`` items as Bing News RSS serves them."""
    parts = []
    for headline, url, outlet, date in items:
        link = (
            "http://www.bing.com/news/apiclick.aspx?ref=FexRss&aid=&tid=69A1B2C3D4"
            f"&url={quote(url, safe='')}&c=1234567890&mkt=en-us"
        )
        parts.append(
            f"<item><title>{escape(headline)}</title><link>{escape(link)}</link>"
            f"<description>Invented summary of {escape(headline)}.</description>"
            f"<pubDate>{format_datetime(date, usegmt=True)}</pubDate>"
            f"<News:Source>{escape(outlet)}</News:Source></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8" ?>'
        '<rss xmlns:News="https://www.bing.com:443/news/search?q=x&amp;format=rss" version="2.0">'
        "<channel><title>x - BingNews</title><link>https://www.bing.com:443/news/search?q=x"
        "&amp;format=rss</link><description>Search results</description>"
        + "".join(parts)
        + "</channel></rss>"
    )


def gdelt_json(items: list[tuple[str, str, str, datetime]]) -> str:
    """``(headline, article URL, domain, seen)`` items as a GDELT artlist answer."""
    return json.dumps(
        {
            "articles": [
                {
                    "url": url,
                    "url_mobile": "",
                    "title": headline,
                    "seendate": seen.strftime("%Y%m%dT%H%M%SZ"),
                    "socialimage": "",
                    "domain": domain,
                    "language": "English",
                    "sourcecountry": "United States",
                }
                for headline, url, domain, seen in items
            ]
        }
    )
