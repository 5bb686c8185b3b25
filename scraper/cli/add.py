"""``clippings add URL``: submit a story by hand, like the desk's "Submit a link" form."""

from __future__ import annotations

import asyncio

import click

from scraper.cli._common import Context, common_options, json_line, main, pass_context
from scraper.cli.serve import app_config
from scraper.models.errors import SubmitError
from scraper.pipeline.manual import submit_url


@main.command()
@common_options
@click.argument("url")
@click.option("--user", default="cli", show_default=True, help="Name recorded in the audit log.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_context
def add(ctx: Context, url: str, user: str, as_json: bool) -> None:
    """Fetch, analyse and store the story at URL; it lands in the review queue.

    A story already collected is not added twice: its item is reported.
    """
    config = app_config(ctx)
    store = ctx.store()
    try:
        result = asyncio.run(submit_url(url, config=config, store=store, user=user))
    except SubmitError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        json_line(
            {
                "outcome": result.outcome,
                "id": result.item_id,
                "status": result.status,
                "headline": result.headline,
                "note": result.note,
            }
        )
    else:
        click.echo(result.message())
