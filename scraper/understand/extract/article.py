"""Article page -> ``Article``: headline, date, authors, outlet, main text.

The page is parsed once with lxml (through trafilatura's loader, which also
guesses the encoding of bytes). ``scraper.understand.extract.page`` reads the metadata
signals off that tree, then trafilatura runs once on the same tree for the
main text (boilerplate removal) and its own metadata, which serves as a
fallback and a second opinion:

* canonical URL: ``link rel=canonical``, then ``og:url``; absolute, http(s) only.
* headline: JSON-LD ``headline``, ``og:title``, ``<h1>``, ``<title>``, each
  without the outlet's name as a prefix or suffix; a candidate two sources agree
  on wins.
* published: JSON-LD ``datePublished``, published-time meta tags, ``<time>``
  marked as publication, byline prose, a ``/YYYY/MM/DD/`` URL, trafilatura's
  (htmldate's) day, the feed's date, and only then a modification date.
  Always timezone-aware: a source without a zone is read as UTC, and a zone
  given by the source is kept (the day is the day the outlet printed).
* authors: JSON-LD persons, author meta tags, byline elements; organisations
  and job titles are dropped.
* outlet: the configured outlet, else ``og:site_name``, else the JSON-LD publisher.
* language: the primary subtag, lowercased ("en-US" -> "en").

``extract_article`` never raises: on input that is not HTML it returns what it
could find, at least the URL.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from urllib.parse import urljoin, urlsplit

import trafilatura
from lxml.html import HtmlElement  # type: ignore[import-untyped]
from trafilatura.utils import load_html

from scraper.models import Article
from scraper.text.fold import fold_loose
from scraper.understand.extract.names import (
    drop_title_tags,
    fold_names,
    merge_authors,
    names_site,
    site_label,
    split_authors,
    strip_site_name,
)
from scraper.understand.extract.page import JsonObject, PageSignals, read_signals, types_of
from scraper.understand.extract.published import choose_published

LOGGER = logging.getLogger(__name__)

MAX_HEADLINE_CHARS = 400
MAX_PAGE_SIZE = 20_000_000  # bytes or characters, as trafilatura's MAX_FILE_SIZE; the rest is cut
_DANGLING = " |-–—:·•"  # separators left at either end of a title after cutting
MIN_ECHO_CHARS = 12  # folded; shorter h1s ("Home", "News") must match a title exactly
_AUTHOR_META = (
    "author",
    "article:author",
    "parsely-author",
    "sailthru.author",
    "dc.creator",
    "dcterms.creator",
    "byl",
    "citation_author",
    "twitter:creator",
)


def _json_strings(value: object) -> list[str]:
    """The text values of a JSON-LD field that may be a string, object or list."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        if "organization" in types_of(value) or any(
            t.endswith(("organization", "newsmediaorganization")) for t in types_of(value)
        ):
            return []
        name = value.get("name")
        return [name] if isinstance(name, str) else []
    if isinstance(value, list):
        return [s for item in value for s in _json_strings(item)]
    return []


def _first_json(objects: Iterable[JsonObject], key: str) -> str | None:
    for obj in objects:
        for value in _json_strings(obj.get(key)):
            if value.strip():
                return value.strip()
    return None


def _publisher_name(objects: Iterable[JsonObject]) -> str | None:
    for obj in objects:
        publisher = obj.get("publisher")
        if isinstance(publisher, list) and publisher:
            publisher = publisher[0]
        if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
            return str(publisher["name"]).strip() or None
        if isinstance(publisher, str) and publisher.strip():
            return publisher.strip()
    return None


def _http_url(candidate: str | None, base: str) -> str | None:
    """``candidate`` made absolute against ``base``; ``None`` unless http(s) with a host."""
    if not candidate or not candidate.strip():
        return None
    try:
        absolute = urljoin(base, candidate.strip())
        parts = urlsplit(absolute)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return absolute


def _canonical(signals: PageSignals, url: str) -> str | None:
    for candidate in [*signals.canonical, signals.first_meta("og:url")]:
        absolute = _http_url(candidate, url)
        if absolute:
            return absolute
    return None


def _site_names(signals: PageSignals, outlet: str | None, url: str) -> list[str]:
    names = [
        outlet,
        signals.first_meta("og:site_name", "application-name", "twitter:site"),
        _publisher_name(signals.json_ld),
    ]
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    if host:
        # "news.springfield-ledger.com" -> the host and "springfield-ledger"
        names += [host, *(label for label in host.split(".")[:-1] if len(label) > 3)]
    return [n.lstrip("@") for n in names if n]


def _echoes(candidate: str, other: str) -> bool:
    """``other`` repeats ``candidate``: equal when folded, or a title beginning/ending with it."""
    mine, theirs = fold_loose(candidate), fold_loose(other)
    if not mine:
        return False
    return mine == theirs or (
        len(mine) >= MIN_ECHO_CHARS and (theirs.startswith(mine) or theirs.endswith(mine))
    )


