"""Every file of the public site, built from one list of public items.

``build_site`` is a pure function: the same items and settings give the same
bytes, whoever calls it (the web app or ``clippings publish``). Paths are
relative to the site root; the web app serves ``/<path>``, the export writes
``DIR/<path>``::

    news/index.html                          the page, newest first (page 1)
    news/page/2/index.html                   older stories
    news/embed.html, news/page/2/embed.html  the same list without page chrome
    news/programs/<slug>/index.html          filtered by a program (and /page/N/, embed.html)
    news/cities/<slug>/index.html            filtered by a city
    news/news.css                            the stylesheet
    news/archive/<id>/index.html             the archived copy of a story whose link is gone
    feeds/all.rss  .atom  .json              every public item (newest ``feed_length``)
    feeds/programs/<slug>.rss ...            one program
    feeds/cities/<slug>.rss ...              one city
    feeds/programs/<p>/cities/<c>.rss ...    a program in a city
    feeds/cities/<c>/programs/<p>.rss ...    the same feed under the other order

Program and city pages exist for every configured program and city (even
before their first story, so a subscription never starts as a 404) and for
every tag an item carries; combined feeds exist for the pairs items carry.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from scraper.archive.files import archive_dir
from scraper.config.schema import Config
from scraper.publish import feeds
from scraper.publish.archived import render_archived
from scraper.publish.model import PublicItem, TagKind, slugify
from scraper.publish.page import (
    STYLESHEET,
    FeedLink,
    PageView,
    Pagination,
    render_fragment,
    render_page,
    stylesheet,
)

HTML = "text/html; charset=utf-8"
CSS = "text/css; charset=utf-8"
FORMATS = tuple(feeds.RENDERERS)  # the output formats: one registry, in scraper.publish.feeds


@dataclass(frozen=True, slots=True)
class SiteOptions:
    """The settings that shape the public site (from ``sources.yaml``)."""

    title: str
    description: str
    site_url: str  # ends with "/"
    language: str
    page_size: int
    feed_length: int
    programs: tuple[str, ...] = ()  # known tags: their pages and feeds exist while empty
    cities: tuple[str, ...] = ()
    archive_folder: Path | None = None  # snapshots, for the archived copies of gone stories

    @classmethod
    def from_config(cls, config: Config) -> SiteOptions:
        settings = config.settings
        cities = [c.name for c in config.cities]
        cities += [o.city for o in config.outlets if o.city]
        cities += [s.city for s in config.sources if s.city]
        return cls(
            title=settings.site_title,
            description=settings.site_description,
            site_url=settings.site_url.rstrip("/") + "/",
            language=settings.site_language,
            page_size=settings.page_size,
            feed_length=settings.feed_length,
            programs=tuple(dict.fromkeys(p.name for p in config.programs)),
            cities=tuple(dict.fromkeys(cities)),
            archive_folder=archive_dir(config),
        )

    @property
    def host(self) -> str:
        return urlsplit(self.site_url).hostname or "localhost"

    def url(self, path: str) -> str:
        """Absolute URL of a site path: ``news/index.html`` -> ``https://x.org/news/``."""
        return self.site_url + path.removesuffix("index.html")


@dataclass(frozen=True, slots=True)
class Resource:
    """One file of the site."""

    body: bytes
    content_type: str

    @property
    def etag(self) -> str:
        """A strong validator: the same bytes give the same ETag in every process."""
        return '"' + hashlib.sha256(self.body).hexdigest()[:32] + '"'


@dataclass(frozen=True, slots=True)
class Site:
    files: Mapping[str, Resource]
    last_modified: datetime  # the last change of the public set (``Last-Modified``)
    item_ids: tuple[int, ...]  # the items in the outputs


@dataclass(frozen=True, slots=True)
class Tag:
    kind: TagKind
    slug: str
    name: str  # shown on pages and in feed titles
    names: frozenset[str]  # every tag name with this slug


@dataclass(frozen=True, slots=True)
class View:
    """A filter of the public items: everything, one tag, or a program in a city."""

    program: Tag | None = None
    city: Tag | None = None

    def matches(self, item: PublicItem) -> bool:
        return (self.program is None or not self.program.names.isdisjoint(item.programs)) and (
            self.city is None or not self.city.names.isdisjoint(item.cities)
        )

    @property
    def label(self) -> str:
        if self.program and self.city:
            return f"{self.program.name} in {self.city.name}"
        tag = self.program or self.city
        return tag.name if tag else ""

    @property
    def page_dir(self) -> str | None:
        """``news/``, ``news/programs/<slug>/``, ``news/cities/<slug>/``; None for pairs."""
        if self.program and self.city:
            return None
        if self.program:
            return f"news/programs/{self.program.slug}/"
        if self.city:
            return f"news/cities/{self.city.slug}/"
        return "news/"

    def feed_stems(self) -> list[str]:
        """The feed paths without extension; the first is the canonical one."""
        if self.program and self.city:
            p, c = self.program.slug, self.city.slug
            return [f"feeds/programs/{p}/cities/{c}", f"feeds/cities/{c}/programs/{p}"]
        if self.program:
            return [f"feeds/programs/{self.program.slug}"]
        if self.city:
            return [f"feeds/cities/{self.city.slug}"]
        return ["feeds/all"]


