"""``clippings items``: the stored stories, for people and scripts."""

from __future__ import annotations

import click
from rich.console import Console
from rich.table import Table

from scraper.cli._common import Context, common_options, json_line, main, pass_context
from storage.tables import ITEM_STATUSES


@main.command()
@common_options
@click.option(
    "--status",
    type=click.Choice(ITEM_STATUSES),
    help="Only items with this status (default: all statuses).",
)
@click.option("--limit", type=click.IntRange(min=1), help="At most this many items, newest first.")
@click.option("--json", "as_json", is_flag=True, help="JSON Lines: one item per line.")
@pass_context
def items(ctx: Context, status: str | None, limit: int | None, as_json: bool) -> None:
    """List stored items, newest first.

    With --json each line is one item with at least: id, url, canonical_url,
    outlet, headline, published, status, sources, excerpt, authors, quotes,
    programs, cities, relevant.
    """
    store = ctx.store()
    rows = store.items(status=status, limit=limit)
    if as_json:
        for row in rows:
            json_line(row)
        return
    table = Table(title=f"{len(rows)} item(s)")
    for column in ("id", "status", "published", "outlet", "headline", "tags"):
        table.add_column(column)
    for row in rows:
        tags = ", ".join([*row["programs"], *row["cities"]])
        table.add_row(
            str(row["id"]),
            row["status"],
            (row["published"] or "")[:10],
            row["outlet"] or "",
            (row["headline"] or row["url"])[:90],
            tags[:60],
        )
    Console().print(table)
