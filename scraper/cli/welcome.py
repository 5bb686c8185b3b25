"""What ``clippings serve`` and ``clippings run --serve`` print at start: where to go.

The desk and news addresses, and, while there is no account yet, the exact command
that creates the first one (with the same program path and database as this run).
"""

from __future__ import annotations

import os
import shlex
import sys
from typing import TYPE_CHECKING

import click

from scraper.config.schema import DEFAULT_DATABASE_URL

if TYPE_CHECKING:
    from storage.store import Store

__all__ = ["account_command", "where_to_go"]


def account_command(*, program: str, database_url: str) -> str:
    """The command that makes the first desk account, as this program was called."""
    if program.endswith("__main__.py"):  # python -m scraper
        words = [sys.executable, "-m", "scraper"]
    else:
        words = [program if os.sep in program else "clippings"]
    words += ["users", "add", "admin", "--admin"]
    if database_url != DEFAULT_DATABASE_URL and not os.environ.get("CLIPPINGS_DATABASE_URL"):
        words += ["--db", database_url]
    return shlex.join(words)


def where_to_go(
    *, host: str, port: int, https: bool, accounts: int, program: str, database_url: str
) -> list[str]:
    """The lines to print: the two addresses, then the account hint when none exists."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    if ":" in shown:
        shown = f"[{shown}]"
    base = f"{'https' if https else 'http'}://{shown}:{port}"
    lines = [
        f"clippings: review desk at {base}/desk/",
        f"clippings: news page and feeds at {base}/news/",
    ]
    if accounts == 0:
        command = account_command(program=program, database_url=database_url)
        lines.append(
            f"clippings: no desk account yet: create one with `{command}` (it asks for a password)"
        )
    return lines


def print_where_to_go(store: Store, *, host: str, port: int, https: bool) -> None:
    """Print :func:`where_to_go` for ``store`` on stderr (a password in the URL shows as ***)."""
    from storage.review import ReviewStore

    review = ReviewStore(store)
    database_url = store.engine.url.render_as_string(hide_password=True)
    for line in where_to_go(
        host=host,
        port=port,
        https=https,
        accounts=len(review.users()),
        program=sys.argv[0],
        database_url=database_url,
    ):
        click.echo(line, err=True)
