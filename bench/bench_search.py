"""Search sources: what reading a provider's answer and resolving Google links cost.

Usage::

    .venv/bin/python bench/bench_search.py            # N = 100 entries, 30 links
    .venv/bin/python bench/bench_search.py --links 60

Prints, each the median of several runs:

- ``parse ordinary RSS``: the same number of entries in a plain RSS feed (baseline);
- ``parse google-news``: ``parse_feed`` of a Google News RSS answer of N entries
  (``<source>``, the " - Outlet" suffix cut), ms per feed;
- ``parse gdelt``: ``parse_feed(provider="gdelt")`` of an artlist answer of N articles;
- ``decode token``: a token that carries its URL decoded locally, µs per token;
- ``resolve_entries, no google links``: what link resolution adds to a feed of N
  ordinary entries (the check of every link), ms per feed;
- ``online resolution``: ``GoogleNewsResolver`` asking a local server that answers
  like Google for ``--links`` opaque tokens with no gap (the work itself), then the
  requests this sends and the time it takes at the 2 s gap kept to news.google.com.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scraper.config.schema import search  # noqa: E402
from scraper.fetch.client import Fetcher, FetchOptions  # noqa: E402
from scraper.identity import gnews  # noqa: E402
from scraper.identity.resolve import BATCH_SIZE, GoogleNewsResolver, MemoryCache, resolve_entries  # noqa: E402
from scraper.models import Entry  # noqa: E402
from scraper.sources.parse import parse_feed  # noqa: E402
from tests.collecting import rss  # noqa: E402
from tests.feedserver import FeedServer  # noqa: E402
from tests.search_fixtures import gdelt_json, google_link, google_rss, old_token, opaque_token  # noqa: E402
from tests.test_google_links import google  # noqa: E402

SEEN = datetime(2026, 3, 2, 14, 15, tzinfo=UTC)
NOW = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)


def median_ms(run: Callable[[], object], *, repeat: int = 7) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def online(links: int) -> tuple[float, int]:
    """Seconds and requests to resolve ``links`` opaque tokens against a local 'Google'."""
    tokens = [opaque_token(n) for n in range(links)]
    with FeedServer() as server:
        google(server, {t: f"https://outlet{n}.example/story/{n}" for n, t in enumerate(tokens)})
        options = FetchOptions(allow_private=True, per_host_delay=0, respect_robots=False)

        async def go() -> float:
            async with Fetcher(options) as fetcher:
                resolver = GoogleNewsResolver(
                    MemoryCache(),
                    network=fetcher,
                    online=True,
                    endpoint=server.url(""),
                    max_online=links,
                )
                started = time.perf_counter()
                answers = await resolver.resolve([google_link(t) for t in tokens])
                assert all(a.url for a in answers.values())
                return time.perf_counter() - started

        seconds = asyncio.run(go())
        return seconds, len(server.requests)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=100, help="entries per answer")
    parser.add_argument("--links", type=int, default=30, help="Google links resolved online")
    args = parser.parse_args()
    n = args.entries
    google_feed = google_rss(
        [
            (
                f"Invented headline number {i} about a call-in",
                old_token(f"https://o{i}.example/a/{i}"),
                f"Outlet {i}",
                f"https://o{i}.example",
                SEEN,
            )
            for i in range(n)
        ]
    ).encode()
    gdelt = gdelt_json(
        [
            (f"Invented headline {i}", f"https://o{i}.example/a/{i}", f"o{i}.example", SEEN)
            for i in range(n)
        ]
    ).encode()
    token = old_token("https://riverton.example/news/2026/03/02/call-in-riverton/")
    plain = [Entry(url=f"https://o{i}.example/a/{i}", title=f"t{i}") for i in range(n)]
    resolver = GoogleNewsResolver(MemoryCache())

    ordinary = rss(
        [
            (f"Invented headline number {i} about a call-in", f"https://o{i}.example/a/{i}")
            for i in range(n)
        ],
        dates=[SEEN] * n,
    ).encode()
    rows = [
        (
            "parse ordinary RSS (baseline)",
            median_ms(lambda: parse_feed(ordinary, url="https://o.example/feed", now=NOW)),
            f"ms / {n} entries",
        ),
        (
            "parse google-news",
            median_ms(
                lambda: parse_feed(
                    google_feed, url="https://news.google.com/rss/search?q=x", now=NOW
                )
            ),
            f"ms / {n} entries",
        ),
        (
            "parse gdelt",
            median_ms(lambda: parse_feed(gdelt, url="x", provider="gdelt", now=NOW)),
            f"ms / {n} entries",
        ),
        (
            "decode token",
            median_ms(lambda: [gnews.decode_token(token) for _ in range(10_000)]) / 10,
            "µs / token",
        ),
        (
            "resolve_entries, no google links",
            median_ms(lambda: asyncio.run(resolve_entries(resolver, plain))),
            f"ms / {n} entries",
        ),
    ]
    seconds, requests = online(args.links)
    batches = -(-args.links // BATCH_SIZE)
    polite = (args.links + batches - 1) * search.GOOGLE_NEWS_GAP
    rows += [
        (f"online resolution of {args.links} links, no gap", seconds, "s"),
        (
            "  requests sent (article pages + batchexecute)",
            float(requests),
            f"= {args.links} + {batches}",
        ),
        (f"  at the {search.GOOGLE_NEWS_GAP:.0f} s gap to news.google.com", polite, "s (at least)"),
    ]
    width = max(len(r[0]) for r in rows)
    for name, value, unit in rows:
        print(f"{name:<{width}}  {value:10.3f}  {unit}")


if __name__ == "__main__":
    main()
