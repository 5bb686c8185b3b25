"""The News & Updates page: one page of items as HTML, whole or as an embeddable fragment.

Templates (``templates/``) are Jinja2 with autoescaping on for every
template and undefined names as errors; items are ``PublicItem`` (already
plain text), so the page shows a hostile headline as its words. The fragment
is the item list alone (``list.html``), without ``<html>``, header or
stylesheet link, for embedding in an organisation's own page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from functools import cache
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from scraper.publish.model import PublicItem, TagKind

STYLESHEET = "news.css"


@dataclass(frozen=True, slots=True)
class FeedLink:
    """A feed offered on a page (autodiscovery ``<link>`` and a visible link)."""

    format: str  # "RSS", "Atom", "JSON Feed"
    type: str  # media type without parameters
    title: str
    url: str


@dataclass(frozen=True, slots=True)
class Pagination:
    page: int  # 1-based
    pages: int
    newer_url: str | None
    older_url: str | None


@dataclass(frozen=True, slots=True)
class PageView:
    """Everything one rendered page shows."""

    language: str
    heading: str
    description: str
    home_url: str
    css_url: str
    filtered: bool
    feeds: tuple[FeedLink, ...]  # autodiscovery: this page's feeds, then the site-wide ones
    own_feeds: tuple[FeedLink, ...]  # the visible "Subscribe" links
    items: Sequence[PublicItem]
    pagination: Pagination
    tag_url: Callable[[TagKind, str], str]
    label: str = ""  # the filter's tag ("York, PA"); empty on the unfiltered pages

    @property
    def site_title(self) -> str:
        """The title without the filter: ``"News & Updates: York, PA"`` -> ``"News & Updates"``."""
        return self.heading.removesuffix(f": {self.label}") if self.label else self.heading


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("scraper.publish", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _context(view: PageView) -> dict[str, Any]:
    return {f.name: getattr(view, f.name) for f in fields(view)} | {"site_title": view.site_title}


def render_page(view: PageView) -> bytes:
    """The whole page: ``<!doctype html>`` ... with stylesheet and feed links."""
    return _environment().get_template("page.html").render(_context(view)).encode("utf-8")


def render_fragment(view: PageView) -> bytes:
    """The item list and its page links only, to embed in another page.

    It starts with a ``<link rel="stylesheet">`` (allowed in ``<body>``): the
    stylesheet's rules are all scoped to ``clippings-*`` classes and the list
    takes its font and colours from the host page.
    """
    return _environment().get_template("fragment.html").render(_context(view)).encode("utf-8")


def stylesheet() -> bytes:
    """The page's stylesheet (``static/news.css``)."""
    return resources.files("scraper.publish").joinpath("static", STYLESHEET).read_bytes()
