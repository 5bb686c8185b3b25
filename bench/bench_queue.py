"""Server time of the review queue with 100,000 items in SQLite, in both views (cards, list).

Fills a temporary database (straight SQL inserts, in the shape ``Store.save_story``
writes; the database's own triggers index the text), then times the queue page through the whole app (routing, session
lookup, query, template) in-process with an ASGI transport, and prints the
median and 95th percentile per view, once as cards and once as the compact list
(the reviewer's remembered choice, ``users.queue_view``). Publication dates are
spread up to three days before collection and missing on one story in ten, so
"Newest first" (by publication date, migration 0012_desk) and "Latest collected"
order differently::

    .venv/bin/python bench/bench_queue.py [--items 100000] [--runs 30] [--analyze]
                                          [--views cards,list] [--db FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx

from scraper.config.schema import Config
from scraper.pipeline.wiring import open_store
from scraper.web import create_app
from scraper.web.auth import SESSION_COOKIE, hash_password, new_session_cookie
from storage.preferences import set_queue_view
from storage.review import ReviewStore
from storage.store import Store

PROGRAMS = ["Group Violence Intervention", "Project Safe Neighborhoods", "Drug Market Intervention"]
CITIES = ["Pittsburgh, PA", "York, PA", "Chicago, IL", "Oakland, CA", "Gary, IN", "Dallas, TX"]
STATUSES = ["candidate"] * 6 + ["approved", "rejected", "filtered", "filtered"]
VIEWS = {
    "candidates, newest first": "/desk/",
    "candidates, page 200": "/desk/?page=200",
    "candidates, latest collected": "/desk/?order=collected",
    "by program": "/desk/?program=Project+Safe+Neighborhoods",
    "by city": "/desk/?city=Gary%2C+IN",
    "by outlet": "/desk/?outlet=Outlet+7",
    "by outlet, all statuses": "/desk/?outlet=Outlet+7&status=all",
    "by source": "/desk/?source=source-3",
    "date range": "/desk/?since=2022-01-01&until=2022-01-31",
    "since a day (open range)": "/desk/?since=2021-01-01",
    "all statuses": "/desk/?status=all",
    "by relevance": "/desk/?order=relevance",
    "search, rare word": "/desk/?q=needle",
    "search, common word": "/desk/?q=police",
    "search, phrase": "/desk/?q=group+violence",
    "search, hyphen+prefix": "/desk/?q=call-in",
}
# Invented words with a Zipf-like spread, so the text index looks like real prose: a
# few words everywhere, most words rare. Phrases a reviewer searches are put in some texts.
SYLLABLES = ["ka", "lo", "mi", "ren", "tu", "sa", "vel", "do", "pri", "an", "or", "est", "ul"]
PLANTED = [
    (0.5, "Police said the numbers held."),  # "police": every other story
    (0.3, "The Group Violence Intervention team met again."),
    (0.1, "A call-in is planned for the spring."),
]


def vocabulary(rng: random.Random, size: int = 4000) -> tuple[list[str], list[float]]:
    words = sorted({"".join(rng.choices(SYLLABLES, k=rng.randint(1, 4))) for _ in range(size)})
    rng.shuffle(words)
    cumulative, total = [], 0.0
    for rank in range(len(words)):
        total += 1 / (rank + 8)
        cumulative.append(total)
    return words, cumulative


def article(rng: random.Random, words: list[str], cumulative: list[float]) -> str:
    """About 2 KB of invented prose, with the planted phrases at their rates."""
    sentences = [
        " ".join(rng.choices(words, cum_weights=cumulative, k=rng.randint(8, 20))).capitalize()
        + "."
        for _ in range(22)
    ]
    for rate, sentence in PLANTED:
        if rng.random() < rate:
            sentences.insert(rng.randrange(len(sentences)), sentence)
    return " ".join(sentences)


def fill(store: Store, n: int) -> None:
    rng = random.Random(7)
    start = datetime(2020, 1, 1, tzinfo=UTC)
    words, cumulative = vocabulary(rng)
    with store.engine.begin() as db:
        for base in range(0, n, 5000):
            items, tags, sightings = [], [], []
            for i in range(base + 1, min(n, base + 5000) + 1):
                seen = start + timedelta(minutes=i * 20)
                stamp = seen.replace(tzinfo=None).isoformat(sep=" ")
                # published up to 3 days before it was collected; no date on one in ten
                published = (
                    None
                    if rng.random() < 0.1
                    else (seen - timedelta(minutes=rng.randint(0, 3 * 24 * 60)))
                    .replace(tzinfo=None)
                    .isoformat(sep=" ")
                )
                programs = rng.sample(PROGRAMS, rng.randint(0, 2))
                cities = rng.sample(CITIES, rng.randint(0, 2))
                headline = f"Story {i} about outreach" + (" needle" if i % 1000 == 0 else "")
                items.append(
                    (
                        i,
                        f"https://n{i % 50}.example/{i}",
                        f"n{i % 50}.example/{i}",
                        f"Outlet {i % 40}",
                        headline,
                        published,
                        article(rng, words, cumulative),
                        rng.choice(STATUSES),
                        json.dumps(programs),
                        json.dumps(cities),
                        stamp,
                        # a reviewer's edits on 2% of items: filters read the edited values
                        json.dumps({"outlet": "Outlet 7"} if i % 50 == 0 else {}),
                    )
                )
                tags += [(i, "program", p) for p in programs] + [(i, "city", c) for c in cities]
                sightings.append((i, f"source-{i % 30}", f"https://n{i % 50}.example/{i}", stamp))
            db.exec_driver_sql(
                "INSERT INTO items (id, url, canonical_url, url_key, outlet, headline, "
                "published_at, authors, excerpt, text, status, quotes, programs, cities, "
                "evidence, first_seen_at, last_seen_at, updated_at, edits, version) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, '[]', 'An excerpt.', ?, ?, '[]', ?, ?, '[]', ?, "
                "?, ?, ?, 1)",
                [
                    (a, b, b, c, d, e, f, g, h, i_, j, k, k, k, edits)
                    for a, b, c, d, e, f, g, h, i_, j, k, edits in items
                ],
            )
            db.exec_driver_sql(
                "INSERT INTO item_tags (item_id, kind, value) VALUES (?, ?, ?)", tags
            )
            db.exec_driver_sql(
                "INSERT INTO sightings (item_id, source_id, url, first_seen_at, last_seen_at, "
                "times) VALUES (?, ?, ?, ?, ?, 1)",
                [(a, b, c, d, d) for a, b, c, d in sightings],
            )
    with store.engine.connect() as db:  # as after SQLite's routine auto-checkpoints
        db.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


async def measure(store: Store, runs: int, views: list[str]) -> None:
    review = ReviewStore(store)
    now = datetime.now(UTC)
    user = next((u for u in review.users() if u.name == "bench"), None) or review.add_user(
        "bench", hash_password("bench-password"), admin=False, now=now
    )
    cookie, sid = new_session_cookie(b"b" * 48)
    review.create_session(sid, user.id, now=now, lifetime=timedelta(hours=1))
    app = create_app(Config(), store, secret_key=b"b" * 48)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        client.cookies.set(SESSION_COOKIE, cookie, path="/desk")
        first = time.perf_counter()
        answer = await client.get("/desk/")
        assert answer.status_code == 200, answer.status_code
        print(
            f"first request (filter menus computed): {(time.perf_counter() - first) * 1000:.1f} ms"
        )
        # Wall time grows with the machine's load; CPU time (this process: app and client
        # together) hardly does, so both are printed.
        print(f"{'view':30} {'as':5} {'median ms':>10} {'p95 ms':>8} {'cpu ms':>7}  items")
        for view in views:
            set_queue_view(store, user.id, view)  # type: ignore[arg-type]
            for name, path in VIEWS.items():
                times, cpu = [], []
                for _ in range(runs):
                    t, c = time.perf_counter(), time.process_time()
                    answer = await client.get(path)
                    times.append((time.perf_counter() - t) * 1000)
                    cpu.append((time.process_time() - c) * 1000)
                assert answer.status_code == 200
                shown = answer.text.count('class="entry ')
                p95 = sorted(times)[int(len(times) * 0.95) - 1]
                print(
                    f"{name:30} {view:5} {statistics.median(times):10.1f} {p95:8.1f} "
                    f"{statistics.median(cpu):7.1f}  {shown}"
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument(
        "--analyze",
        action="store_true",
        help="run ANALYZE first (clippings never does: by default the planner has no statistics)",
    )
    parser.add_argument("--views", default="cards,list", help="queue views to time")
    parser.add_argument(
        "--db",
        help="keep the filled database in this file and reuse it on the next run "
        "(filling 100,000 items takes minutes); default: a temporary file",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(args.db) if args.db else Path(folder) / "bench.db"
        filled = path.exists()
        store = open_store(f"sqlite:///{path}")
        if filled:
            print(f"reusing {path} (filled by an earlier run)")
        else:
            t = time.perf_counter()
            fill(store, args.items)
            if args.analyze:
                with store.engine.begin() as db:
                    db.exec_driver_sql("ANALYZE")
            print(f"filled {args.items} items in {time.perf_counter() - t:.1f} s")
        asyncio.run(measure(store, args.runs, args.views.split(",")))


if __name__ == "__main__":
    main()
