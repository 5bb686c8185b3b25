"""Measure story grouping: precision and recall on invented copies, and the cost of the check.

    .venv/bin/python bench/bench_neardup.py [--sizes 1000,1000000] [--probes 200] [--skip-cost]

1. Quality. Every article of ``bench/data/neardup_pairs.jsonl`` (written by
   ``bench/neardup_data.py``: originals, copies, syndicated wire versions with
   new headlines and cut ends, light rewrites, headline-only feed entries, and
   other reporters' stories of the same event in the same city) is stored
   through ``Store.save_story`` into a fresh SQLite database, in three
   orders. Pairwise precision and recall of "same story" are printed, with
   recall by kind of copy and the number of wrongly merged pairs of
   different stories about the same event.

2. Cost. For each size N, a database holding N items with their fingerprints
   and LSH band keys (58 rows per item in ``story_bands``) is built, and the
   grouping of a new item (``storage.story_index.join_story``: one indexed
   band lookup, candidate verification, the inserts) is timed for
   ``--probes`` new items, half of them copies of stored items. The figures
   must not grow with N.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from scraper.identity import neardup  # noqa: E402
from scraper.models.stored import StoryData  # noqa: E402
from scraper.pipeline.wiring import open_store, store_for  # noqa: E402
from storage.db import make_engine  # noqa: E402
from storage.store import Store  # noqa: E402
from storage.story_index import _band_query, join_story  # noqa: E402
from storage.story_tables import StoryBandRow  # noqa: E402
from storage.tables import ItemRow  # noqa: E402

DATA = ROOT / "bench" / "data" / "neardup_pairs.jsonl"
NOW = datetime(2024, 9, 10, tzinfo=UTC)


def load() -> list[dict[str, str]]:
    if not DATA.exists():
        from bench.neardup_data import generate

        return generate()
    return [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]


def story_data(n: int, record: dict[str, str]) -> StoryData:
    url = f"https://bench{n}.example/{record['id']}"
    return StoryData(
        url=url,
        canonical_url=url,
        url_key=url.removeprefix("https://"),
        keys=(("url", url.removeprefix("https://")),),
        title_key=None,
        outlet=record["outlet"],
        headline=record["headline"],
        published_at=datetime.fromisoformat(record["published"]).replace(tzinfo=UTC),
        text=record["text"],
    )


def grouping(records: list[dict[str, str]], order: list[int]) -> dict[str, int]:
    """Store the records in ``order``; the story id each record got."""
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(f"sqlite:///{tmp}/bench.db")
        ids: dict[str, int] = {}
        for n in order:
            _, item_id = store.save_story(
                story_data(n, records[n]), source_id="bench", seen_url="x", now=NOW
            )
            ids[records[n]["id"]] = item_id
        by_item = {item["id"]: item["story_id"] for item in store.items()}
        store.engine.dispose()
    return {rid: by_item[item_id] for rid, item_id in ids.items()}


def quality(records: list[dict[str, str]]) -> None:
    print(
        f"quality: {len(records)} invented articles, {len({r['story'] for r in records})} stories"
    )
    kinds = Counter(r["kind"] for r in records)
    print("  kinds: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    rng = random.Random(8)
    orders = {
        "as written": list(range(len(records))),
        "reversed": list(reversed(range(len(records)))),
        "shuffled": rng.sample(range(len(records)), len(records)),
    }
    for name, order in orders.items():
        started = time.perf_counter()
        story = grouping(records, order)
        seconds = time.perf_counter() - started
        tp = fp = fn = 0
        same_event_merged = other_merged = 0
        recall_by_kind: dict[str, list[int]] = {}
        for a, b in itertools.combinations(records, 2):
            truth = a["story"] == b["story"]
            found = story[a["id"]] == story[b["id"]]
            tp += truth and found
            fp += found and not truth
            fn += truth and not found
            if found and not truth:
                if a["event"] == b["event"]:
                    same_event_merged += 1
                else:
                    other_merged += 1
            if truth:
                kind = "/".join(sorted({a["kind"], b["kind"]}))
                recall_by_kind.setdefault(kind, [0, 0])
                recall_by_kind[kind][0] += found
                recall_by_kind[kind][1] += 1
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        predicted = len(set(story.values()))
        print(
            f"  order {name:<10}: pairs P {precision:.3f} R {recall:.3f} "
            f"(tp {tp}, fp {fp}, fn {fn}); {predicted} stories found; "
            f"same-event pairs merged {same_event_merged}, other pairs merged {other_merged}; "
            f"{seconds:.1f} s"
        )
        if name == "shuffled":
            parts = [f"{k} {hit}/{total}" for k, (hit, total) in sorted(recall_by_kind.items())]
            print("    recall by pair kind: " + ", ".join(parts))


# --- cost -------------------------------------------------------------------------


def _random_fingerprint(rng: random.Random) -> tuple[bytes, list[tuple[int, int]]]:
    """A stand-in for an unrelated stored article: a random signature and its bands."""
    import numpy as np

    values = np.array([rng.getrandbits(32) for _ in range(neardup.NUM_PERM)], dtype="<u4")
    bands = neardup._bands(values, count=neardup.TEXT_BANDS, rows=neardup.TEXT_ROWS, base=0)
    title = np.array([rng.getrandbits(32) for _ in range(neardup.NUM_PERM)], dtype="<u4")
    bands += neardup._bands(
        title,
        count=neardup.TITLE_BANDS,
        rows=neardup.TITLE_ROWS,
        base=neardup.TITLE_BAND_BASE,
    )
    return values.tobytes(), bands


def build(path: Path, size: int, real: list[dict[str, str]]) -> Store:
    """A database of ``size`` items: the real bench articles, then random fingerprints."""
    store = open_store(f"sqlite:///{path}")
    for n, record in enumerate(real[: min(len(real), size)]):
        store.save_story(story_data(n, record), source_id="bench", seen_url="x", now=NOW)
    store.engine.dispose()
    extra = size - min(len(real), size)
    if extra <= 0:
        return store
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    con.execute("PRAGMA cache_size=-2000000")
    columns = list(con.execute("PRAGMA table_info(items)"))
    start = int(con.execute("SELECT MAX(id) FROM items").fetchone()[0]) + 1
    rng = random.Random(1)
    stamp = NOW.replace(tzinfo=None).isoformat(sep=" ")
    con.execute("DROP INDEX IF EXISTS ix_story_bands_item_id")
    chunk = 20_000
    for first in range(start, start + extra, chunk):
        ids = range(first, min(first + chunk, start + extra))
        items, bands = [], []
        for item_id in ids:
            signature, item_bands = _random_fingerprint(rng)
            items.append(_item_values(columns, item_id, signature, stamp))
            bands += [(band, value, item_id) for band, value in item_bands]
        names = [c[1] for c in columns]
        marks = ",".join("?" for _ in names)
        con.executemany(f"INSERT INTO items ({','.join(names)}) VALUES ({marks})", items)
        con.executemany(
            "INSERT INTO stories (id, primary_item_id, created_at, updated_at) VALUES (?,?,?,?)",
            [(i + 10_000_000, i, stamp, stamp) for i in ids],
        )
        con.executemany("INSERT INTO story_bands (band, hash, item_id) VALUES (?,?,?)", bands)
        con.commit()
    con.execute("CREATE INDEX ix_story_bands_item_id ON story_bands (item_id)")
    con.execute("ANALYZE")
    con.commit()
    con.close()
    # Not open_database: the schema is already current, and a bench must not migrate.
    return store_for(make_engine(f"sqlite:///{path}"))


def _item_values(columns: list[Any], item_id: int, signature: bytes, stamp: str) -> tuple[Any, ...]:
    values: dict[str, Any] = {
        "id": item_id,
        "url": f"https://filler.example/{item_id}",
        "canonical_url": f"https://filler.example/{item_id}",
        "url_key": f"filler.example/{item_id}",
        "headline": f"Filler story number {item_id}",
        "status": "candidate",
        "story_id": item_id + 10_000_000,
        "is_primary": 1,
        "neardup_signature": signature,
        "shingle_count": 300,
        "published_at": stamp,
    }
    out = []
    for _cid, name, kind, notnull, default, _pk in columns:
        if name in values:
            out.append(values[name])
        elif not notnull or default is not None:
            out.append(None if not notnull else _literal(default))
        elif "DATETIME" in kind.upper() or "TIMESTAMP" in kind.upper():
            out.append(stamp)
        elif kind.upper() in ("JSON",):
            out.append("{}" if name == "edits" else "[]")
        elif "INT" in kind.upper() or "BOOL" in kind.upper():
            out.append(0)
        else:
            out.append("")
    return tuple(out)


def _literal(default: str) -> Any:
    text = default.strip("'\"")
    return int(text) if text.lstrip("-").isdigit() else text


def probe_cost(store: Store, records: list[dict[str, str]], probes: int) -> list[float]:
    """Milliseconds to group each new item (rolled back, so every probe sees the same table)."""
    rng = random.Random(2)
    times: list[float] = []
    with_text = [r for r in records if r["text"]]
    for n in range(probes):
        base = rng.choice(with_text)
        if n % 2:  # a copy: the stored text with its end cut
            text = "\n\n".join(base["text"].split("\n\n")[:-1]) or base["text"]
            headline = "Another headline for " + base["headline"]
        else:  # a new story: shuffled words share no shingles with anything stored
            words = base["text"].split()
            rng.shuffle(words)
            text, headline = " ".join(words), f"Unrelated story {n}"
        fp = neardup.fingerprint(headline, text)
        with store.session() as session:
            session.begin()
            row = ItemRow(
                url=f"https://probe.example/{n}",
                canonical_url=f"https://probe.example/{n}",
                url_key=f"probe.example/{n}",
                headline=headline,
                text=text,
                published_at=NOW + timedelta(hours=1),
                first_seen_at=NOW,
                last_seen_at=NOW,
                updated_at=NOW,
            )
            session.add(row)
            session.flush()
            started = time.perf_counter()
            join_story(session, row, fp, neardup, now=NOW)
            session.flush()
            times.append((time.perf_counter() - started) * 1000)
            session.rollback()
    return times


def cost(records: list[dict[str, str]], sizes: list[int], probes: int) -> None:
    print(f"cost of grouping one new item ({probes} probes, half of them copies; SQLite file)")
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            store = build(Path(tmp) / "cost.db", size, records)
            built = time.perf_counter() - started
            with store.session() as session:
                bands = session.scalar(select(func.count()).select_from(StoryBandRow)) or 0
            probe_cost(store, records, 10)  # warm the cache
            times = probe_cost(store, records, probes)
            times.sort()
            p95 = times[int(len(times) * 0.95) - 1]
            print(
                f"  N {size:>9,} items ({bands:>10,} band rows, built in {built:.0f} s): "
                f"median {statistics.median(times):.2f} ms, p95 {p95:.2f} ms, max {times[-1]:.2f} ms"
            )
            plan = _plan(Path(tmp) / "cost.db")
            store.engine.dispose()
    print(f"  band lookup plan: {plan}")


def _plan(path: Path) -> str:
    con = sqlite3.connect(path)
    sql = str(_band_query(2)).replace(":b0", "1").replace(":h0", "2").replace(":b1", "3")
    sql = sql.replace(":h1", "4").replace(":exclude", "-1")
    rows = con.execute("EXPLAIN QUERY PLAN " + sql).fetchall()
    con.close()
    return "; ".join(str(r[-1]) for r in rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,1000000", help="comma-separated item counts")
    parser.add_argument("--probes", type=int, default=200)
    parser.add_argument("--skip-cost", action="store_true")
    parser.add_argument("--skip-quality", action="store_true")
    args = parser.parse_args(argv)
    records = load()
    if not args.skip_quality:
        quality(records)
    if not args.skip_cost:
        cost(records, [int(s) for s in args.sizes.split(",")], args.probes)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
