"""What telling people costs: the coverage report, the notification tick, a digest.

Fills a temporary SQLite database with invented public stories (through
``Store.save_story``, as collection writes them), then times:

- the coverage report of a year: the query, the counting, the clip sheet, the SVG and the page;
- the notification tick of ``clippings run`` when there is nothing to do (paid every minute);
- an alert scan over a burst of new stories (no rule matches: the matching cost only);
- rendering a digest e-mail of 200 stories (HTML and text).

    .venv/bin/python bench/bench_notify.py [--stories 5000] [--runs 5]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scraper.config.schema import parse_config
from scraper.models.stored import StoryData
from scraper.notify import alerts, message, runner
from scraper.pipeline.wiring import open_store
from scraper.report.build import coverage
from scraper.report.chart import stories_per_month_svg
from scraper.report.clipsheet import clip_sheet
from scraper.report.render import report_file
from storage.digests import DigestStore
from storage.publishing import approve_items
from storage.report import report_items

PROGRAMS = ["Group Violence Intervention", "Project Safe Neighborhoods", "Drug Market Intervention"]
CITIES = ["Pittsburgh, PA", "York, PA", "Chicago, IL", "Oakland, CA", "Gary, IN", "Dallas, TX"]
OUTLETS = ["Riverton Ledger", "Lakeside Courier", "Metro Daily", "The Valley Times"]
START = datetime(2024, 1, 1, tzinfo=UTC)


def invented(i: int) -> StoryData:
    url = f"https://news.example.org/{i}"
    return StoryData(
        url=url,
        canonical_url=url,
        url_key=f"news.example.org/{i}",
        keys=(("url", f"news.example.org/{i}"),),
        title_key=None,
        outlet=OUTLETS[i % len(OUTLETS)],
        headline=f"Story {i}: outreach workers report a calmer month",
        published_at=START + timedelta(hours=i * 365 * 24 / 5000),
        authors=("Dana Whitfield",),
        excerpt="“We are seeing fewer shootings,” said Marisol Okafor.",
        text=f"Story {i}. " + "Words about the program and the city. " * 40,
        status="candidate",
        relevant=True,
        status_reason=None,
        quotes=[{"text": "We are seeing fewer shootings,", "speaker": f"Speaker {i % 37}"}],
        programs=[PROGRAMS[i % 3]],
        cities=[CITIES[i % len(CITIES)]],
        evidence=[],
    )


def timed(label: str, runs: int, work: Callable[[], object]) -> None:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    print(
        f"{label:<58} median {statistics.median(times) * 1000:8.1f} ms   max {max(times) * 1000:8.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-notify-"))
    store = open_store(f"sqlite:///{folder / 'bench.db'}")
    started = time.perf_counter()
    ids = []
    for i in range(args.stories):
        _outcome, item_id = store.save_story(
            invented(i), source_id="bench", seen_url=f"https://news.example.org/{i}", now=START
        )
        ids.append(item_id)
    approve_items(store, ids, now=START)
    print(f"{args.stories} public stories stored in {time.perf_counter() - started:.1f} s\n")

    since, until = date(2024, 1, 1), date(2024, 12, 31)
    config = parse_config(
        "settings: {timezone: UTC}\nalerts:\n  - {name: none, url: 'https://hooks.example.org/', cities: ['Nowhere, ZZ']}\n"
    )
    items = report_items(store, since=since, until=until)
    report = coverage(items, since=since, until=until)
    print(f"report of {since} to {until}: {report.total} stories\n")
    timed(
        "report: query (report_items)",
        args.runs,
        lambda: report_items(store, since=since, until=until),
    )
    timed(
        "report: counting (coverage)", args.runs, lambda: coverage(items, since=since, until=until)
    )
    timed("report: clip sheet CSV", args.runs, lambda: clip_sheet(report.stories))
    timed("report: SVG chart", args.runs, lambda: stories_per_month_svg(report))
    timed("report: HTML page", args.runs, lambda: report_file(report, site_title="Bench"))

    now = datetime.now(UTC)
    asyncio.run(runner.tick(config, store, now=now))  # first tick: alert marks start here
    timed(
        "notification tick, nothing to do",
        args.runs,
        lambda: asyncio.run(runner.tick(config, store, now=now)),
    )

    def burst() -> None:
        with store.engine.begin() as connection:
            connection.exec_driver_sql("DELETE FROM notify_marks")
            connection.exec_driver_sql(
                "INSERT INTO notify_marks (name, value) VALUES ('new', ?), ('approve', 0)",
                (max(ids) - 500,),
            )
        alerts.scan(config, store, now=now)

    timed("alert scan of 500 new stories", args.runs, burst)
    some = DigestStore(store)._items(
        order=__import__("storage.tables", fromlist=["ItemRow"]).ItemRow.id
    )
    digest = message.build_digest(
        some,
        audience="reviewers",
        name="bench",
        window=(now - timedelta(days=1), now),
        site_url="https://clips.example.org/",
        site_title="Bench",
        zone=UTC,
    )
    timed(
        f"digest e-mail of {len(some)} stories (HTML + text)",
        args.runs,
        lambda: message.email_message(
            digest, sender="c@example.org", to="r@example.org", now=now
        ).as_bytes(),
    )
    store.engine.dispose()


if __name__ == "__main__":
    main()
