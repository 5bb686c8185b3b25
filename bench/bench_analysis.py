"""Score the analysis on every shared set, tuning part and report part side by side.

    .venv/bin/python bench/bench_analysis.py [--sets dev,tr-news,geowebnews,polnear,dates]
                                             [--misses] [--dates-limit N] [--no-baseline]
    .venv/bin/python bench/bench_analysis.py --sweep    # thresholds, on the tuning part only

Every set is split once by ``bench/splits.py`` (a seeded hash of each record's
key) into a tuning part and a report part. Tune on the tuning part; quote the
report part. ``--misses`` lists what the TUNING part got wrong and never the
report part's cases, so that rules are not written for held-out stories.

Sets and measures (scoring rules in the ``score_*.py`` modules beside this):

* dev (``../shared/eval/dev.jsonl``): programs P/R/F1, cities F1, relevance
  accuracy, right speaker of matched quotes; baseline: programs by names only.
* tr-news: precision of the "City, ST" named (a US populated place the article
  annotates, in that state) and recall over US places named twice or more;
  baseline: the same names resolved to their most populous namesake.
* geowebnews: city precision, and cities that are not places here at all.
* polnear: right speaker (full name) of direct quotes whose source is a
  proper name, and right surname where the source is a surname.
* dates (trafilatura-eval): right publication day; baseline: trafilatura.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_quotes import bench_polnear
from score_dates import score_dates
from score_dev import score_dev
from score_geo import score_geowebnews, score_tr_news
from splits import PARTS, Part, part

from scraper.config.schema import Config, Settings
from scraper.models import Entry
from scraper.understand.analyze import analyze

SHARED = Path(__file__).resolve().parents[2] / "shared"
DEV = SHARED / "eval" / "dev.jsonl"
GEO = SHARED / "data" / "geoparsing"
TRAF = SHARED / "data" / "trafilatura-eval"
POLNEAR = SHARED / "data" / "polnear-dev" / "polnear_dev.jsonl"
SETS = ("dev", "tr-news", "geowebnews", "polnear", "dates")

Row = tuple[str, str, str, str | None, str | None]  # measure, tuning, report, baselines


def _in(p: Part) -> Callable[[str], bool]:
    return lambda key: part(key) == p


def _share(n: int, d: int) -> str:
    return f"{n / d:.3f} ({n}/{d})" if d else "-"


def _print(name: str, rows: list[Row]) -> None:
    print(f"\n{name}")
    print(f"  {'measure':<34} {'tuning':>18} {'report':>18}   baseline tuning / report")
    for measure, tuning, report, base_t, base_r in rows:
        base = f"   {base_t} / {base_r}" if base_t is not None else ""
        print(f"  {measure:<34} {tuning:>18} {report:>18}{base}")


def _show_misses(misses: list[str]) -> None:
    for m in misses:
        print(f"    MISS {m}")


def run_dev(config: Config, misses: bool) -> None:
    t = {p: score_dev(DEV, keep=_in(p), config=config) for p in PARTS}
    tu, re_ = t["tuning"], t["report"]
    rows: list[Row] = [
        (
            "programs P / R / F1",
            f"{tu.programs.precision:.2f} {tu.programs.recall:.2f} {tu.programs.f1:.3f}",
            f"{re_.programs.precision:.2f} {re_.programs.recall:.2f} {re_.programs.f1:.3f}",
            f"{tu.programs_baseline.f1:.3f}",
            f"{re_.programs_baseline.f1:.3f}",
        ),
        (
            "cities P / R / F1",
            f"{tu.cities.precision:.2f} {tu.cities.recall:.2f} {tu.cities.f1:.3f}",
            f"{re_.cities.precision:.2f} {re_.cities.recall:.2f} {re_.cities.f1:.3f}",
            None,
            None,
        ),
        (
            "relevance accuracy",
            _share(tu.relevant_right, tu.records),
            _share(re_.relevant_right, re_.records),
            f"{tu.relevance_baseline:.3f}",
            f"{re_.relevance_baseline:.3f}",
        ),
        ("quotes F1", f"{tu.quotes.f1:.3f}", f"{re_.quotes.f1:.3f}", None, None),
        (
            "right speaker of matched quotes",
            _share(tu.speakers_right, tu.speakers_checked),
            _share(re_.speakers_right, re_.speakers_checked),
            None,
            None,
        ),
        (
            "ms per record",
            f"{tu.seconds / max(tu.records, 1) * 1000:.1f}",
            f"{re_.seconds / max(re_.records, 1) * 1000:.1f}",
            None,
            None,
        ),
    ]
    _print(f"dev ({tu.records} tuning / {re_.records} report records); baseline: names only", rows)
    if misses:
        _show_misses(tu.misses)


def _finder(config: Config, *, title: str, text: str) -> Callable[[dict[str, object]], list[str]]:
    def find(rec: dict[str, object]) -> list[str]:
        url = str(rec.get("url") or "https://unknown.invalid/")
        entry = Entry(url=url, title=str(rec.get(title) or ""), summary=str(rec[text]))
        return list(analyze(url=url, config=config, entry=entry).cities)

    return find


def run_geo(config: Config, misses: bool, which: str) -> None:
    find = _finder(config, title="title", text="text")
    if which == "tr-news":
        t = {p: score_tr_news(GEO / "tr-news.jsonl", keep=_in(p), find=find) for p in PARTS}
        name = "tr-news: cities named; baseline: the same names, most populous namesake"
    else:
        t = {p: score_geowebnews(GEO / "geowebnews.jsonl", keep=_in(p), find=find) for p in PARTS}
        name = "geowebnews: cities named; baseline: the same names, most populous namesake"
    tu, re_ = t["tuning"], t["report"]
    rows: list[Row] = [
        (
            "city precision",
            _share(tu.right, tu.found),
            _share(re_.right, re_.found),
            f"{tu.baseline_precision:.3f}",
            f"{re_.baseline_precision:.3f}",
        ),
    ]
    if which == "tr-news":
        rows.append(
            (
                "recall, places named twice+",
                _share(tu.gold_found, tu.gold),
                _share(re_.gold_found, re_.gold),
                None,
                None,
            )
        )
    else:
        rows.append(("not a place at all", str(tu.not_place), str(re_.not_place), None, None))
    _print(name, rows)
    if misses:
        _show_misses(tu.misses)


def run_polnear(misses: bool) -> None:
    t = {p: bench_polnear(misses and p == "tuning", keep=_in(p)) for p in PARTS}
    tu, re_ = t["tuning"].named, t["report"].named
    rows: list[Row] = [
        (
            "right speaker, named source",
            _share(tu.speaker_right, tu.speaker_checked),
            _share(re_.speaker_right, re_.speaker_checked),
            None,
            None,
        ),
        (
            "right surname, surname source",
            _share(t["tuning"].surname_right, t["tuning"].surname_checked),
            _share(t["report"].surname_right, t["report"].surname_checked),
            None,
            None,
        ),
        ("quotes with a speaker, F1", f"{tu.f1:.3f}", f"{re_.f1:.3f}", None, None),
    ]
    _print("polnear: direct quotes of six words or more", rows)


def run_dates(misses: bool, *, baseline: bool, limit: int) -> None:
    t = {p: score_dates(TRAF, keep=_in(p), baseline=baseline, limit=limit) for p in PARTS}
    tu, re_ = t["tuning"], t["report"]
    rows: list[Row] = [
        (
            "right publication day",
            _share(tu.right, tu.pages),
            _share(re_.right, re_.pages),
            f"{tu.baseline_share:.3f}" if baseline else None,
            f"{re_.baseline_share:.3f}" if baseline else None,
        )
    ]
    _print("dates (trafilatura-eval pages with a gold date); baseline: trafilatura", rows)
    if misses:
        _show_misses(tu.misses)


SWEEP = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)


def run_sweep() -> None:
    """Tags kept at each confidence threshold, on the TUNING parts only.

    ``program_threshold`` and ``city_threshold`` are chosen here: the lowest
    threshold past which city precision stops rising, without losing
    programs recall on dev.
    """
    tuning = _in("tuning")
    print("\nthresholds on the tuning parts (program_threshold = city_threshold = t)")
    print(
        f"  {'t':>4} {'dev programs P/R':>18} {'dev cities P/R':>16} {'tr-news P':>16} {'gwn P':>16}"
    )
    for t in SWEEP:
        config = Config(settings=Settings(program_threshold=t, city_threshold=t))
        dev = score_dev(DEV, keep=tuning, config=config)
        find = _finder(config, title="title", text="text")
        tr = score_tr_news(GEO / "tr-news.jsonl", keep=tuning, find=find)
        gwn = score_geowebnews(GEO / "geowebnews.jsonl", keep=tuning, find=find)
        print(
            f"  {t:4.1f} {dev.programs.precision:8.3f} {dev.programs.recall:.3f}    "
            f"{dev.cities.precision:6.3f} {dev.cities.recall:.3f} "
            f"{_share(tr.right, tr.found):>16} {_share(gwn.right, gwn.found):>16}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default=",".join(SETS), help=f"comma-separated: {','.join(SETS)}")
    parser.add_argument("--misses", action="store_true", help="list the tuning part's misses")
    parser.add_argument("--dates-limit", type=int, default=0, help="pages per part (0 = all)")
    parser.add_argument("--no-baseline", action="store_true", help="skip trafilatura for dates")
    parser.add_argument("--sweep", action="store_true", help="thresholds on the tuning parts")
    args = parser.parse_args(argv)
    chosen = [s.strip() for s in args.sets.split(",") if s.strip()]
    unknown = sorted(set(chosen) - set(SETS))
    if unknown:
        parser.error(f"unknown set(s) {', '.join(unknown)}; choose from {', '.join(SETS)}")
    if not SHARED.is_dir():
        print(f"no shared data at {SHARED}", file=sys.stderr)
        return 1
    config = Config()
    started = time.perf_counter()
    if args.sweep:
        run_sweep()
        return 0
    for name in chosen:
        if name == "dev":
            run_dev(config, args.misses)
        elif name in ("tr-news", "geowebnews"):
            run_geo(config, args.misses, name)
        elif name == "polnear":
            run_polnear(args.misses)
        else:
            run_dates(args.misses, baseline=not args.no_baseline, limit=args.dates_limit)
    print(f"\n({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
