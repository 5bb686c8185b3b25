"""Analysis time on hostile or absurd texts: it must grow linearly with the text.

    .venv/bin/python bench/bench_pathological.py [--scale N]

Each case is analysed at two sizes (x and 2x); the ratio of the times should
stay near 2. A ratio near 4 means a quadratic step crept in (one such step made
a 220,000-character page of place names take 319 s before it was fixed).
"""

from __future__ import annotations

import argparse
import time

from scraper.config.schema import Config
from scraper.models import Entry
from scraper.understand.analyze import analyze

CASES = {
    "place names, no full stop": "York Gary Jackson Portland Springfield said ",
    "one quote repeated": "\u201cThis is a quote of many words here,\u201d said John Smith. ",
    "unclosed quote marks": "\u201c word ",
    "program cue repeated": "York Gary said the call-in. ",
    "titles and places": "Mayor Kim Bracey of York, Pa., said the Group Violence Intervention works. ",
    "straight quotes only": '"',
}


def run(text: str, config: Config) -> float:
    entry = Entry(url="https://news.example.com/a", title="A headline", summary=text)
    started = time.perf_counter()
    analyze(url=entry.url, config=config, entry=entry)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=100_000, help="characters of the smaller text")
    args = parser.parse_args()
    config = Config()
    run("warm up: York, Pa.", config)
    print(f"{'case':<28} {'chars':>9} {'seconds':>8} {'2x chars':>9} {'seconds':>8} {'ratio':>6}")
    for name, unit in CASES.items():
        small = unit * (args.scale // len(unit))
        large = small * 2
        a, b = run(small, config), run(large, config)
        print(
            f"{name:<28} {len(small):>9,} {a:>8.2f} {len(large):>9,} {b:>8.2f} {b / max(a, 1e-6):>6.1f}"
        )


if __name__ == "__main__":
    main()
