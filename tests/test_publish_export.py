"""Static export: the same bytes as served, swapped in atomically; the CLI commands around it."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from scraper.cli import main
from scraper.models.errors import ExportError
from scraper.pipeline.wiring import open_store
from scraper.publish import export
from scraper.publish.export import MARKER, SiteExporter, write_site
from storage.publishing import approve_items, unpublish_items
from storage.store import Store
from tests.conftest import write_sources
from tests.publishing_helpers import NOW, SITE, add_story, config, serving

GVI = "Group Violence Intervention"


@pytest.fixture
def store(db_url: str) -> Store:
    return open_store(db_url)


def _approve_some(store: Store, count: int = 3) -> list[int]:
    ids = [
        add_story(
            store,
            f"export-{n}",
            headline=f"Call-in number {n} fills the church hall",
            excerpt=f"“We came because our sons are here,” said Teodora Lindqvist ({n}).",
            programs=(GVI,),
            cities=("High Point, NC",),
            published=datetime(2019, 5, 1, tzinfo=UTC) + timedelta(days=n),
        )
        for n in range(count)
    ]
    approve_items(store, ids, now=NOW)
    return ids


def _files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and p.name != MARKER
    }


def _url(path: str) -> str:
    return "/" + path.removesuffix("index.html")


def test_the_static_export_is_byte_for_byte_what_is_served(store: Store, tmp_path: Path) -> None:
    _approve_some(store, count=5)
    cfg = config(page_size=2)
    out = tmp_path / "site"
    SiteExporter(cfg, store, out).export()
    files = _files(out)
    assert {"news/index.html", "news/page/3/index.html", "feeds/all.json", "news/news.css"} <= set(
        files
    )
    with serving(cfg, store) as http:
        for path, body in files.items():
            answer = http.get(_url(path))
            assert answer.status_code == 200, path
            assert answer.content == body, path
            served_time = parsedate_to_datetime(answer.headers["last-modified"]).timestamp()
            assert int((out / path).stat().st_mtime) == int(served_time), path
        for path in (p for p in files if p.endswith("embed.html")):
            query = http.get(_url(path.removesuffix("embed.html")) + "?embed=1")
            assert query.content == files[path], path


def test_a_new_folder_becomes_a_symlink_swapped_atomically(store: Store, tmp_path: Path) -> None:
    _approve_some(store)
    out = tmp_path / "site"
    exporter = SiteExporter(config(), store, out)
    exporter.export()
    assert out.is_symlink()
    first_target = out.resolve()
    add_story(store, "later", headline="A later story about outreach", programs=(GVI,))
    approve_items(store, [store.count_items()], now=NOW + timedelta(hours=1))
    assert exporter.export_if_changed() is not None
    assert out.resolve() != first_target
    assert not first_target.exists()
    assert b"A later story about outreach" in (out / "news/index.html").read_bytes()
    builds = [p.name for p in tmp_path.iterdir() if p.name.startswith(".site.build-")]
    assert len(builds) == 1
    assert exporter.export_if_changed() is None  # nothing changed: nothing written


def test_a_real_folder_written_by_clippings_is_replaced(store: Store, tmp_path: Path) -> None:
    _approve_some(store)
    out = tmp_path / "site"
    out.mkdir()
    (out / MARKER).write_text("{}\n")
    (out / "stale.html").write_text("old")
    SiteExporter(config(), store, out).export()
    assert out.is_dir()
    assert not out.is_symlink()
    assert not (out / "stale.html").exists()
    assert (out / "feeds/all.rss").is_file()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site.")] == [".site.lock"]


@pytest.mark.parametrize(
    "content",
    [{"index.html": "my own homepage"}, {"notes.txt": "keep me"}],
    ids=["someone's site", "unrelated files"],
)
def test_a_folder_clippings_did_not_write_is_never_replaced(
    store: Store, tmp_path: Path, content: dict[str, str]
) -> None:
    _approve_some(store)
    out = tmp_path / "site"
    out.mkdir()
    for name, text in content.items():
        (out / name).write_text(text)
    with pytest.raises(ExportError, match="did not write"):
        SiteExporter(config(), store, out).export()
    assert {p.name: p.read_text() for p in out.iterdir()} == content
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site.build-")]


def test_a_failed_write_leaves_the_live_site_whole(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = _approve_some(store)
    out = tmp_path / "site"
    exporter = SiteExporter(config(), store, out)
    exporter.export()
    before = _files(out)
    unpublish_items(store, [ids[0]], now=NOW + timedelta(hours=1))
    original = export._write

    def half_then_fail(site: export.Site, folder: Path) -> int:
        (folder / "news").mkdir(parents=True)
        (folder / "news/index.html").write_bytes(b"<half")
        raise OSError("disk full")

    monkeypatch.setattr(export, "_write", half_then_fail)
    with pytest.raises(OSError, match="disk full"):
        exporter.export()
    assert _files(out) == before
    assert not [
        p for p in tmp_path.iterdir() if p.name.startswith(".site.build-") and p != out.resolve()
    ]
    monkeypatch.setattr(export, "_write", original)
    exporter.export()
    assert b"Call-in number 0 " not in (out / "news/index.html").read_bytes()


def test_leftovers_of_a_crashed_export_are_cleaned_up(store: Store, tmp_path: Path) -> None:
    _approve_some(store)
    crashed = tmp_path / ".site.build-dead0000"
    (crashed / "news").mkdir(parents=True)
    write_site(
        SiteExporter(config(), store, tmp_path / "site").publisher.current().site, tmp_path / "site"
    )
    assert not crashed.exists()


def _cli(tmp_path: Path, db_url: str, *args: str) -> tuple[int, str]:
    sources = write_sources(tmp_path, "[]\n", extra_settings=f"site_url: {SITE}\n")
    result = CliRunner().invoke(main, [*args, "--sources", str(sources), "--db", db_url])
    return result.exit_code, result.output


def test_clippings_publish_writes_the_site_and_reports_figures(
    store: Store, db_url: str, tmp_path: Path
) -> None:
    ids = _approve_some(store)
    out = tmp_path / "public"
    code, output = _cli(tmp_path, db_url, "publish", "--out", str(out), "--json")
    assert code == 0, output
    report = json.loads(output)
    assert report["items"] == 3
    assert report["newly_published"] == 3
    assert report["files"] == len(_files(out))
    assert {store.item(i)["status"] for i in ids} == {"published"}
    feed = json.loads((out / "feeds/all.json").read_bytes())
    assert [i["id"].rsplit("/", 1)[-1] for i in feed["items"]] == [str(i) for i in reversed(ids)]


def test_clippings_run_once_with_publish_dir_keeps_the_folder_current(
    store: Store, db_url: str, tmp_path: Path
) -> None:
    _approve_some(store, count=1)
    out = tmp_path / "public"
    code, output = _cli(tmp_path, db_url, "run", "--once", "--publish-dir", str(out))
    assert code == 0, output
    assert b"Call-in number 0 fills the church hall" in (out / "news/index.html").read_bytes()


def test_end_to_end_through_the_review_cli(store: Store, db_url: str, tmp_path: Path) -> None:
    pytest.importorskip("scraper.cli.review")
    if db_url.startswith("postgresql"):
        pytest.skip(
            "CLI runs leave PostgreSQL engines undisposed (ResourceWarning); SQLite covers it"
        )
    item = add_story(
        store, "desk", headline="Desk-approved story on reconciliation", cities=("Gary, IN",)
    )
    out = tmp_path / "public"
    code, output = _cli(tmp_path, db_url, "review", "approve", str(item))
    assert code == 0, output
    code, output = _cli(
        tmp_path,
        db_url,
        "review",
        "edit",
        str(item),
        "--headline",
        "Edited headline on reconciliation",
    )
    assert code == 0, output
    assert _cli(tmp_path, db_url, "publish", "--out", str(out))[0] == 0
    page = (out / "news/cities/gary-in/index.html").read_text()
    assert "Edited headline on reconciliation" in page
    assert store.item(item)["status"] == "published"
    code, output = _cli(tmp_path, db_url, "review", "unpublish", str(item))
    assert code == 0, output
    assert _cli(tmp_path, db_url, "publish", "--out", str(out))[0] == 0
    for path, body in _files(out).items():
        assert b"Edited headline" not in body, path
        assert b"Desk-approved" not in body, path
    assert os.path.islink(out)
