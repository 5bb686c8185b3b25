"""Shared fixtures: a local feed server, a temporary database, a sources.yaml writer."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.feedserver import FeedServer, Reply
from tests.pg import SKIP_REASON, fresh_schema, server_url

# Tests and the commands they run never write to the real $CLIPPINGS_HOME (snapshots,
# kept article responses, secret key, default database): one throwaway home per run.
_TEST_HOME = tempfile.mkdtemp(prefix="clippings-test-home-")
os.environ["CLIPPINGS_HOME"] = _TEST_HOME
atexit.register(shutil.rmtree, _TEST_HOME, ignore_errors=True)

FIXTURES = Path(__file__).parent / "fixtures"
SHARED = Path(__file__).resolve().parents[2] / "shared"

CONTENT_TYPES = {
    ".xml": "application/rss+xml; charset=utf-8",
    ".json": "application/feed+json",
    ".html": "text/html; charset=utf-8",
}


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as running:
        yield running


def fixture_text(name: str, *, base: str) -> str:
    """A fixture file with ``{base}`` replaced by the server's address."""
    return (FIXTURES / "feeds" / name).read_text(encoding="utf-8").replace("{base}", base)


def serve_fixture(server: FeedServer, path: str, name: str, *, etag: str | None = None) -> None:
    """Serve a fixture file at ``path`` (with 304 support when ``etag`` is given)."""
    body = fixture_text(name, base=server.url("").rstrip("/"))
    content_type = CONTENT_TYPES[Path(name).suffix]

    def handler(request: object) -> Reply:
        headers = {"Content-Type": content_type}
        if etag:
            headers["ETag"] = etag
            if getattr(request, "headers", {}).get("if-none-match") == etag:
                return Reply(304, b"", {"ETag": etag})
        return Reply(200, body, headers)

    server.route(path, handler)


def article_html(
    headline: str,
    paragraphs: list[str],
    *,
    published: str | None = "2024-03-05T14:30:00-05:00",
    site: str = "Riverton Ledger",
    canonical: str | None = None,
    author: str | None = "Dana Whitfield",
) -> str:
    """An invented article page in the usual shape of a news site."""
    meta = []
    if canonical:
        meta.append(f'<link rel="canonical" href="{canonical}">')
    if published:
        meta.append(f'<meta property="article:published_time" content="{published}">')
    meta.append(f'<meta property="og:site_name" content="{site}">')
    meta.append(f'<meta property="og:title" content="{headline}">')
    byline = f'<p class="byline">By {author}</p>' if author else ""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return textwrap.dedent(
        f"""\
        <!doctype html><html><head><title>{headline} | {site}</title>{"".join(meta)}</head>
        <body><header><nav><a href="/">Home</a><a href="/news/">News</a></nav></header>
        <main><article><h1>{headline}</h1>{byline}{body}</article></main>
        <footer>Copyright {site}. All rights reserved. Privacy policy. Terms of use.</footer>
        </body></html>"""
    )


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database: a SQLite file, and again on PostgreSQL when a server is given.

    The postgres case runs in a schema of its own on ``CLIPPINGS_TEST_POSTGRES_URL``
    (see tests/pg.py) and is skipped when that variable is not set. A test that
    only makes sense on SQLite takes ``sqlite_url`` instead.
    """
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'clippings.db'}"
        return
    base = server_url()
    if base is None:
        pytest.skip(SKIP_REASON)
    with fresh_schema(base) as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'clippings.db'}"


def write_sources(tmp_path: Path, sources_block: str, *, extra_settings: str = "") -> Path:
    """A sources.yaml that allows the loopback server and has no politeness delay."""
    settings = textwrap.indent(
        textwrap.dedent(
            """\
            allow_private_networks: true
            per_host_delay: 0
            timeout: 5
            connect_timeout: 2
            """
        )
        + textwrap.dedent(extra_settings),
        "  ",
    )
    text = (
        "settings:\n"
        + settings
        + "outlets:\n  - name: Riverton Ledger\n    city: Riverton, IL\n"
        + "  - name: Harbor Weekly\n"
        + "sources:\n"
        + textwrap.indent(textwrap.dedent(sources_block), "  ")
    )
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _dispose_engines(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Close every database engine a test opened when it ends.

    Tests open stores freely; without this, pooled PostgreSQL connections are
    closed by the garbage collector at some later moment, which psycopg rightly
    reports as a ResourceWarning (an error under our warning filters).
    """
    import storage.db

    created: list[Any] = []
    original = storage.db.make_engine

    def tracking(url: str) -> Any:
        engine = original(url)
        created.append(engine)
        return engine

    monkeypatch.setattr(storage.db, "make_engine", tracking)
    yield
    for engine in created:
        engine.dispose()
