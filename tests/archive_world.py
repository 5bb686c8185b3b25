"""A small local news site for the archive tests: a feed, article pages that can change or go.

with NewsSite() as site:
    world = ArchiveWorld.make(site, tmp_path)
    world.collect()                       # the feed and its articles, pages kept
    world.approve(item_id)
    world.archive()                       # one archive round
    site.pages["/news/a/"] = None         # the story is deleted: 404
"""

from __future__ import annotations

import asyncio
import textwrap
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from scraper.archive.jobs import Archiver, ArchiveReport
from scraper.config.schema import Config
from scraper.fetch.client import Fetcher
from scraper.pipeline.adapters import fetch_options
from scraper.pipeline.collector import Collector
from scraper.web import create_app
from storage.review import ReviewStore
from storage.store import Store
from tests.collecting import make_config, open_store
from tests.conftest import article_html
from tests.desk_fixtures import SECRET, DeskWorld, _hashed
from tests.feedserver import FeedServer, Reply, Request

PARAGRAPHS = [
    "RIVERTON, Ill. — Outreach workers from the Riverton Peace Network walked the east side on "
    "Saturday night, the third weekend of the Group Violence Intervention program.",
    "\u201cWe show up before anything happens, not after,\u201d said outreach lead Tomas Greer, who "
    "has worked the program since it began.",
    "The city council will review the program's first year in April.",
]


TOPICS = {
    "one": "a basketball night at the Fifth Ward gym drew forty teenagers and two coaches",
    "two": "the hospital program now meets every gunshot patient before discharge",
    "three": "mothers of victims planted a memorial garden behind the library",
    "four": "bus drivers received training to spot retaliation after weekend shootings",
    "five": "the summer jobs list grew to ninety names after a church fundraiser",
    "six": "a mediation between two blocks ended a feud that started on social media",
    "seven": "night patrols by volunteers moved to the river trail after complaints",
}


def story_page(slug: str, *, extra: str = "") -> str:
    topic = TOPICS.get(slug, f"story {slug} had its own news")
    paragraphs = [
        f"RIVERTON, Ill. — {topic.capitalize()}, organisers of the {slug} effort said on Sunday.",
        f"Why {topic}? Because the {slug} team asked neighbours what they needed, and {topic}.",
        PARAGRAPHS[1],
    ]
    return article_html(
        f"Outreach walk number {slug} reaches Riverton's east side", paragraphs
    ).replace("</article>", f"{extra}</article>")


@dataclass
class NewsSite:
    """A FeedServer whose article pages live in ``pages`` (None: deleted, answers 404)."""

    server: FeedServer = field(default_factory=FeedServer)
    pages: dict[str, str | None] = field(default_factory=dict)
    moved: dict[str, str] = field(default_factory=dict)  # path -> redirect target
    etag: bool = True

    def __enter__(self) -> NewsSite:
        self.server.__enter__()
        self.server.route("/feed.xml", self._feed)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.__exit__(*exc)

    def url(self, path: str) -> str:
        return self.server.url(path)

    def add(self, slug: str, *, extra: str = "") -> str:
        path = f"/news/{slug}/"
        self.pages[path] = story_page(slug, extra=extra)
        self.server.route(path, self._page)
        return path

    def _feed(self, _request: Request) -> Reply:
        items = "".join(
            f"<item><title>Outreach walk number {path.strip('/').split('/')[-1]} reaches Riverton's "
            f"east side</title><link>{self.url(path)}</link><guid>{path}</guid></item>"
            for path in self.pages
        )
        body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Ledger</title>{items}</channel></rss>'
        return Reply(200, body, {"Content-Type": "application/rss+xml"})

    def _page(self, request: Request) -> Reply:
        path = request.path.split("?")[0]
        if path in self.moved:
            return Reply(301, b"", {"Location": self.moved[path]})
        body = self.pages.get(path)
        if body is None:
            return Reply(404, "<h1>Page not found</h1>", {"Content-Type": "text/html"})
        headers = {"Content-Type": "text/html; charset=utf-8"}
        if self.etag:
            tag = f'"v{abs(hash(body)) % 10**8}"'
            headers["ETag"] = tag
            if request.headers.get("if-none-match") == tag:
                return Reply(304, b"", {"ETag": tag})
        return Reply(200, body, headers)


@dataclass
class ArchiveWorld:
    site: NewsSite
    config: Config
    store: Store
    review: ReviewStore
    archiver: Archiver
    folder: Path

    @classmethod
    def make(
        cls, site: NewsSite, tmp_path: Path, *, settings: str = "", db_url: str | None = None
    ) -> ArchiveWorld:
        folder = tmp_path / "snapshots"
        config = make_config(
            f"- id: ledger\n  kind: feed\n  url: {site.url('/feed.xml')}\n",
            settings=textwrap.dedent(
                f"""\
                fetch_articles: true
                archive_dir: {folder}
                respect_robots: false
                """
            )
            + textwrap.dedent(settings),
        )
        store = open_store(config, db_url or f"sqlite:///{tmp_path / 'archive.db'}")
        return cls(site, config, store, ReviewStore(store), Archiver(config, store), folder)

    def collect(self) -> None:
        states = self.store.sources()

        async def go() -> None:
            async with Fetcher(fetch_options(self.config)) as fetcher:
                collector = Collector(
                    self.config, self.store, fetcher, keep_page=self.archiver.keep_page
                )
                await collector.collect(states)

        asyncio.run(go())

    def item_id(self, path: str) -> int:
        for item in self.store.items(limit=1000):
            if item["url"] == self.site.url(path):
                return int(item["id"])
        raise AssertionError(f"no item for {path}")

    def approve(self, item_id: int) -> None:
        self.review.act(item_id, "approve", user="maria", now=datetime.now(UTC), version=None)

    def archive(self, **kwargs: object) -> ArchiveReport:
        return asyncio.run(self.archiver.run_once(**kwargs))  # type: ignore[arg-type]


def desk_app(world: ArchiveWorld) -> DeskWorld:
    """The web app over the world's database, with the test accounts, archiving on approve."""
    for name in ("alice", "root"):
        world.review.add_user(name, _hashed(name), admin=name == "root", now=datetime.now(UTC))
    app = create_app(world.config, world.store, secret_key=SECRET, archiver=world.archiver)
    return DeskWorld(app=app, store=world.store, review=world.review, config=world.config)
