"""``clippings report``: the coverage report of a period as HTML, CSV (clip sheet) or JSON."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import click

from scraper.cli._common import Context, common_options, main, pass_context


@main.command()
@common_options
@click.option(
    "--from", "since", metavar="DATE", help="First day (YYYY-MM-DD; default: a year before --to)."
)
@click.option(
    "--to",
    "until",
    metavar="DATE",
    help="Last day (YYYY-MM-DD; default: the newest approved story's day, at most today).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["html", "csv", "json"]),
    default="html",
    show_default=True,
    help="html: the report page; csv: the clip sheet (one row per story); json: every figure.",
)
@click.option(
    "-o",
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (default: standard output).",
)
@pass_context
def report(ctx: Context, since: str | None, until: str | None, fmt: str, out: Path | None) -> None:
    """Coverage of approved and published stories between --from and --to.

    Counts by month, program, city and outlet, the stories per month per program
    (an SVG chart in the HTML), the most quoted speakers and the list of stories.
    The CSV clip sheet is UTF-8 with a BOM and safe to open in Excel or LibreOffice.
    """
    from scraper.config.schema import Config
    from scraper.report.build import coverage
    from scraper.report.clipsheet import clip_sheet
    from scraper.report.period import PeriodError, period
    from scraper.report.render import report_file
    from storage.report import latest_day, report_items

    # Settings only (site title, time zone): without a sources.yaml the defaults do.
    config = ctx.config() if Path(ctx.sources_path).exists() else Config()
    store = ctx.store()
    today = datetime.now(config.settings.tz()).date()
    try:
        start, end = period(since, until, today=today, latest=latest_day(store))
    except PeriodError as exc:
        raise click.BadParameter(str(exc)) from exc
    host = urlsplit(config.settings.site_url).hostname or "localhost"
    found = coverage(report_items(store, since=start, until=end), since=start, until=end, host=host)
    if fmt == "csv":
        data = clip_sheet(found.stories).encode("utf-8")
    elif fmt == "json":
        data = (json.dumps(found.to_json(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    else:
        data = report_file(found, site_title=config.settings.site_title).encode("utf-8")
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    out.write_bytes(data)
    click.echo(f"Report of {found.total} stories ({start} to {end}) written to {out}.", err=True)
