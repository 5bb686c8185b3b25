"""``clippings archive``: snapshots of approved stories, link checks, WARC export and verify."""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, date, datetime, time
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from scraper.cli._common import Context, common_options, json_line, main, pass_context
from scraper.config.schema import Config

json_option = click.option("--json", "as_json", is_flag=True, help="JSON output for scripts.")


def _config(ctx: Context) -> Config:
    return ctx.config() if Path(ctx.sources_path).exists() else Config()


def _folder(ctx: Context) -> Path:
    from scraper.archive.files import archive_dir

    return archive_dir(_config(ctx))


def _day(value: str | None, *, param: str) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.combine(date.fromisoformat(value), time(), tzinfo=UTC)
    except ValueError as exc:
        raise click.BadParameter(
            f"{value!r} is not a date like 2024-03-05", param_hint=param
        ) from exc


@main.group()
def archive() -> None:
    """Snapshots of approved stories (WARC files), link checks, export and verify.

    Snapshots are made by themselves after each approval on the desk and by
    `clippings run` / `clippings serve` every minute; `archive run` does one
    round now (for cron, or after approving from a script).
    """


@archive.command("run")
@common_options
@click.option("--all-links", is_flag=True, help="Check every public story's link now.")
@click.option("--retry-failed", is_flag=True, help="Try failed snapshots again from the start.")
@json_option
@pass_context
def run_round(ctx: Context, all_links: bool, retry_failed: bool, as_json: bool) -> None:
    """Make the snapshots due, send Save Page Now requests, check the links due."""
    from scraper.archive.jobs import Archiver
    from storage.snapshots import retry_failed as retry

    config = _config(ctx)
    store = ctx.store()
    if retry_failed:
        retry(store, now=datetime.now(UTC))
    report = asyncio.run(Archiver(config, store).run_once(all_links=all_links))
    if as_json:
        json_line(report.to_json())
        return
    made = sum(n for origin, n in report.snapshots.items() if origin != "failed")
    click.echo(
        f"{made} snapshot(s) made "
        f"({', '.join(f'{n} {k}' for k, n in sorted(report.snapshots.items())) or 'none due'}); "
        f"{report.links_checked} link(s) checked, {report.links_gone} gone."
    )
    if report.archive_org:
        click.echo(f"Save Page Now: {report.archive_org}")
    for error in report.errors:
        click.echo(f"  {error}", err=True)


@archive.command("list")
@common_options
@click.option(
    "--state",
    type=click.Choice(["ok", "pending", "failed", "all"]),
    default="all",
    show_default=True,
)
@click.option("--gone", is_flag=True, help="Only stories whose link was found gone.")
@json_option
@pass_context
def list_snapshots(ctx: Context, state: str, gone: bool, as_json: bool) -> None:
    """The snapshot index: state, capture time, file, and the link check verdict."""
    from storage import link_checks, snapshots

    store = ctx.store()
    states = ("ok", "pending", "failed") if state == "all" else (state,)
    rows = snapshots.list_snapshots(store, states=states)
    links = link_checks.link_states(store, [r.item_id for r in rows])
    if gone:
        rows = [r for r in rows if r.item_id in links and links[r.item_id].gone]
    if as_json:
        for row in rows:
            link = links.get(row.item_id)
            json_line({**row.to_json(), "link": link.to_json() if link else None})
        return
    table = Table(title="Snapshots")
    for column in ("item", "state", "captured", "origin", "file", "link", "note"):
        table.add_column(column)
    for row in rows:
        link = links.get(row.item_id)
        table.add_row(
            str(row.item_id),
            row.state,
            f"{row.captured_at:%Y-%m-%d %H:%M}" if row.captured_at else "",
            row.origin or "",
            row.warc_file or "",
            ("gone" if link.gone else link.outcome) if link else "",
            (row.last_error or (link.detail if link else "") or "")[:60],
        )
    Console().print(table)
    counts = snapshots.counts(store)
    click.echo(
        f"{counts['ok']} ok, {counts['pending']} pending, {counts['failed']} failed, "
        f"{counts['to_do']} approved story(ies) not started."
    )


@archive.command("export")
@common_options
@click.option("--from", "since", metavar="DATE", help="First capture day (YYYY-MM-DD).")
@click.option("--to", "until", metavar="DATE", help="Last capture day, included (YYYY-MM-DD).")
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The WARC file to write (FILE.warc.gz).",
)
@json_option
@pass_context
def export_warc(
    ctx: Context, since: str | None, until: str | None, output: Path, as_json: bool
) -> None:
    """Write the snapshots as one standard WARC file (pywb and replayweb.page open it)."""
    from datetime import timedelta

    from scraper.archive.export import export
    from scraper.models.errors import ArchiveError
    from storage.snapshots import list_snapshots

    start = _day(since, param="--from")
    end = _day(until, param="--to")
    end_exclusive = end + timedelta(days=1) if end else None
    if not output.name.endswith(".warc.gz"):
        raise click.BadParameter("the file name must end in .warc.gz", param_hint="-o")
    rows = list_snapshots(ctx.store(), since=start, until=end_exclusive)
    try:
        done = export(_folder(ctx), rows, output, since=start, until=end)
    except (ArchiveError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        json_line({"file": str(done.path), "snapshots": done.snapshots, "bytes": done.bytes})
    else:
        click.echo(f"{done.snapshots} snapshot(s), {done.bytes:,} bytes written to {done.path}")


@archive.command("verify")
@common_options
@json_option
@pass_context
def verify_all(ctx: Context, as_json: bool) -> None:
    """Check every snapshot's digests against its records and the index; exit 1 on damage."""
    from scraper.archive.export import verify
    from storage.snapshots import list_snapshots

    rows = list_snapshots(ctx.store())
    bad = 0
    for verdict in verify(_folder(ctx), rows):
        bad += not verdict.ok
        if as_json:
            json_line(verdict.to_json())
        elif not verdict.ok:
            click.echo(f"item {verdict.item_id}: {verdict.problem}", err=True)
    if not as_json:
        click.echo(f"{len(rows) - bad} of {len(rows)} snapshot(s) intact.")
    if bad:
        sys.exit(1)
