"""Read the raw metadata signals of one parsed article page.

Everything here is a read-only walk over an lxml tree that has already been
parsed (once) by ``scraper.understand.extract.article``: meta tags, JSON-LD objects, canonical
links, headings, ``<time>`` elements and byline text. Nothing is chosen or
cleaned here; ``scraper.understand.extract.article`` weighs the signals against each other.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml.html import HtmlElement  # type: ignore[import-untyped]

from scraper.understand.extract.names import INVISIBLE

JsonObject = dict[str, Any]

MAX_JSON_LD_CHARS = 2_000_000  # bigger script blocks are data dumps, not page metadata
MAX_BYLINES = 6
MAX_TIMES = 30

# Schema.org types that describe the story itself, best first.
_ARTICLE_TYPES = (
    "newsarticle",
    "reportagenewsarticle",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "article",
    "blogposting",
    "posting",
    "report",
    "scholarlyarticle",
    "techarticle",
    "liveblogposting",
    "socialmediaposting",
)
_PAGE_TYPES = ("webpage", "itempage", "aboutpage", "creativework", "videoobject", "event")

_BYLINE_HINT = re.compile(
    r"byline|author|autor|auteur|writer|contributor|dateline|posted.by|verfasser", re.IGNORECASE
)
_NOT_TEXT_TAGS = frozenset(("script", "style", "meta", "link", "img", "svg", "noscript"))
_NOT_BYLINE_HINT = re.compile(
    r"author-?(?:bio|image|img|photo|avatar|pic|social|follow)|"
    r"comment|related",
    re.IGNORECASE,
)
_TRAILING_COMMA = re.compile(r",\s*([}\]])")


@dataclass(frozen=True, slots=True)
class TimeTag:
    """A ``<time>`` (or ``itemprop`` date) element: its machine value and what it is for."""

    value: str
    published: bool  # marked as the publication date (itemprop, pubdate, class names)
    updated: bool  # marked as an update or modification date


@dataclass(slots=True)
class PageSignals:
    """The metadata a page offers, raw, in document order."""

    meta: dict[str, list[str]] = field(default_factory=dict)  # lowercased key -> contents
    json_ld: list[JsonObject] = field(default_factory=list)  # article objects first
    canonical: list[str] = field(default_factory=list)  # rel=canonical hrefs
    title: str | None = None
    h1: list[str] = field(default_factory=list)
    times: list[TimeTag] = field(default_factory=list)
    bylines: list[str] = field(default_factory=list)
    lang: str | None = None

    def first_meta(self, *keys: str) -> str | None:
        """The first non-empty content among ``keys``, in the order the keys are given."""
        for key in keys:
            for value in self.meta.get(key, ()):
                if value.strip():
                    return value.strip()
        return None


def _text(element: HtmlElement) -> str:
    return " ".join("".join(element.itertext()).translate(INVISIBLE).split())


def _walk_json(value: Any) -> Iterator[JsonObject]:
    """Every object in a JSON-LD document, ``@graph`` members included."""
    if isinstance(value, list):
        for item in value:
            yield from _walk_json(item)
    elif isinstance(value, dict):
        yield value
        for key in ("@graph", "mainEntity", "itemListElement"):
            if key in value:
                yield from _walk_json(value[key])


def _loads(text: str) -> Any:
    text = text.strip().removeprefix("<!--").removesuffix("-->").strip()
    try:
        return json.loads(text, strict=False)
    except ValueError:
        pass
    try:
        return json.loads(_TRAILING_COMMA.sub(r"\1", text), strict=False)
    except ValueError:
        return None


def types_of(obj: JsonObject) -> list[str]:
    """``@type`` as a list of lowercased names (it may be a string or a list)."""
    kind = obj.get("@type", "")
    kinds = kind if isinstance(kind, list) else [kind]
    return [k.lower().rsplit("/", 1)[-1] for k in kinds if isinstance(k, str)]


def _rank(obj: JsonObject) -> int:
    kinds = types_of(obj)
    for rank, name in enumerate(_ARTICLE_TYPES):
        if name in kinds:
            return rank
    if any(name in kinds for name in _PAGE_TYPES):
        return len(_ARTICLE_TYPES)
    return len(_ARTICLE_TYPES) + 1


def _read_json_ld(tree: HtmlElement) -> list[JsonObject]:
    found: list[JsonObject] = []
    for script in tree.iterfind(".//script[@type]"):
        if "ld+json" not in (script.get("type") or "").lower():
            continue
        text = script.text or ""
        if len(text) > MAX_JSON_LD_CHARS:
            continue
        found.extend(obj for obj in _walk_json(_loads(text)) if _rank(obj) <= len(_ARTICLE_TYPES))
    # The story object wins over page wrappers; document order breaks ties.
    return sorted(found, key=_rank)


def _read_meta(tree: HtmlElement, signals: PageSignals) -> None:
    for meta in tree.iterfind(".//meta"):
        content = meta.get("content")
        if content is None:
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = meta.get(attr)
            if key:
                signals.meta.setdefault(key.strip().lower(), []).append(content)


def _class_hint(element: HtmlElement) -> str:
    return " ".join(
        filter(
            None,
            (
                element.get("class"),
                element.get("id"),
                element.get("itemprop"),
                element.get("rel"),
                element.get("data-testid"),
            ),
        )
    )


def _read_times(tree: HtmlElement, signals: PageSignals) -> None:
    for element in tree.xpath(
        ".//time[@datetime] | .//*[@itemprop='datePublished' or @itemprop='dateCreated'"
        " or @itemprop='dateModified'][@datetime or @content]"
    )[:MAX_TIMES]:
        value = element.get("datetime") or element.get("content") or ""
        hint = f"{_class_hint(element)} {element.get('pubdate', '')}"
        parent = element.getparent()
        if parent is not None:
            hint += " " + _class_hint(parent)
        lowered = hint.lower()
        signals.times.append(
            TimeTag(
                value=value,
                published=any(
                    w in lowered
                    for w in ("datepublished", "pubdate", "publish", "datecreated", "posted")
                ),
                updated=any(w in lowered for w in ("modified", "updated", "update")),
            )
        )


def _is_byline(element: HtmlElement) -> bool:
    # Attribute by attribute: measured faster than one joined string or an XPath.
    for attr in ("class", "id", "itemprop", "rel"):
        value = element.get(attr)
        if value and _BYLINE_HINT.search(value):
            return not _NOT_BYLINE_HINT.search(value)
    return False


def _read_bylines(tree: HtmlElement, signals: PageSignals) -> None:
    body = tree.find("body")
    if body is None:
        return
    for element in body.iter():
        if not isinstance(element.tag, str) or element.tag in _NOT_TEXT_TAGS:
            continue
        if not _is_byline(element):
            continue
        # Names in sibling elements ("<a>Ana Ruiz</a><a>Tom Lee</a>") must not run together.
        text = " ".join(" ".join(element.itertext()).split())
        if 2 < len(text) < 200 and text not in signals.bylines:
            signals.bylines.append(text)
            if len(signals.bylines) >= MAX_BYLINES:
                return


def read_signals(tree: HtmlElement) -> PageSignals:
    """All the metadata signals of ``tree``; never raises on odd markup."""
    signals = PageSignals()
    _read_meta(tree, signals)
    signals.json_ld = _read_json_ld(tree)
    for link in tree.iterfind(".//link[@rel][@href]"):
        if "canonical" in (link.get("rel") or "").lower().split():
            signals.canonical.append(link.get("href") or "")
    title = tree.find(".//title")
    if title is not None:
        signals.title = _text(title) or None
    signals.h1 = [text for h1 in tree.iterfind(".//h1") if (text := _text(h1))][:5]
    _read_times(tree, signals)
    _read_bylines(tree, signals)
    signals.lang = tree.get("lang") or tree.get("xml:lang")
    return signals
