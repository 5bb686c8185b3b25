"""``clippings sources``: list, check, discover, import and export sources."""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import click
import yaml
from rich import box
from rich.console import Console
from rich.table import Table

from scraper.cli._common import Context, common_options, json_line, main, pass_context
from scraper.cli.netcheck import dns_outage
from scraper.cli.tables import (
    SourceRow,
    interval_words,
    source_failures,
    source_problems,
    sources_table,
    wrap,
)
from scraper.config import search
from scraper.config.schema import Config, format_interval
from scraper.explain.failures import Failure, explain
from scraper.explain.times import ago
from scraper.fetch.client import Fetcher
from scraper.models.errors import FetchError, ParseError
from scraper.models.stored import SourceState
from scraper.pipeline.adapters import fetch_options, source_specs
from scraper.pipeline.discover import discover, suggest_id
from scraper.pipeline.reading import accept_for, read_source
from scraper.schedule.policy import health as policy_health
from scraper.sources.opml import OpmlFeed, read_opml, write_opml
from scraper.sources.registry import kind_of
from scraper.sources.sandbox import Sandbox, default_sandbox


def health(state: SourceState | None, *, unhealthy_after: int = 5) -> str:
    """``new``, ``ok``, ``failing`` (backing off) or ``unhealthy`` (checked rarely)."""
    if state is None:
        return "new"
    return policy_health(
        state.error_count,
        checked=state.last_checked_at is not None,
        unhealthy_after=unhealthy_after,
    )


def _every(state: SourceState | None, configured: timedelta) -> str:
    """The interval in force; ``~`` marks one adapted to the source's publishing rate."""
    if state is None or not state.check_interval_seconds:
        return format_interval(configured)
    current = timedelta(seconds=state.check_interval_seconds)
    mark = "" if current == configured else "~"
    return f"{mark}{format_interval(current)}"


def health_note(state: SourceState | None, now: datetime, *, url: str | None = None) -> str:
    """The reason at a glance, in plain words: ``"3 failures: the address is gone (HTTP 404)"``."""
    if state is None or not state.error_count:
        return ""
    failure = explain(state.last_error, url=url or state.url, status=state.last_status)
    reason = failure.words if failure else "unknown error"
    if state.unhealthy_since is not None:
        return f"since {ago(state.unhealthy_since, now=now).removesuffix(' ago')}: {reason}"
    failures = "1 failure" if state.error_count == 1 else f"{state.error_count} failures"
    return f"{failures}: {reason}"


@main.group()
def sources() -> None:
    """List, check, discover, import and export sources."""


@sources.command("list")
@common_options
@click.option("--json", "as_json", is_flag=True, help="JSON Lines: one source per line.")
@pass_context
def list_sources(ctx: Context, as_json: bool) -> None:
    """Validate sources.yaml and show every source with its health at a glance."""
    config = ctx.config()
    store = ctx.store()
    store.sync_sources(source_specs(config), now=datetime.now(UTC))
    states = {s.id: s for s in store.sources()}
    now = datetime.now(UTC)
    unhealthy_after = config.settings.unhealthy_after
    if as_json:
        for source in config.sources:
            state = states.get(source.id)
            json_line(
                {
                    "id": source.id,
                    "kind": source.kind,
                    "url": source.url,
                    "provider": source.provider,
                    "query": source.query,
                    "outlet": source.outlet,
                    "enabled": source.enabled,
                    "interval": format_interval(config.interval_for(source)),
                    "health": health(state, unhealthy_after=unhealthy_after),
                    "health_note": health_note(state, now) or None,
                    "unhealthy_since": state.unhealthy_since if state else None,
                    "check_interval": _every(state, config.interval_for(source)).lstrip("~"),
                    "interval_in_force": interval_words(config, source, state),
                    "problem": (f.words if (f := _failure(state)) else None),
                    "entries_per_week": state.entries_per_week if state else None,
                    "last_checked": state.last_checked_at if state else None,
                    "last_success": state.last_success_at if state else None,
                    "next_check": state.next_check_at if state else None,
                    "error_count": state.error_count if state else 0,
                    "last_error": state.last_error if state else None,
                    "items_found": state.items_found if state else 0,
                }
            )
        return
    rows = [
        SourceRow(
            source,
            states.get(source.id),
            health(states.get(source.id), unhealthy_after=unhealthy_after),
            _failure(states.get(source.id)),
        )
        for source in config.sources
    ]
    grouped = source_failures(rows)
    title = f"{len(config.sources)} source(s) in {ctx.sources_path}"
    tz = config.settings.tz()
    console = Console()
    console.print(sources_table(rows, config=config, title=title, now=now, tz=tz))
    offline = None if grouped.shared else dns_outage([s.url for s in config.sources if s.enabled])
    for line in ([wrap(offline, width=console.width, indent="")] if offline else []) + (
        source_problems(rows, grouped, now=now, tz=tz, width=console.width)
    ):
        click.echo(line)


