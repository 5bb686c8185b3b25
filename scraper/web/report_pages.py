"""The desk's coverage report: the page, its clip sheet (CSV) and its figures (JSON).

``GET /desk/report?from=2024-01-01&to=2024-12-31``; ``/desk/report.csv`` and
``/desk/report.json`` take the same period. Any logged-in user may read it.
"""

from __future__ import annotations

import json
from datetime import datetime
from urllib.parse import urlencode, urlsplit

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from scraper.report.build import Coverage, coverage
from scraper.report.clipsheet import clip_sheet
from scraper.report.period import PeriodError, period
from scraper.report.render import chart_markup
from scraper.web.common import call, desk, guarded, render
from storage.report import latest_day, report_items


async def _coverage(request: Request) -> tuple[Coverage, str | None]:
    state = desk(request)
    settings = state.config.settings
    today = datetime.now(settings.tz()).date()
    latest = await call(latest_day, state.store)
    error = None
    try:
        since, until = period(
            request.query_params.get("from"),
            request.query_params.get("to"),
            today=today,
            latest=latest,
        )
    except PeriodError as exc:
        error = f"{exc}; showing the latest year."
        since, until = period(None, None, today=today, latest=latest)
    items = await call(report_items, state.store, since=since, until=until)
    host = urlsplit(settings.site_url).hostname or "localhost"
    return coverage(items, since=since, until=until, host=host), error


def _period(report: Coverage) -> str:
    return urlencode({"from": report.since.isoformat(), "to": report.until.isoformat()})


@guarded()
async def report_page(request: Request) -> Response:
    report, error = await _coverage(request)
    return render(
        request,
        "report.html",
        {
            "report": report,
            "chart": chart_markup(report),
            "period": _period(report),
            "error": error,
        },
        status=400 if error else 200,
    )


@guarded()
async def report_csv(request: Request) -> Response:
    report, _error = await _coverage(request)
    name = f"clip-sheet-{report.since}-{report.until}.csv"
    return Response(
        clip_sheet(report.stories).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@guarded()
async def report_json(request: Request) -> Response:
    report, _error = await _coverage(request)
    body = json.dumps(report.to_json(), ensure_ascii=False, indent=2)
    return Response(body.encode("utf-8"), media_type="application/json")


def routes() -> list[BaseRoute]:
    return [
        Route("/report", report_page, name="report"),
        Route("/report.csv", report_csv, name="report_csv"),
        Route("/report.json", report_json, name="report_json"),
    ]
