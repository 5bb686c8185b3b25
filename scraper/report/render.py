"""The coverage report as a page: inside the desk, or as one self-contained HTML file.

Both include ``_report.html`` of the desk's templates, with Jinja2's
autoescaping; the chart is the SVG of ``scraper.report.chart`` (escaped by its
serialiser) and the file inlines the report stylesheet, print rules included,
so "Save as PDF" from a browser gives a clean report either way.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup

from scraper.report.build import Coverage
from scraper.report.chart import stories_per_month_svg

WEB = Path(__file__).resolve().parents[1] / "web"
STYLESHEET = WEB / "static" / "report.css"
_ENV = Environment(loader=FileSystemLoader(WEB / "templates"), autoescape=True)


def chart_markup(report: Coverage) -> Markup:
    return Markup(stories_per_month_svg(report))  # serialised by lxml: text is escaped


def report_file(report: Coverage, *, site_title: str, now: datetime | None = None) -> str:
    """The standalone HTML report (``clippings report --format html``)."""
    return _ENV.get_template("report_file.html").render(
        report=report,
        chart=chart_markup(report),
        stylesheet=Markup(STYLESHEET.read_text(encoding="utf-8")),  # our own file
        site_title=site_title,
        made=now or datetime.now(UTC),
    )
