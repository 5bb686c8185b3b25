"""``clippings collect`` (one pass) and ``clippings run`` (keep collecting)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from scraper.cli._common import Context, common_options, json_line, main, pass_context
from scraper.cli.serve import host_port_options, make_server, serve_alongside
from scraper.config.schema import Config
from scraper.fetch.client import Fetcher
from scraper.models.errors import CollectorBusy
from scraper.models.stored import SourceState
from scraper.pipeline.adapters import fetch_options, source_specs
from storage.leases import collector_lock
from storage.store import Store

if TYPE_CHECKING:
    from scraper.pipeline.collector import SourceReport

log = logging.getLogger(__name__)

_RESULT = {"ok": "[green]ok[/]", "not_modified": "not modified", "error": "[red]error[/]"}


def prepare(ctx: Context) -> tuple[Config, Store]:
    """Config checked, database migrated, sources synced."""
    config = ctx.config()
    store = ctx.store()
    store.sync_sources(source_specs(config), now=datetime.now(UTC))
    if config.settings.allow_private_networks:
        log.warning("allow_private_networks is on: private and loopback addresses will be fetched")
    return config, store


def summary_table(reports: Sequence[SourceReport]) -> Table:
    table = Table(title="Collection summary")
    table.add_column("source")
    table.add_column("result")
    for name in ("new", "seen", "entries"):
        table.add_column(name, justify="right")
    table.add_column("note")
    for r in sorted(reports, key=lambda r: (r.outcome != "error", r.source_id)):
        note = r.error or r.warning or ""
        if r.dropped:
            dropped = ", ".join(f"{n} {reason}" for reason, n in r.dropped.items())
            note = f"{note}; skipped {dropped}".strip("; ")
        table.add_row(
            r.source_id, _RESULT[r.outcome], str(r.new), str(r.seen), str(r.entries), note[:120]
        )
    return table


@main.command()
@common_options
@click.option(
    "--source",
    "source_ids",
    multiple=True,
    metavar="ID",
    help="Collect only this source (repeatable). Default: every enabled source.",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per source.")
@click.option("--no-articles", is_flag=True, help="Do not fetch article pages (feed data only).")
@pass_context
def collect(ctx: Context, source_ids: tuple[str, ...], as_json: bool, no_articles: bool) -> None:
    """Collect every enabled source once, then print what happened.

    Failing sources are listed with their reason; the command still exits 0 so
    a cron job does not stop on one broken site (exit 2: bad configuration).
    """
    config, store = prepare(ctx)
    if no_articles:
        config = config.model_copy(
            update={"settings": config.settings.model_copy(update={"fetch_articles": False})}
        )
    unknown = [s for s in source_ids if config.source(s) is None]
    if unknown:
        raise click.BadParameter(
            f"unknown source id(s): {', '.join(unknown)}", param_hint="--source"
        )
    states = [s for s in store.sources() if (s.id in source_ids if source_ids else s.enabled)]
    console = Console(stderr=True)
    try:
        reports = asyncio.run(_collect(config, store, states, console, quiet=as_json))
    except CollectorBusy as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        for report in reports:
            json_line(report.to_json())
        return
    Console().print(summary_table(reports))
    failed = [r for r in reports if r.outcome == "error"]
    total_new = sum(r.new for r in reports)
    click.echo(f"{total_new} new item(s) from {len(reports)} source(s); {len(failed)} failed.")
    for report in failed:
        click.echo(f"  failed: {report.source_id}: {report.error}", err=True)


async def _collect(
    config: Config,
    store: Store,
    states: Sequence[SourceState],
    console: Console,
    *,
    quiet: bool,
) -> list[SourceReport]:
    from scraper.pipeline.collector import Collector

    # The same collector lock as `clippings run`: two collectors never fetch at once on SQLite.
    async with Fetcher(fetch_options(config)) as fetcher:
        collector = Collector(config, store, fetcher)
        with (
            collector_lock(store),
            Progress(
                TextColumn("[progress.description]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=console,
                disable=quiet or not console.is_terminal,
                transient=True,
            ) as progress,
        ):
            task = progress.add_task("collecting", total=len(states))
            return await collector.collect(
                states,
                on_done=lambda r: progress.update(task, advance=1, description=r.source_id),
            )


@main.command()
@common_options
@click.option(
    "--tick",
    default=30.0,
    show_default=True,
    metavar="SECONDS",
    help="How often to look for due sources.",
)
@click.option("--once", is_flag=True, help="Collect what is due now, then exit (for cron).")
@click.option(
    "--publish-dir",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help="Keep the static feeds and news page in DIR up to date (see `clippings publish`).",
)
@click.option(
    "--publish-every",
    default=60.0,
    show_default=True,
    metavar="SECONDS",
    help="With --publish-dir: how often to look for review changes to publish.",
)
@click.option("--serve", is_flag=True, help="Also serve the web app (see `clippings serve`).")
@host_port_options
@pass_context
def run(
    ctx: Context,
    tick: float,
    once: bool,
    publish_dir: Path | None,
    publish_every: float,
    serve: bool,
    host: str,
    port: int,
    https: bool,
) -> None:
    """Keep collecting: every source when it is due, until Ctrl-C.

    Each source is checked at its own interval (sources.yaml), with jitter and
    backoff for failing sources. Ctrl-C lets the running pass finish; a second
    Ctrl-C stops at once. Nothing already stored is lost either way.
    """
    from scraper.pipeline.collector import Collector
    from scraper.publish.export import SiteExporter, keep_exported
    from scraper.schedule.loop import run_due, run_forever

    config, store = prepare(ctx)
    exporter = SiteExporter(config, store, publish_dir) if publish_dir else None
    target = store.engine.url.render_as_string()
    click.echo(
        f"clippings: collecting {len(config.sources)} source(s) into {target}; Ctrl-C to stop.",
        err=True,
    )

    async def go() -> None:
        async with Fetcher(fetch_options(config)) as fetcher:
            collector = Collector(config, store, fetcher)
            # Publishes at start, after each pass, every publish_every s and on exit.
            async with keep_exported(exporter, every=publish_every) as after_pass:
                if once:
                    await run_due(collector)
                elif serve:  # one loop: the web app and the scheduler stop together
                    stop = asyncio.Event()
                    server = make_server(
                        config, store, host=host, port=port, https=https, embedded=True
                    )
                    work = run_forever(collector, tick=tick, after_pass=after_pass, stop=stop)
                    await serve_alongside(server, work, stop)
                else:
                    await run_forever(collector, tick=tick, after_pass=after_pass)

    try:
        asyncio.run(go())
    except CollectorBusy as exc:
        raise click.ClickException(str(exc)) from None
    click.echo("clippings: stopped.", err=True)