def _failure(state: SourceState | None) -> Failure | None:
    if state is None or not state.error_count:
        return None
    return explain(state.last_error, url=state.url, status=state.last_status)


@sources.command()
@common_options
@click.option("--json", "as_json", is_flag=True, help="JSON Lines: one result per source.")
@click.option("--source", "source_ids", multiple=True, metavar="ID", help="Check only this source.")
@pass_context
def check(ctx: Context, as_json: bool, source_ids: tuple[str, ...]) -> None:
    """Validate sources.yaml, then fetch every source once and report (nothing is stored)."""
    config = ctx.config()
    chosen = [s for s in config.sources if not source_ids or s.id in source_ids]
    results = asyncio.run(_check_all(config, chosen))
    failed = [r for r in results if not r["ok"]]
    if as_json:
        for result in results:
            json_line(result)
    else:
        table = Table(
            title=f"sources.yaml is valid; fetched {len(results)} source(s)", box=box.SIMPLE_HEAD
        )
        for column in ("id", "result", "status", "entries", "seconds"):
            table.add_column(column, no_wrap=column != "id", overflow="fold")
        table.add_column("detail", ratio=1, overflow="fold")
        for r in results:
            failure = explain(r["error"], url=r["url"], status=r["status"])
            table.add_row(
                r["id"],
                "[green]ok[/]" if r["ok"] else "[red]error[/]",
                str(r["status"] or "-"),
                str(r["entries"]),
                f"{r['seconds']:.1f}",
                failure.words if failure else (r["title"] or ""),
            )
        Console().print(table)
    if failed:
        sys.exit(1)


async def _check_all(config: Config, chosen: list[Any]) -> list[dict[str, Any]]:
    # The collector's own parse sandbox: a hostile body is handled here as in `collect`.
    settings = config.settings
    sandbox = default_sandbox(workers=settings.parse_workers, time_limit=settings.parse_time_limit)
    async with Fetcher(fetch_options(config)) as fetcher:
        return list(await asyncio.gather(*(_check_one(fetcher, sandbox, s) for s in chosen)))


async def _check_one(fetcher: Fetcher, sandbox: Sandbox, source: Any) -> dict[str, Any]:
    result: dict[str, Any] = {
        "id": source.id,
        "url": source.url,
        "ok": False,
        "status": None,
        "entries": 0,
        "title": None,
        "error": None,
        "seconds": 0.0,
    }
    started = datetime.now(UTC)
    try:
        kind = kind_of(source.kind)
        response = await fetcher.fetch(source.url, accept=accept_for(kind), robots=source.robots)
        result["status"] = response.status
        parsed = await read_source(
            sandbox,
            kind,
            response.body,
            url=response.url,
            headers=response.headers,
            selector=source.selector,
            provider=source.provider or search.provider_of(source.url),
        )
        result.update(
            ok=True, entries=len(parsed.entries), title=parsed.title, error=parsed.warning
        )
    except FetchError as exc:
        result.update(error=exc.reason, status=exc.status)
    except ParseError as exc:
        result.update(error=str(exc))
    result["seconds"] = (datetime.now(UTC) - started).total_seconds()
    return result


def _entry_yaml(entries: list[dict[str, Any]]) -> str:
    return yaml.safe_dump(entries, sort_keys=False, allow_unicode=True, width=100)


