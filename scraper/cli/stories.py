"""``clippings stories``: one story, many copies, from the command line.

``show ITEM`` lists the copies of an item's story; ``split ITEM`` takes a
wrongly grouped copy out into a story of its own; ``merge A B`` puts B's
story into A's; ``primary ITEM`` makes ITEM the copy the story links to;
``history ITEM`` lists the changes of a stored article; ``reindex``
fingerprints items stored before stories existed. Changes are recorded in
the audit log under ``--user`` (default ``cli``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from scraper.cli._common import Context, common_options, json_line, main, pass_context
from scraper.models.errors import StoryError
from scraper.models.stored import StoryRecord
from storage import revisions
from storage import stories as repo

user_option = click.option(
    "--user", default="cli", show_default=True, help="Name recorded in the audit log."
)
json_option = click.option("--json", "as_json", is_flag=True, help="One JSON object.")


def _now() -> datetime:
    return datetime.now(UTC)


def _act(
    store: Any, op: repo.StoryOp, item: int, *, user: str, other: int | None = None
) -> StoryRecord:
    """The desk's own story action (the change and its audit row in one transaction)."""
    return _run(lambda: repo.act_on_story(store, op, item, user=user, now=_now(), other=other))


def _show(story: StoryRecord, *, as_json: bool) -> None:
    if as_json:
        json_line(story)
        return
    table = Table(title=f"story {story['id']}: {len(story['items'])} copy(ies)")
    for column in ("item", "primary", "published", "outlet", "headline"):
        table.add_column(column)
    for item in story["items"]:
        table.add_row(
            str(item["id"]),
            "yes" if item["primary"] else "",
            item["published"][:10],
            item["outlet"] or "",
            (item["headline"] or item["url"])[:80],
        )
    Console().print(table)


def _run(call: Callable[[], StoryRecord]) -> StoryRecord:
    try:
        return call()
    except StoryError as exc:
        raise click.ClickException(str(exc)) from exc


@main.group()
def stories() -> None:
    """Stories and their copies: show, split, merge, choose the primary copy."""


@stories.command("show")
@common_options
@json_option
@click.argument("item", type=int)
@pass_context
def show(ctx: Context, as_json: bool, item: int) -> None:
    """The story of ITEM and all its copies (primary first)."""
    store = ctx.store()
    _show(_run(lambda: repo.story(store, item)), as_json=as_json)


@stories.command("split")
@common_options
@user_option
@json_option
@click.argument("item", type=int)
@pass_context
def split(ctx: Context, user: str, as_json: bool, item: int) -> None:
    """Take ITEM out of its story into a story of its own (a new candidate)."""
    store = ctx.store()
    _show(_act(store, "split", item, user=user), as_json=as_json)


@stories.command("merge")
@common_options
@user_option
@json_option
@click.argument("into", metavar="A", type=int)
@click.argument("other", metavar="B", type=int)
@pass_context
def merge(ctx: Context, user: str, as_json: bool, into: int, other: int) -> None:
    """Put B's whole story into A's story; A's primary copy stays primary."""
    store = ctx.store()
    _show(_act(store, "merge", into, user=user, other=other), as_json=as_json)


@stories.command("primary")
@common_options
@user_option
@json_option
@click.argument("item", type=int)
@pass_context
def primary(ctx: Context, user: str, as_json: bool, item: int) -> None:
    """Make ITEM the copy its story shows and links to (its review state moves to it)."""
    store = ctx.store()
    _show(_act(store, "primary", item, user=user), as_json=as_json)


@stories.command("history")
@common_options
@click.option("--json", "as_json", is_flag=True, help="JSON Lines: one change per line.")
@click.argument("item", type=int)
@pass_context
def history(ctx: Context, as_json: bool, item: int) -> None:
    """Changes of ITEM's article (corrected headline or text), oldest first."""
    changes = revisions.revisions(ctx.store(), item)
    if as_json:
        for change in changes:
            json_line(change)
        return
    if not changes:
        click.echo(f"item {item} has not changed since it was first stored")
    for change in changes:
        fields = ", ".join(change["fields"])
        click.echo(f"revision {change['revision']} until {change['changed_at']}: {fields}")
        if "headline" in change["before"]:
            click.echo(f"  headline was: {change['before']['headline']}")


@stories.command("reindex")
@common_options
@pass_context
def reindex(ctx: Context) -> None:
    """Fingerprint and group items stored before stories existed."""
    count = revisions.reindex(ctx.store(), now=_now())
    click.echo(f"{count} item(s) indexed")
