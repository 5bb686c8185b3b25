"""Archive figures: space and time of snapshots, on the demo stories.

    .venv/bin/python bench/bench_archive.py

The 30 demo stories of ``tests/publishing_demo.py`` are approved and snapshotted by
the real archive round (``Archiver.run_once``), their pages taken from the kept
collection responses (no network). Two page sets:

- invented: each story's page built by ``tests.conftest.article_html`` (small, clean HTML);
- real: when ``../shared/data/zyte-aeb`` is present, story *n* gets the *n*-th real news
  page of that benchmark, then all 181 pages (real sizes: navigation, scripts, ads markup).
  The pages are read from ../shared at run time and never copied into the repository.

Prints, per set: stories, WARC bytes per story (mean, median, max), the month file's size,
the kept-responses cache, the extracted text's share, and snapshot, verify and export times.
"""

from __future__ import annotations

import asyncio
import gzip
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scraper.archive.export import export, verify  # noqa: E402
from scraper.archive.jobs import Archiver  # noqa: E402
from scraper.archive.warc import CapturedPage  # noqa: E402
from scraper.config.schema import Config  # noqa: E402
from scraper.pipeline.wiring import open_store  # noqa: E402
from scraper.understand.extract.article import extract_article  # noqa: E402
from storage import snapshots  # noqa: E402
from storage.publishing import approve_items  # noqa: E402
from tests.conftest import article_html  # noqa: E402
from tests.publishing_demo import STORIES, add_demo_stories  # noqa: E402
from tests.publishing_helpers import add_story  # noqa: E402

ZYTE = ROOT.parent / "shared" / "data" / "zyte-aeb" / "html"
NOW = datetime(2024, 3, 30, 12, 0, tzinfo=UTC)


def real_pages() -> list[bytes]:
    if not ZYTE.is_dir():
        return []
    return [gzip.decompress(p.read_bytes()) for p in sorted(ZYTE.glob("*.html.gz"))]


def invented_pages() -> list[bytes]:
    return [
        article_html(s.headline, [s.excerpt] * 6, site=s.outlet).encode("utf-8") for s in STORIES
    ]


def run(name: str, pages: list[bytes], *, extra: int = 0) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "snapshots"
        config = Config.model_validate({"settings": {"archive_dir": str(folder)}})
        store = open_store(f"sqlite:///{tmp}/bench.db")
        ids = add_demo_stories(store, now=NOW)
        more = [
            add_story(store, f"extra-{n}", headline=f"Extra story {n}", now=NOW)
            for n in range(extra)
        ]
        approve_items(store, more, now=NOW)
        ids += more
        archiver = Archiver(config, store, folder=folder, clock=lambda: datetime.now(UTC))
        text_bytes = 0
        for n, item_id in enumerate(ids):
            item = store.item(item_id)
            assert item is not None
            body = pages[n % len(pages)]
            text = extract_article(body, url=item["url"]).text
            text_bytes += len(text.encode("utf-8"))
            with store.session() as session, session.begin():
                from storage.tables import ItemRow

                row = session.get(ItemRow, item_id)
                assert row is not None
                row.text = text
            archiver.recent.keep(
                CapturedPage(
                    url=item["url"],
                    target_url=item["url"],
                    status=200,
                    headers={"content-type": "text/html; charset=utf-8"},
                    body=body,
                    fetched_at=datetime.now(UTC),
                    request_headers={"User-Agent": "clippings"},
                )
            )
        recent = sum(p.stat().st_size for p in (folder / "recent").iterdir())
        started = time.perf_counter()
        done = 0
        while True:  # a round takes at most SNAPSHOTS_PER_ROUND
            report = asyncio.run(archiver.run_once(links=False))
            made = sum(report.snapshots.values())
            done += made
            if made == 0:
                break
        snap_seconds = time.perf_counter() - started
        rows = snapshots.list_snapshots(store)
        sizes = [r.warc_length or 0 for r in rows]
        files = list(folder.glob("*.warc.gz"))
        total = sum(f.stat().st_size for f in files)
        html_bytes = sum(len(pages[n % len(pages)]) for n in range(len(ids)))
        started = time.perf_counter()
        intact = sum(v.ok for v in verify(folder, rows))
        verify_seconds = time.perf_counter() - started
        started = time.perf_counter()
        out = export(folder, rows, Path(tmp) / "all.warc.gz")
        export_seconds = time.perf_counter() - started
        store.engine.dispose()
    print(f"== {name}: {len(ids)} approved stories, {done} snapshots")
    print(f"  page HTML, uncompressed:   {html_bytes / len(ids) / 1024:8.1f} KiB per story")
    print(f"  extracted text:            {text_bytes / len(ids) / 1024:8.1f} KiB per story")
    print(
        f"  snapshot (4 WARC records, gzip): mean {statistics.mean(sizes) / 1024:.1f} KiB, "
        f"median {statistics.median(sizes) / 1024:.1f} KiB, max {max(sizes) / 1024:.1f} KiB"
    )
    print(f"  month file(s):             {total / 1024:8.1f} KiB in {len(files)} file(s)")
    print(f"  per 1,000 stories:         {total / len(ids) * 1000 / 1024 / 1024:8.1f} MiB")
    print(f"  kept responses (recent/):  {recent / len(ids) / 1024:8.1f} KiB per story (3 days)")
    print(f"  snapshot time:             {snap_seconds / len(ids) * 1000:8.1f} ms per story")
    print(
        f"  verify: {intact}/{len(rows)} intact in {verify_seconds:.2f} s; export: "
        f"{out.bytes / 1024:.1f} KiB in {export_seconds:.2f} s"
    )


def main() -> None:
    run("demo stories, invented pages", invented_pages())
    real = real_pages()
    if real:
        run("demo stories, real news pages (zyte-aeb)", real)
        run("181 real news pages (zyte-aeb)", real, extra=len(real) - len(STORIES))
    else:
        print("(../shared/data/zyte-aeb not present: real-page figures skipped)")


if __name__ == "__main__":
    main()