@sources.command("discover")
@common_options
@click.argument("url")
@pass_context
def discover_cmd(ctx: Context, url: str) -> None:
    """Find the feeds of a site and print ready sources.yaml entries."""
    config = ctx.config() if Path(ctx.sources_path).exists() else Config()

    async def go() -> list[Any]:
        async with Fetcher(fetch_options(config)) as fetcher:
            return await discover(url, fetcher)

    try:
        found = asyncio.run(go())
    except FetchError as exc:
        raise click.ClickException(f"could not read {url}: {exc.reason}") from exc
    if not found:
        raise click.ClickException(
            f"no feed found at {url}; try a `page` source with a CSS selector for its article links"
        )
    entries = [
        {"id": suggest_id(f.url, f.title), "kind": "feed", "url": f.url, "interval": "30m"}
        for f in found
    ]
    for feed in found:
        click.echo(f"# {feed.title or feed.url}: {feed.entries} entries (found by {feed.how})")
    click.echo(_entry_yaml(entries))


@sources.command("import")
@common_options
@click.argument("opml_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--write", is_flag=True, help="Add the new sources to the sources file itself.")
@pass_context
def import_cmd(ctx: Context, opml_file: Path, write: bool) -> None:
    """Read an OPML file and print (or --write) sources.yaml entries for its feeds.

    Feeds whose URL or id is already configured are skipped.
    """
    try:
        feeds = read_opml(opml_file.read_bytes())
    except ParseError as exc:
        raise click.ClickException(f"{opml_file}: {exc}") from exc
    config = ctx.config() if Path(ctx.sources_path).exists() else Config()
    urls = {s.url for s in config.sources}
    ids = {s.id for s in config.sources}
    entries: list[dict[str, Any]] = []
    for feed in feeds:
        if feed.url in urls:
            continue
        base = suggest_id(feed.url, feed.title)
        source_id, n = base, 2
        while source_id in ids:
            source_id, n = f"{base}-{n}", n + 1
        ids.add(source_id)
        urls.add(feed.url)
        entries.append({"id": source_id, "kind": "feed", "url": feed.url})
    click.echo(f"# {len(entries)} new source(s) of {len(feeds)} in {opml_file}", err=True)
    if not entries:
        return
    text = _entry_yaml(entries)
    if not write:
        click.echo(text)
        return
    _append_sources(Path(ctx.sources_path), text)
    ctx._config = None
    ctx.config()  # re-validate what was written
    click.echo(f"added {len(entries)} source(s) to {ctx.sources_path}", err=True)


def _append_sources(path: Path, entries_yaml: str) -> None:
    """Insert entries at the end of the ``sources:`` list, keeping comments elsewhere."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True) if path.exists() else []
    start = next((i for i, line in enumerate(lines) if line.startswith("sources:")), None)
    block = "".join("  " + line if line.strip() else line for line in entries_yaml.splitlines(True))
    if start is None:
        lines.append("\nsources:\n" + block)
    else:
        if lines[start].strip() in ("sources: []", "sources:[]"):
            lines[start] = "sources:\n"
        end = start + 1
        while end < len(lines) and (not lines[end].strip() or lines[end][0] in " \t#-"):
            end += 1
        while end > start + 1 and not lines[end - 1].strip():
            end -= 1
        lines.insert(end, block)
    path.write_text("".join(lines), encoding="utf-8")


@sources.command("export")
@common_options
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE."
)
@pass_context
def export_cmd(ctx: Context, output: Path | None) -> None:
    """Write the feed and search sources as OPML (stdout, or --output FILE)."""
    config = ctx.config()
    feeds = []
    for source in config.sources:
        category = kind_of(source.kind).opml_category
        if category is None:
            continue
        outlet = config.outlet(source.outlet)
        feeds.append(
            OpmlFeed(
                title=source.outlet or source.id,
                url=source.url,
                homepage=outlet.homepage if outlet else None,
                category=category or None,
            )
        )
    data = write_opml(feeds, title=f"clippings sources ({config.settings.site_title})")
    if output:
        output.write_bytes(data)
        click.echo(f"wrote {len(feeds)} feed(s) to {output}", err=True)
    else:
        sys.stdout.buffer.write(data)
