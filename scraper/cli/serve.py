"""``clippings serve``: the web app (review desk and public pages) over the database."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Generator
from pathlib import Path
from typing import TYPE_CHECKING

import click
import uvicorn

from scraper.cli._common import Context, common_options, main, pass_context
from scraper.cli.welcome import print_where_to_go
from scraper.config.schema import Config
from storage.store import Store

if TYPE_CHECKING:
    from scraper.archive.jobs import Archiver

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def host_port_options(func: click.decorators.FC) -> click.decorators.FC:
    func = click.option(
        "--https",
        is_flag=True,
        help="Served over HTTPS (e.g. behind a TLS proxy): cookies get the Secure flag.",
    )(func)
    func = click.option(
        "--port",
        default=DEFAULT_PORT,
        show_default=True,
        envvar="CLIPPINGS_PORT",
        type=click.IntRange(1, 65535),
        help="Port to listen on (also $CLIPPINGS_PORT).",
    )(func)
    return click.option(
        "--host",
        default=DEFAULT_HOST,
        show_default=True,
        help="Address to listen on (0.0.0.0: every interface; put HTTPS in front).",
    )(func)


def app_config(ctx: Context) -> Config:
    """The configuration, or the defaults when there is no sources.yaml yet."""
    return ctx.config() if Path(ctx.sources_path).exists() else Config()


class _EmbeddedServer(uvicorn.Server):
    """A uvicorn server that leaves SIGINT/SIGTERM to its host (``clippings run --serve``)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


def make_server(
    config: Config,
    store: Store,
    *,
    host: str,
    port: int,
    https: bool,
    embedded: bool = False,
    archiver: Archiver | None = None,
) -> uvicorn.Server:
    """The web app in uvicorn; with ``archiver``, an approval on the desk snapshots at once.

    Alone (not ``embedded``), the server also runs the archive rounds itself.
    """
    from scraper.archive import jobs
    from scraper.web import create_app

    archiver = archiver or jobs.Archiver(config, store)
    app = create_app(
        config,
        store,
        https=https,
        archiver=archiver,
        archive_in_background=not embedded,
        listen_host=host,
    )
    # Forwarded headers are the app's business (settings.trusted_proxies, empty by
    # default): uvicorn's own handling would believe any client on 127.0.0.1.
    uv_config = uvicorn.Config(
        app, host=host, port=port, proxy_headers=False, log_level="info", access_log=False
    )
    return (_EmbeddedServer if embedded else uvicorn.Server)(uv_config)


async def serve_alongside(
    server: uvicorn.Server, work: Awaitable[None], stop: asyncio.Event
) -> None:
    """Run ``server`` and ``work`` in this loop; when either ends, stop the other."""
    serving = asyncio.create_task(server.serve())
    serving.add_done_callback(lambda _task: stop.set())

    async def watch() -> None:
        await stop.wait()
        server.should_exit = True

    watcher = asyncio.create_task(watch())
    try:
        await work
    finally:
        stop.set()
        await asyncio.gather(serving, watcher, return_exceptions=True)


@main.command()
@common_options
@host_port_options
@pass_context
def serve(ctx: Context, host: str, port: int, https: bool) -> None:
    """Serve the review desk (/desk/) and the public pages until Ctrl-C.

    Log in at http://HOST:PORT/desk/login with an account made by
    `clippings users add NAME`. Sessions are signed with $CLIPPINGS_SECRET_KEY
    or the key file $CLIPPINGS_HOME/secret.key (created on first start).
    """
    config = app_config(ctx)
    store = ctx.store()
    server = make_server(config, store, host=host, port=port, https=https)
    print_where_to_go(store, host=host, port=port, https=https)
    click.echo("clippings: serving; Ctrl-C to stop.", err=True)
    with contextlib.suppress(KeyboardInterrupt):  # uvicorn re-raises the Ctrl-C it handled
        server.run()
    click.echo("clippings: stopped.", err=True)
