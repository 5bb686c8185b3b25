"""``clippings archive run|list|export|verify`` as a real process, and the archive's pure helpers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from scraper.archive.clean import clean_page
from scraper.archive.files import archive_dir, month_file
from scraper.archive.linkcheck import is_home
from scraper.archive.warc import sha1_digest
from scraper.archive.wayback import archive_url_of, save_url
from scraper.config.schema import Config
from tests.archive_world import ArchiveWorld, NewsSite

ROOT = Path(__file__).resolve().parents[1]


def clippings(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scraper", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ},
        check=False,
    )


@pytest.fixture
def site() -> Iterator[NewsSite]:
    with NewsSite() as running:
        yield running


def test_archive_commands_end_to_end(site: NewsSite, tmp_path: Path) -> None:
    paths = [site.add("one"), site.add("two")]
    world = ArchiveWorld.make(site, tmp_path)
    world.collect()
    for path in paths:
        world.approve(world.item_id(path))
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        f"settings:\n  archive_dir: {world.folder}\n  allow_private_networks: true\n"
        "  per_host_delay: 0\n  respect_robots: false\n",
        encoding="utf-8",
    )
    common = ("--sources", str(sources), "--db", f"sqlite:///{tmp_path / 'archive.db'}")

    ran = clippings("archive", "run", "--json", *common)
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout)["snapshots"] == {"collection": 2}

    listed = clippings("archive", "list", "--json", *common)
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [r["state"] for r in rows] == ["ok", "ok"]
    assert all(r["warc_file"] == month_file(datetime.now(UTC)) for r in rows)

    out = tmp_path / "out.warc.gz"
    exported = clippings("archive", "export", "-o", str(out), "--json", *common)
    assert exported.returncode == 0, exported.stderr
    assert json.loads(exported.stdout)["snapshots"] == 2
    with out.open("rb") as stream:
        kinds = [r.rec_type for r in ArchiveIterator(stream)]
    assert kinds[0] == "warcinfo"
    assert kinds.count("response") == 2

    future = clippings("archive", "export", "--from", "2999-01-01", "-o", str(out), *common)
    assert "0 snapshot(s)" in future.stdout
    bad = clippings("archive", "export", "--from", "March", "-o", str(out), *common)
    assert bad.returncode == 2
    assert "not a date like 2024-03-05" in bad.stderr

    verified = clippings("archive", "verify", *common)
    assert verified.returncode == 0, verified.stderr
    assert "2 of 2 snapshot(s) intact" in verified.stdout
    month = world.folder / rows[0]["warc_file"]
    month.write_bytes(month.read_bytes()[:-50])  # the last snapshot loses its end
    damaged = clippings("archive", "verify", *common)
    assert damaged.returncode == 1
    assert "1 of 2 snapshot(s) intact" in damaged.stdout


@pytest.mark.parametrize(
    ("name", "html", "kept", "gone"),
    [
        ("script and its text", "<p>Hi<script>alert(1)</script></p>", "<p>Hi</p>", "alert"),
        ("event handler", '<p onclick="x()">Hi</p>', "<p>Hi</p>", "onclick"),
        ("image from the site", '<p>a</p><img src="https://x.org/t.png">', "<p>a</p>", "x.org"),
        ("javascript link", '<a href="javascript:alert(1)">y</a>', ">y</a>", "javascript"),
        ("iframe", '<iframe src="https://x.org/"></iframe><p>b</p>', "<p>b</p>", "iframe"),
        (
            "style sheet",
            '<link rel="stylesheet" href="https://x.org/s.css"><p>c</p>',
            "<p>c</p>",
            "x.org",
        ),
        (
            "only the body",
            "<html><head><title>T</title></head><body><h1>H</h1></body></html>",
            "<h1>H</h1>",
            "<title>",
        ),
    ],
)
def test_clean_page(name: str, html: str, kept: str, gone: str) -> None:
    cleaned = clean_page(html.encode())
    assert kept in cleaned, name
    assert gone not in cleaned, name


def test_clean_page_keeps_links_as_plain_navigation() -> None:
    cleaned = clean_page(b'<a href="https://x.org/b">next</a>')
    assert 'href="https://x.org/b"' in cleaned
    assert 'rel="noopener noreferrer nofollow"' in cleaned


@pytest.mark.parametrize(
    ("url", "home"),
    [
        ("https://x.com/", True),
        ("https://x.com", True),
        ("https://x.com/index.html", True),
        ("https://x.com/news/2024/story", False),
        ("https://x.com/?p=12", False),
    ],
)
def test_is_home(url: str, home: bool) -> None:
    assert is_home(url) is home


def test_save_page_now_addresses() -> None:
    assert save_url("https://web.archive.org/save/", "https://x.com/a") == (
        "https://web.archive.org/save/https://x.com/a"
    )
    assert archive_url_of("https://web.archive.org/web/2026/https://x.com/a") == (
        "https://web.archive.org/web/2026/https://x.com/a"
    )
    assert archive_url_of(
        "https://web.archive.org/save/x", {"content-location": "/web/1/https://x.com/a"}
    ) == ("https://web.archive.org/web/1/https://x.com/a")
    assert archive_url_of("https://web.archive.org/save/x", {}) is None


def test_month_files_and_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert month_file(datetime(2026, 12, 4, 17, tzinfo=UTC)) == "2026-12.warc.gz"
    monkeypatch.setenv("CLIPPINGS_HOME", str(tmp_path))
    assert archive_dir(Config()) == tmp_path / "snapshots"
    configured = Config.model_validate({"settings": {"archive_dir": str(tmp_path / "w")}})
    assert archive_dir(configured) == tmp_path / "w"


def test_sha1_digest_is_warcs_base32_form() -> None:
    assert sha1_digest(b"abc") == "sha1:VGMT4NSHA2AWVOR6EVYXQUGCNSONBWE5"
