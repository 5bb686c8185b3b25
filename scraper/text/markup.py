"""Turn markup from the web into plain text or sanitised HTML.

Everything a source sends is untrusted. What is stored is either plain text
(``plain_text``) or HTML cleaned by nh3 with a small allow-list
(``safe_html``); nothing from a source can run in the review app or a feed.
"""

from __future__ import annotations

import html
import re
import unicodedata

import nh3

_TAG = re.compile(r"<[^>]*>")
_BLOCK = re.compile(r"(?i)</?(p|div|br|li|h[1-6]|blockquote|tr|section|article)\b[^>]*>")
# C0/C1 control characters except tab and newline; they are invalid in XML 1.0 feeds
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
SAFE_TAGS = frozenset(
    {"p", "br", "a", "em", "strong", "i", "b", "blockquote", "ul", "ol", "li", "q"}
)


def strip_control(text: str) -> str:
    """Remove control characters that are invalid in XML and invisible on a page."""
    return _CONTROL.sub("", text)


def plain_text(markup: str | None) -> str:
    """Text of an HTML fragment: tags removed, entities decoded, whitespace folded.

    ``"<p>Hello&nbsp;<b>world</b></p><p>Two</p>"`` -> ``"Hello world\\n\\nTwo"``
    """
    if not markup:
        return ""
    text = _BLOCK.sub("\n\n", markup)
    text = nh3.clean(text, tags=set(), strip_comments=True)  # drops script/style content too
    text = html.unescape(text)
    if re.search(r"&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);", text):
        text = html.unescape(text)  # double-escaped feeds ("&amp;amp;") are common
    text = strip_control(unicodedata.normalize("NFC", text)).replace("\xa0", " ")
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text)]
    return "\n\n".join(p for p in paragraphs if p)


def one_line(markup: str | None) -> str:
    """``plain_text`` folded to a single line (for titles and names)."""
    return " ".join(plain_text(markup).split())


def safe_html(markup: str | None) -> str:
    """HTML with only harmless tags and http(s) links left (nh3)."""
    if not markup:
        return ""
    return nh3.clean(
        strip_control(markup),
        tags=set(SAFE_TAGS),
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
