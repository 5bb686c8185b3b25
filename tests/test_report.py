"""The coverage report: counts against the database, the clip sheet, the chart, the command."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from scraper.cli import main
from scraper.pipeline.wiring import store_for
from scraper.report.build import coverage, months_between
from scraper.report.chart import stories_per_month_svg
from scraper.report.clipsheet import BOM, COLUMNS, cell, clip_sheet
from scraper.report.period import PeriodError, period
from storage.db import open_database
from storage.publishing import approve_items
from storage.report import report_items
from storage.store import Store
from tests.desk_fixtures import save, story
from tests.publishing_demo import add_demo_stories

NOW = datetime(2024, 6, 1, tzinfo=UTC)
HOSTILE = '=HYPERLINK("http://evil.example/","click")'


@pytest.fixture
def store(tmp_path: Path) -> Store:
    engine = open_database(f"sqlite:///{tmp_path / 'report.db'}")
    store = store_for(engine)
    add_demo_stories(store, now=NOW)
    quoted = [
        save(store, story(i, published=datetime(2023, 5, i - 99, tzinfo=UTC)), at=NOW)
        for i in (101, 102)
    ]
    hostile = save(
        store,
        story(
            103,
            headline=HOSTILE,
            outlet="@Riverton Ledger",
            published=datetime(2023, 6, 1, tzinfo=UTC),
        ),
        at=NOW,
    )
    save(store, story(104, published=datetime(2023, 6, 2, tzinfo=UTC)), at=NOW)  # a candidate
    approve_items(store, [*quoted, hostile], now=NOW)
    yield store
    engine.dispose()


def _direct(store: Store, sql: str, **params: object) -> list[tuple[object, ...]]:
    with store.engine.connect() as connection:
        return [tuple(r) for r in connection.exec_driver_sql(sql, tuple(params.values()))]


PUBLIC = "status IN ('approved', 'published') AND is_primary = 1 AND eff_day BETWEEN ? AND ?"


@pytest.mark.parametrize(
    ("since", "until"),
    [
        (date(2000, 1, 1), date(2030, 12, 31)),
        (date(2023, 1, 1), date(2023, 6, 30)),
        (date(2023, 6, 1), date(2023, 6, 1)),
    ],
    ids=["everything", "half a year", "one day"],
)
def test_counts_equal_a_direct_count_in_the_database(
    store: Store, since: date, until: date
) -> None:
    report = coverage(report_items(store, since=since, until=until), since=since, until=until)
    a, b = since.isoformat(), until.isoformat()
    [(total,)] = _direct(store, f"SELECT COUNT(*) FROM items WHERE {PUBLIC}", a=a, b=b)
    assert report.total == total
    assert total > 0
    assert sum(report.by_month.values()) == total
    by_outlet = dict(
        _direct(
            store,
            f"SELECT eff_outlet, COUNT(*) FROM items WHERE {PUBLIC} GROUP BY eff_outlet",
            a=a,
            b=b,
        )
    )
    assert report.by_outlet == dict(by_outlet.items()) | {}
    for kind, counted in (("program", report.by_program), ("city", report.by_city)):
        rows = dict(
            _direct(
                store,
                "SELECT t.value, COUNT(DISTINCT t.item_id) FROM item_tags t JOIN items ON items.id = t.item_id "
                f"WHERE t.kind = ? AND {PUBLIC} GROUP BY t.value",
                k=kind,
                a=a,
                b=b,
            )
        )
        assert {k: v for k, v in counted.items() if not k.startswith("(")} == rows
    months = dict(
        _direct(
            store,
            f"SELECT substr(eff_day, 1, 7), COUNT(*) FROM items WHERE {PUBLIC} GROUP BY 1",
            a=a,
            b=b,
        )
    )
    assert {m: n for m, n in report.by_month.items() if n} == months


def test_speakers_are_counted(store: Store) -> None:
    report = coverage(
        report_items(store, since=date(2023, 1, 1), until=date(2023, 12, 31)),
        since=date(2023, 1, 1),
        until=date(2023, 12, 31),
    )
    speakers = {s.name: (s.quotes, s.stories) for s in report.speakers}
    assert speakers["Marisol Okafor"] == (3, 3)
    assert speakers["Harold Vance"] == (3, 3)


def test_the_clip_sheet_round_trips_with_formulas_neutralised(store: Store) -> None:
    since, until = date(2000, 1, 1), date(2030, 12, 31)
    report = coverage(report_items(store, since=since, until=until), since=since, until=until)
    text = clip_sheet(report.stories)
    assert text.startswith(BOM)
    assert "\r\n" in text
    rows = list(csv.reader(io.StringIO(text.removeprefix(BOM), newline="")))
    assert tuple(rows[0]) == COLUMNS
    assert len(rows) == report.total + 1
    by_url = {r[3]: r for r in rows[1:]}
    hostile = by_url["https://news.example.org/story/103"]
    assert hostile[2] == "'" + HOSTILE
    assert hostile[1] == "'@Riverton Ledger"
    assert hostile[7] == "Marisol Okafor"
    for row in rows[1:]:
        assert len(row) == len(COLUMNS)
        for value in row:
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r"))
    # Every story of the report is a row, with its date, outlet and headline as cleaned.
    assert {(r[0], r[2]) for r in rows[1:]} == {
        (s.day, cell(s.item.headline)) for s in report.stories
    }


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+33 6", "'+33 6"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("Mayor says", "Mayor says"),
    ],
    ids=["equals", "plus", "minus", "at", "tab", "plain"],
)
def test_formula_cells(value: str, expected: str) -> None:
    assert cell(value) == expected


def test_the_chart_is_svg_with_a_bar_per_program_and_month(store: Store) -> None:
    since, until = date(2023, 1, 1), date(2023, 12, 31)
    report = coverage(report_items(store, since=since, until=until), since=since, until=until)
    svg = stories_per_month_svg(report)
    root = etree.fromstring(svg.encode("utf-8"))
    ns = {"s": "http://www.w3.org/2000/svg"}
    titles = [t.text for t in root.findall(".//s:rect/s:title", ns)]
    expected = sum(1 for p in report.per_program_month.values() for n in p.values() if n)
    assert len(titles) == expected
    assert any(t.startswith("Group Violence Intervention, ") for t in titles)
    assert root.find("s:desc", ns) is not None
    assert "style=" not in svg  # the desk's CSP allows attributes only


def test_months_and_periods() -> None:
    assert months_between(date(2023, 11, 5), date(2024, 2, 1)) == (
        "2023-11",
        "2023-12",
        "2024-01",
        "2024-02",
    )
    assert period(None, None, today=date(2025, 2, 1)) == (date(2024, 2, 1), date(2025, 2, 1))
    with pytest.raises(PeriodError, match="after"):
        period("2024-05-01", "2024-01-01", today=date(2025, 1, 1))
    with pytest.raises(PeriodError, match="not a date"):
        period("May 2024", None, today=date(2025, 1, 1))


def _cli(store: Store, *args: str) -> tuple[int, bytes]:
    url = store.engine.url.render_as_string(hide_password=False)
    result = CliRunner().invoke(
        main, ["report", *args, "--db", url, "--sources", "/nonexistent.yaml"]
    )
    return result.exit_code, result.stdout_bytes


def test_report_command_formats(store: Store, tmp_path: Path) -> None:
    code, data = _cli(store, "--from", "2000-01-01", "--to", "2030-12-31", "--format", "csv")
    assert code == 0
    assert data.startswith(BOM.encode("utf-8"))
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    [(total,)] = _direct(
        store, f"SELECT COUNT(*) FROM items WHERE {PUBLIC}", a="2000-01-01", b="2030-12-31"
    )
    assert len(rows) == total + 1

    code, data = _cli(store, "--from", "2000-01-01", "--to", "2030-12-31", "--format", "json")
    figures = json.loads(data)
    assert figures["total"] == total
    assert len(figures["stories"]) == total

    out = tmp_path / "report.html"
    code, _ = _cli(store, "--from", "2000-01-01", "--to", "2030-12-31", "-o", str(out))
    page = out.read_text(encoding="utf-8")
    assert code == 0
    assert "<svg" in page
    assert "@media print" in page
    assert "=HYPERLINK(&#34;http://evil.example/&#34;" in page or "=HYPERLINK(&quot;" in page
    assert f'<p class="total">{total} stories</p>' in page

    code, _ = _cli(store, "--from", "2024-13-01")
    assert code == 2


def test_the_desk_report_page_and_clip_sheet(tmp_path: Path) -> None:
    from tests.desk_fixtures import http_client, live_server, make_world, sign_in

    world = make_world(tmp_path)
    add_demo_stories(world.store, now=NOW)
    hostile = save(
        world.store,
        story(103, headline=HOSTILE, published=datetime(2023, 6, 1, tzinfo=UTC)),
        at=NOW,
    )
    approve_items(world.store, [hostile], now=NOW)
    [(total,)] = _direct(
        world.store, f"SELECT COUNT(*) FROM items WHERE {PUBLIC}", a="2000-01-01", b="2030-12-31"
    )
    with live_server(world.app) as base, http_client(base) as c:
        assert c.get("/desk/report").status_code == 303  # login first
        assert c.get("/desk/report.csv").status_code == 303
        sign_in(c, world, "alice")
        page = c.get("/desk/report", params={"from": "2000-01-01", "to": "2030-12-31"})
        assert page.status_code == 200
        assert f'<p class="total">{total} stories</p>' in page.text
        assert "<svg" in page.text
        assert '<link rel="stylesheet" href="/desk/static/report.css">' in page.text
        assert "<script" not in page.text.split("<main", 1)[1].split("</main>")[0]
        sheet = c.get("/desk/report.csv", params={"from": "2000-01-01", "to": "2030-12-31"})
        assert sheet.headers["content-type"].startswith("text/csv")
        assert "attachment" in sheet.headers["content-disposition"]
        rows = list(csv.reader(io.StringIO(sheet.content.decode("utf-8-sig"), newline="")))
        assert len(rows) == total + 1
        assert any(r[2] == "'" + HOSTILE for r in rows)
        figures = c.get(
            "/desk/report.json", params={"from": "2000-01-01", "to": "2030-12-31"}
        ).json()
        assert figures["total"] == total
        bad = c.get("/desk/report", params={"from": "yesterday"})
        assert bad.status_code == 400
        assert "not a date" in bad.text
        css = c.get("/desk/static/report.css")
        assert "@media print" in css.text


def test_without_dates_the_report_shows_the_latest_year_of_coverage(store: Store) -> None:
    from storage.report import latest_day

    newest = latest_day(store)
    assert newest is not None
    [(day,)] = _direct(
        store, "SELECT MAX(eff_day) FROM items WHERE status IN ('approved', 'published')"
    )
    assert newest.isoformat() == day
    start, end = period(None, None, today=date(2026, 1, 1), latest=newest)
    assert end == newest
    assert start == newest.replace(year=newest.year - 1)
    code, data = _cli(store, "--format", "json")
    assert code == 0
    assert json.loads(data)["total"] > 0