def _headline(signals: PageSignals, sites: list[str], fallback: str | None) -> str | None:
    """The page's headline, in the visible ``<h1>``'s typography when metadata confirms it.

    Order: an ``<h1>`` echoed by the metadata or the ``<title>``; the metadata
    title when the ``<h1>`` is it with a kicker run in front; else the first
    ``<h1>`` of two or more words that is not the site's name (measured on
    trafilatura-eval: an unconfirmed ``<h1>`` is right more often than metadata
    titles agreeing with each other); else a title two metadata sources agree
    on; else the first metadata title.
    """
    site_keys = fold_names(sites)

    def usable(raw: str | None, *, tagged: bool = False) -> str | None:
        if not raw or not raw.strip():
            return None
        text = strip_site_name(raw, sites)
        if tagged:
            text = drop_title_tags(text)
        text = text.strip(_DANGLING)
        return text if 1 < len(text) <= MAX_HEADLINE_CHARS else None

    h1s = [h for raw in signals.h1[:2] if (h := usable(raw)) and not names_site(h, site_keys)]
    metas = [
        m
        for raw in (
            _first_json(signals.json_ld, "headline"),
            signals.first_meta("og:title"),
            signals.first_meta("twitter:title"),
            signals.title,
            _first_json(signals.json_ld, "name"),
        )
        if (m := usable(raw, tagged=True))
    ]
    raw_title = signals.title or ""
    for h1 in h1s:
        if any(_echoes(h1, other) for other in [*metas, raw_title]):
            # Same letters but more words: the <h1> runs its parts together ("KickerHeadline").
            spaced = [
                m
                for m in metas
                if fold_loose(m) == fold_loose(h1) and len(m.split()) > len(h1.split())
            ]
            return spaced[0] if spaced else h1
    for h1 in h1s:
        # A kicker run into the headline ("Open ProgressWhy ..."): the metadata has it bare.
        h1_key = fold_loose(h1)
        for meta in metas:
            meta_key = fold_loose(meta)
            if len(meta_key) >= MIN_ECHO_CHARS and h1_key.endswith(meta_key) and h1_key != meta_key:
                return meta
    # An unconfirmed one-word <h1> is a section label ("Sections", "Menu") more often than not.
    worded = [h1 for h1 in h1s if len(h1.split()) > 1 or not metas]
    if worded:
        return worded[0]
    for index, meta in enumerate(metas):
        if any(fold_loose(meta) == fold_loose(other) for other in metas[index + 1 :]):
            return meta
    return metas[0] if metas else (h1s[0] if h1s else fallback)


def _authors(signals: PageSignals, traf_author: str | None, sites: list[str]) -> tuple[str, ...]:
    """Persons from the first source that names any: JSON-LD, meta tags, bylines, trafilatura."""
    site_keys = fold_names(sites)
    groups: list[list[str]] = [
        [raw for obj in signals.json_ld for raw in _json_strings(obj.get("author"))],
        *(
            [value]
            for key in _AUTHOR_META
            for value in signals.meta.get(key, ())
            if not value.startswith(("http://", "https://"))
        ),
        *([byline] for byline in signals.bylines),
        (traf_author or "").split(";"),
    ]
    for group in groups:
        names = merge_authors(split_authors(raw) for raw in group)
        # A byline that is the outlet's own name ("LinkFoo") names no person.
        people = tuple(n for n in names if fold_loose(n) not in site_keys)
        if people:
            return people
    return ()


def _language(signals: PageSignals) -> str | None:
    for raw in (
        signals.lang,
        signals.first_meta("og:locale", "content-language", "language"),
        _first_json(signals.json_ld, "inLanguage"),
    ):
        if raw:
            primary = raw.strip().replace("_", "-").split("-")[0].lower()
            if primary.isalpha() and 2 <= len(primary) <= 3:
                return primary
    return None


def _run_trafilatura(tree: HtmlElement, url: str) -> trafilatura.settings.Document | None:
    try:
        doc = trafilatura.bare_extraction(
            tree,
            url=url,
            with_metadata=True,
            include_comments=False,
        )
    except Exception:  # trafilatura's own bugs must not stop the pipeline
        LOGGER.warning("trafilatura failed on %s", url, exc_info=True)
        return None
    return doc if isinstance(doc, trafilatura.settings.Document) else None


def _parse(html: str | bytes) -> HtmlElement | None:
    if not html:
        return None
    try:
        return load_html(html[:MAX_PAGE_SIZE])
    except Exception:  # lxml rejects some byte soups outright
        LOGGER.debug("unparseable page", exc_info=True)
        return None


def _extract(
    html: str | bytes,
    url: str,
    outlet: str | None,
    feed_title: str | None,
    feed_published: datetime | None,
) -> Article:
    tree = _parse(html)
    if tree is None:
        return Article(url=url, headline=feed_title, published=feed_published, outlet=outlet)
    signals = read_signals(tree)
    doc = _run_trafilatura(tree, url)
    sites = _site_names(signals, outlet, url)
    page_name = signals.first_meta("og:site_name") or _publisher_name(signals.json_ld)
    page_outlet = outlet or (site_label(page_name) if page_name else None)
    headline = _headline(signals, sites, doc.title if doc else None) or feed_title
    description = (
        signals.first_meta("og:description", "description", "twitter:description")
        or _first_json(signals.json_ld, "description")
        or (doc.description if doc else None)
    )
    return Article(
        url=url,
        canonical_url=_canonical(signals, url),
        headline=headline,
        published=choose_published(
            signals, url, finder_date=doc.date if doc else None, feed_published=feed_published
        ),
        authors=_authors(signals, doc.author if doc else None, sites),
        outlet=page_outlet,
        text=(doc.text or "") if doc else "",
        description=" ".join(description.split()) if description else None,
        language=_language(signals),
    )


def extract_article(
    html: str | bytes,
    *,
    url: str,
    outlet: str | None = None,
    feed_title: str | None = None,
    feed_published: datetime | None = None,
) -> Article:
    """Read one article page; never raises (junk input gives an Article with ``url``)."""
    try:
        return _extract(html, url, outlet, feed_title, feed_published)
    except Exception:  # a hostile page must not crash the pipeline
        LOGGER.warning("extraction failed on %s", url, exc_info=True)
        return Article(url=url, headline=feed_title, published=feed_published, outlet=outlet)
