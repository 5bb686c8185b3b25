"""``clippings publish``: write the feeds and the news page to a folder, atomically."""

from __future__ import annotations

from pathlib import Path

import click

from scraper.cli._common import Context, common_options, json_line, main, pass_context
from scraper.models.errors import ClippingsError


@main.command()
@common_options
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help="Folder to write the site to (replaced as a whole; created when missing).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object with the figures.")
@pass_context
def publish(ctx: Context, out: Path, as_json: bool) -> None:
    """Write the public feeds and News & Updates page of approved items to DIR.

    DIR gets news/ (the page, filter pages, embeddable fragments, stylesheet)
    and feeds/ (RSS, Atom, JSON Feed), the same files `clippings serve` answers
    under /news/ and /feeds/. The new site is written beside DIR and swapped in
    with a rename, so a web server never sees a half-written site. Approved
    items become `published`; items taken back to the queue disappear.
    """
    from scraper.publish.export import SiteExporter

    config = ctx.config()
    store = ctx.store()
    try:
        report = SiteExporter(config, store, out).export()
    except (OSError, ClippingsError) as exc:
        raise click.ClickException(f"cannot publish to {out}: {exc}") from exc
    if as_json:
        json_line(report.to_json())
        return
    click.echo(
        f"Published {report.items} item(s) ({report.newly_published} new) to {report.out}: "
        f"{report.files} files, {report.bytes / 1024:.0f} KiB, "
        f"built in {report.build_seconds:.2f} s."
    )
