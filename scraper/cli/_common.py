"""What every subcommand shares: the root group, --sources/--db, config and store loading."""

from __future__ import annotations

import functools
import json
import logging
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import click

from scraper import __version__
from scraper.config.schema import Config, database_url, load_config
from scraper.models.errors import ConfigError

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_SOURCES = "sources.yaml"


@dataclass
class Context:
    """Options that every subcommand takes, resolved lazily."""

    sources_path: str = DEFAULT_SOURCES
    db_url: str | None = None
    _config: Config | None = None

    def config(self) -> Config:
        if self._config is None:
            try:
                self._config = load_config(self.sources_path)
            except ConfigError as exc:
                click.echo(
                    f"clippings: {len(exc.problems)} problem(s) in the configuration:", err=True
                )
                for problem in exc.problems:
                    click.echo(f"  {problem}", err=True)
                raise SystemExit(2) from exc
        return self._config

    def database_url(self) -> str:
        return database_url(self._config if self._config else self._try_config(), self.db_url)

    def _try_config(self) -> Config | None:
        return self.config() if Path(self.sources_path).exists() else None

    def store(self) -> Any:
        from scraper.pipeline.wiring import store_for
        from storage.db import open_database

        url = self.database_url()
        try:
            engine = open_database(url)
        except Exception as exc:
            raise click.ClickException(f"cannot open the database {url}: {exc}") from exc
        current = click.get_current_context(silent=True)
        if current is not None:
            current.call_on_close(engine.dispose)  # no pooled connection outlives the command
        return store_for(engine)


def _set_sources(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value is not None:
        ctx.ensure_object(Context).sources_path = value


def _set_db(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value is not None:
        ctx.ensure_object(Context).db_url = value


def common_options(func: F) -> F:
    """``--sources FILE`` and ``--db URL``, accepted on every command."""
    func = click.option(
        "--db",
        metavar="URL",
        expose_value=False,
        callback=_set_db,
        help="Database URL (default: settings.database_url, $CLIPPINGS_DATABASE_URL, "
        "or a SQLite file under $CLIPPINGS_HOME).",
    )(func)
    return click.option(
        "--sources",
        metavar="FILE",
        expose_value=False,
        callback=_set_sources,
        help="The sources.yaml to use (default: ./sources.yaml or $CLIPPINGS_SOURCES).",
    )(func)


def pass_context(func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context().ensure_object(Context)
        return func(ctx, *args, **kwargs)

    return wrapper


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def json_line(value: Any) -> None:
    """One JSON object on one line (JSON Lines); datetimes as ISO 8601."""
    click.echo(json.dumps(value, ensure_ascii=False, default=_json_default))


def setup_logging(verbosity: int) -> None:
    level = logging.WARNING - 10 * verbosity
    logging.basicConfig(
        level=max(level, logging.DEBUG),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    if verbosity < 2:
        for noisy in ("httpx", "httpcore", "apscheduler", "trafilatura", "htmldate", "alembic"):
            logging.getLogger(noisy).setLevel(max(logging.WARNING, level))
        # "skipped: maximum number of running instances reached" is normal: a pass outlasted a tick
        logging.getLogger("apscheduler").setLevel(logging.ERROR)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="clippings")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for HTTP details).")
@common_options
@click.pass_context
def main(ctx: click.Context, verbose: int) -> None:
    """clippings: collect press stories, understand them, review and publish them.

    Start with `clippings collect` (one pass over sources.yaml) or `clippings run`
    (keep collecting on a schedule). Every command takes --sources FILE and --db URL.
    """
    obj = ctx.ensure_object(Context)
    env_sources = os.environ.get("CLIPPINGS_SOURCES")
    if env_sources and obj.sources_path == DEFAULT_SOURCES:
        obj.sources_path = env_sources
    setup_logging(verbose)
