"""``clippings collect`` (one pass) and ``clippings run`` (keep collecting)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from scraper.cli._common import Context, common_options, json_line, main, pass_context
from scraper.cli.reload import SourcesWatcher, watch
from scraper.cli.serve import host_port_options, make_server, serve_alongside
from scraper.cli.tables import collect_failures, summary_notes, summary_table
from scraper.cli.welcome import print_where_to_go
from scraper.config.schema import Config
from scraper.explain.failures import explain
from scraper.fetch.client import Fetcher
from scraper.models.errors import CollectorBusy
from scraper.models.stored import SourceState
from scraper.pipeline.adapters import fetch_options, source_specs
from storage.leases import collector_lock
from storage.store import Store

if TYPE_CHECKING:
    from scraper.pipeline.collector import SourceReport

log = logging.getLogger(__name__)


def prepare(ctx: Context) -> tuple[Config, Store]:
    """Config checked, database migrated, sources synced."""
    config = ctx.config()
    store = ctx.store()
    store.sync_sources(source_specs(config), now=datetime.now(UTC))
    if config.settings.allow_private_networks:
        log.warning("allow_private_networks is on: private and loopback addresses will be fetched")
    return config, store


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
    urls = {s.id: s.url for s in states}
    if as_json:
        for report in reports:
            failure = explain(report.error, url=urls.get(report.source_id), status=report.status)
            json_line({**report.to_json(), "reason": failure.words if failure else None})
        return
    grouped = collect_failures(reports, urls=urls)
    console = Console()
    console.print(summary_table(reports))
    failed = [r for r in reports if r.outcome == "error"]
    total_new = sum(r.new for r in reports)
    click.echo(f"{total_new} new item(s) from {len(reports)} source(s); {len(failed)} failed.")
    for line in summary_notes(reports, grouped, width=console.width):
        click.echo(line)


async def _collect(
    config: Config,
    store: Store,
    states: Sequence[SourceState],
    console: Console,
    *,
    quiet: bool,
) -> list[SourceReport]:
    from scraper.archive.jobs import Archiver
    from scraper.pipeline.collector import Collector

    archiver = Archiver(config, store)  # keeps article responses for the snapshot on approve
    async with Fetcher(fetch_options(config)) as fetcher:
        collector = Collector(config, store, fetcher, keep_page=archiver.keep_page)
        # The same collector lock as `clippings run`: two collectors never fetch at once.
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
    from scraper.archive.jobs import Archiver
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
    if serve:
        print_where_to_go(store, host=host, port=port, https=https)

    watchers: list[SourcesWatcher] = []

    def jobs(scheduler: Any) -> None:
        from scraper.notify.runner import install

        install(scheduler, config, store)  # digests and alerts, once a minute
        archiver.install(scheduler)  # snapshots, Save Page Now, link checks, once a minute
        for watcher in watchers:  # an edited sources.yaml applies without a restart
            watch(scheduler, watcher, every=tick)

    archiver = Archiver(config, store)

    async def go() -> None:
        async with Fetcher(fetch_options(config)) as fetcher:
            collector = Collector(config, store, fetcher, keep_page=archiver.keep_page)
            watchers.append(
                SourcesWatcher(
                    ctx.sources_path,
                    config=config,
                    store=store,
                    apply=lambda new: setattr(collector, "config", new),
                )
            )
            # Publishes at start, after each pass, every publish_every s and on exit.
            async with keep_exported(exporter, every=publish_every) as after_pass:
                if once:
                    await run_due(collector)
                    await archiver.run_once(fetcher=fetcher)  # snapshots, link checks
                elif serve:  # one loop: the web app and the scheduler stop together
                    stop = asyncio.Event()
                    server = make_server(
                        config,
                        store,
                        host=host,
                        port=port,
                        https=https,
                        embedded=True,
                        archiver=archiver,
                    )
                    work = run_forever(
                        collector, tick=tick, after_pass=after_pass, stop=stop, more_jobs=jobs
                    )
                    await serve_alongside(server, work, stop)
                else:
                    await run_forever(collector, tick=tick, after_pass=after_pass, more_jobs=jobs)

    try:
        asyncio.run(go())
    except CollectorBusy as exc:
        raise click.ClickException(str(exc)) from None
    click.echo("clippings: stopped.", err=True)