def _tags(kind: TagKind, names: Iterable[str]) -> dict[str, Tag]:
    """Tags by slug; names that share a slug become one tag (the first name is shown)."""
    grouped: dict[str, list[str]] = {}
    for name in names:
        grouped.setdefault(slugify(name), []).append(name)
    return {slug: Tag(kind, slug, group[0], frozenset(group)) for slug, group in grouped.items()}


def _views(options: SiteOptions, items: Sequence[PublicItem]) -> list[View]:
    programs = _tags(
        "program", dict.fromkeys([*options.programs, *(p for i in items for p in i.programs)])
    )
    cities = _tags("city", dict.fromkeys([*options.cities, *(c for i in items for c in i.cities)]))
    pairs = dict.fromkeys(
        (slugify(p), slugify(c)) for i in items for p in i.programs for c in i.cities
    )
    return [
        View(),
        *(View(program=t) for t in programs.values()),
        *(View(city=t) for t in cities.values()),
        *(View(program=programs[p], city=cities[c]) for p, c in pairs),
    ]


def _feed_links(options: SiteOptions, view: View) -> tuple[FeedLink, ...]:
    title = _title(options, view)
    stem = view.feed_stems()[0]
    return tuple(
        FeedLink(
            format=feeds.FORMAT_NAMES[fmt],
            type=feeds.CONTENT_TYPES[fmt].split(";")[0],
            title=f"{title} ({feeds.FORMAT_NAMES[fmt]})",
            url=options.url(f"{stem}.{fmt}"),
        )
        for fmt in FORMATS
    )


def _title(options: SiteOptions, view: View) -> str:
    return f"{options.title}: {view.label}" if view.label else options.title


def _home(options: SiteOptions, view: View) -> str:
    page_dir = view.page_dir or View(program=view.program).page_dir or "news/"
    return options.url(page_dir)


def _feed_files(
    options: SiteOptions, view: View, items: Sequence[PublicItem], last_modified: datetime
) -> dict[str, Resource]:
    newest = items[: options.feed_length]
    files: dict[str, Resource] = {}
    stems = view.feed_stems()
    for fmt in FORMATS:
        channel = feeds.Channel(
            title=_title(options, view),
            description=options.description,
            home_url=_home(options, view),
            self_url=options.url(f"{stems[0]}.{fmt}"),
            site_url=options.site_url,
            language=options.language,
            updated=max((i.updated for i in newest), default=last_modified),
            program_scheme=options.url("news/programs/"),
            city_scheme=options.url("news/cities/"),
        )
        resource = Resource(feeds.RENDERERS[fmt](channel, newest), feeds.CONTENT_TYPES[fmt])
        for stem in stems:
            files[f"{stem}.{fmt}"] = resource
    return files


def _page_files(
    options: SiteOptions, view: View, items: Sequence[PublicItem], page_dir: str
) -> dict[str, Resource]:
    pages = max(1, math.ceil(len(items) / options.page_size))
    own = _feed_links(options, view)
    everything = _feed_links(options, View())
    feed_links = own if not view.label else own + everything

    def tag_url(kind: TagKind, name: str) -> str:
        return options.url(f"news/{'cities' if kind == 'city' else 'programs'}/{slugify(name)}/")

    def path(page: int, name: str) -> str:
        return f"{page_dir}{name}" if page == 1 else f"{page_dir}page/{page}/{name}"

    def link(page: int, name: str) -> str | None:
        return options.url(path(page, name)) if 1 <= page <= pages else None

    files: dict[str, Resource] = {}
    for page in range(1, pages + 1):
        for name, render in (("index.html", render_page), ("embed.html", render_fragment)):
            view_model = PageView(
                language=options.language,
                heading=_title(options, view),
                description=options.description,
                home_url=options.url("news/"),
                css_url=options.url(f"news/{STYLESHEET}"),
                filtered=bool(view.label),
                feeds=feed_links,
                own_feeds=own,
                items=items[(page - 1) * options.page_size : page * options.page_size],
                pagination=Pagination(
                    page=page,
                    pages=pages,
                    newer_url=link(page - 1, name),
                    older_url=link(page + 1, name),
                ),
                tag_url=tag_url,
                label=view.label,
            )
            files[path(page, name)] = Resource(render(view_model), HTML)
    return files


def build_site(
    options: SiteOptions, items: Sequence[PublicItem], *, last_modified: datetime
) -> Site:
    """Every page, fragment, feed and the stylesheet, from items sorted newest first."""
    files: dict[str, Resource] = {f"news/{STYLESHEET}": Resource(stylesheet(), CSS)}
    for view in _views(options, items):
        selected = [i for i in items if view.matches(i)]
        files.update(_feed_files(options, view, selected, last_modified))
        if view.page_dir is not None:
            files.update(_page_files(options, view, selected, view.page_dir))
    for item in items:
        if item.has_archive_page:
            files[f"news/archive/{item.id}/index.html"] = Resource(
                render_archived(
                    item,
                    language=options.language,
                    site_title=options.title,
                    home_url=options.url("news/"),
                    css_url=options.url(f"news/{STYLESHEET}"),
                ),
                HTML,
            )
    return Site(files=files, last_modified=last_modified, item_ids=tuple(i.id for i in items))
