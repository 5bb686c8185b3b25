"""``clippings review``: the desk's work from the command line, for scripts.

Every change is recorded in the audit log under ``--user`` (default ``cli``)
and applies to the item as it is now (no version check: a script acts last).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from scraper.cli._common import Context, common_options, json_line, main, pass_context
from scraper.config.schema import Config
from scraper.models.errors import ReviewError
from scraper.web.forms import parse_edit, same_day
from storage.audit import audit_csv
from storage.queue import QueueFilter
from storage.review import ReviewStore
from storage.tables import ITEM_STATUSES

user_option = click.option(
    "--user", default="cli", show_default=True, help="Name recorded in the audit log."
)
json_option = click.option("--json", "as_json", is_flag=True, help="JSON Lines output.")


def _review(ctx: Context) -> ReviewStore:
    return ReviewStore(ctx.store())


def _day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not a date like 2024-03-05") from exc


def _print(items: Sequence[Mapping[str, Any]], *, as_json: bool, title: str) -> None:
    if as_json:
        for item in items:
            json_line(item)
        return
    table = Table(title=title)
    for column in ("id", "status", "published", "outlet", "headline", "tags"):
        table.add_column(column)
    for item in items:
        table.add_row(
            str(item["id"]),
            item["status"],
            (item["published"] or "")[:10],
            item["outlet"] or "",
            (item["headline"] or item["url"])[:90],
            ", ".join([*item["programs"], *item["cities"]])[:60],
        )
    Console().print(table)


@main.group()
def review() -> None:
    """Review stories from scripts: list, approve, reject, edit, undo, audit."""


@review.command("list")
@common_options
@click.option(
    "--status", type=click.Choice([*ITEM_STATUSES, "all"]), default="candidate", show_default=True
)
@click.option("--program", help="Only items tagged with this program.")
@click.option("--city", help='Only items tagged with this city ("City, ST").')
@click.option("--outlet", help="Only items from this outlet.")
@click.option("--source", help="Only items seen in this source (id; 'manual' for submitted).")
@click.option("--since", help="Published on or after this day (YYYY-MM-DD).")
@click.option("--until", help="Published on or before this day (YYYY-MM-DD).")
@click.option("-q", "--search", help="Text to find in headline or article text.")
@click.option("--by-relevance", is_flag=True, help="Most tags first instead of newest first.")
@click.option(
    "--by-collection",
    is_flag=True,
    help="Latest collected first, instead of newest first by publication date.",
)
@click.option("--limit", type=click.IntRange(1, 1000), default=50, show_default=True)
@click.option("--page", type=click.IntRange(min=1), default=1, show_default=True)
@json_option
@pass_context
def list_items(
    ctx: Context,
    status: str,
    program: str | None,
    city: str | None,
    outlet: str | None,
    source: str | None,
    since: str | None,
    until: str | None,
    search: str | None,
    by_relevance: bool,
    by_collection: bool,
    limit: int,
    page: int,
    as_json: bool,
) -> None:
    """The queue (candidates newest first by default), with the desk's filters."""
    flt = QueueFilter(
        status=None if status == "all" else status,
        program=program,
        city=city,
        outlet=outlet,
        source=source,
        since=_day(since),
        until=_day(until),
        text=search,
        order="relevance" if by_relevance else "collected" if by_collection else "newest",
    )
    result = _review(ctx).queue(flt, page=page, per_page=limit)
    _print(result.items, as_json=as_json, title=f"{result.total} item(s), page {page}")


def _act(
    ctx: Context,
    action: str,
    ids: tuple[int, ...],
    user: str,
    as_json: bool,
    reason: str | None = None,
) -> None:
    review_store = _review(ctx)
    failed = 0
    for item_id in ids:
        try:
            item = review_store.act(
                item_id, action, user=user, now=datetime.now(UTC), version=None, reason=reason
            )
        except ReviewError as exc:
            failed += 1
            if as_json:
                json_line({"id": item_id, "ok": False, "error": str(exc)})
            else:
                click.echo(f"{item_id}: {exc}", err=True)
            continue
        if as_json:
            json_line(
                {"id": item_id, "ok": True, "status": item["status"], "version": item["version"]}
            )
        else:
            click.echo(f"{item_id}: {item['status']}")
    if failed:
        sys.exit(1)


def _action_command(action: str, help_text: str) -> None:
    @review.command(action, help=help_text)
    @common_options
    @click.argument("ids", nargs=-1, type=int, required=True)
    @user_option
    @json_option
    @pass_context
    def command(ctx: Context, ids: tuple[int, ...], user: str, as_json: bool) -> None:
        _act(ctx, action, ids, user, as_json)


_action_command("approve", "Approve items (IDS); exit 1 if any could not be approved.")
_action_command("unpublish", "Take approved or published items back to the queue.")
_action_command("promote", "Move filtered or rejected items to the queue.")


@review.command("reject")
@common_options
@click.argument("ids", nargs=-1, type=int, required=True)
@click.option("--reason", help="Why (shown on the card and in the audit log).")
@user_option
@json_option
@pass_context
def reject(
    ctx: Context, ids: tuple[int, ...], reason: str | None, user: str, as_json: bool
) -> None:
    """Reject items (IDS), with an optional reason."""
    _act(ctx, "reject", ids, user, as_json, reason=reason)


@review.command("edit")
@common_options
@click.argument("item_id", type=int)
@click.option("--headline")
@click.option("--excerpt")
@click.option("--date", "published", help="Publication day, YYYY-MM-DD.")
@click.option("--outlet")
@click.option("--program", "programs", multiple=True, help="Program tag (repeatable; replaces).")
@click.option("--no-programs", is_flag=True, help="Remove every program tag.")
@click.option("--city", "cities", multiple=True, help='City tag "City, ST" (repeatable; replaces).')
@click.option("--no-cities", is_flag=True, help="Remove every city tag.")
@click.option("--public-note", help="Note published with the item ('' clears it).")
@click.option("--internal-note", help="Staff-only note ('' clears it).")
@click.option("--approve", is_flag=True, help="Approve in the same change.")
@user_option
@json_option
@pass_context
def edit(
    ctx: Context,
    item_id: int,
    headline: str | None,
    excerpt: str | None,
    published: str | None,
    outlet: str | None,
    programs: tuple[str, ...],
    no_programs: bool,
    cities: tuple[str, ...],
    no_cities: bool,
    public_note: str | None,
    internal_note: str | None,
    approve: bool,
    user: str,
    as_json: bool,
) -> None:
    """Edit an item's headline, excerpt, date, outlet, tags or notes (originals are kept)."""
    config = ctx.config() if ctx.sources_path and _exists(ctx.sources_path) else None
    store = ctx.store()
    review_store = ReviewStore(store)
    item = store.item(item_id)
    if item is None:
        raise click.ClickException(f"no item {item_id}")
    form = {
        "headline": headline if headline is not None else item["headline"] or "",
        "excerpt": excerpt if excerpt is not None else item["excerpt"],
        "published": published if published is not None else (item["published"] or "")[:10],
        "outlet": outlet if outlet is not None else item["outlet"] or "",
        "cities": "; ".join([] if no_cities else cities or item["cities"]),
    }
    chosen = [] if no_programs else list(programs or item["programs"])
    # Known programs: the configuration's (default vocabulary without a sources.yaml)
    # and whatever the item carries already.
    known = [p.name for p in (config or Config()).programs]
    choices = [*known, *item["programs"], *item.get("original", {}).get("programs", [])]
    parsed = parse_edit(form, chosen, program_choices=choices)
    if parsed.errors:
        for field, message in parsed.errors.items():
            click.echo(f"{field}: {message}", err=True)
        sys.exit(2)
    changes = dict(parsed.values)
    original = item.get("original", {}).get("published", item["published"])
    if same_day(changes["published"], original):
        changes["published"] = original
    now = datetime.now(UTC)
    try:
        result = review_store.edit(
            item_id, changes, user=user, now=now, version=None, approve=approve
        )
        if public_note is not None or internal_note is not None:
            result = review_store.set_notes(
                item_id,
                user=user,
                now=now,
                version=None,
                internal=internal_note,
                public=public_note,
            )
    except ReviewError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        json_line(result)
    else:
        click.echo(
            f"{item_id}: saved ({result['status']}); edited: "
            f"{', '.join(result['original']) or 'nothing'}"
        )


def _exists(path: str) -> bool:
    from pathlib import Path

    return Path(path).exists()


@review.command("undo")
@common_options
@user_option
@pass_context
def undo(ctx: Context, user: str) -> None:
    """Undo USER's last change, unless someone changed that item since."""
    try:
        entry, item = _review(ctx).undo_last(user=user, now=datetime.now(UTC))
    except ReviewError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"undone: {entry.action} of item {item['id']} (now {item['status']})")


@review.command("audit")
@common_options
@click.option("--item", "item_id", type=int, help="Only this item's entries.")
@click.option("--limit", type=click.IntRange(min=1), default=100, show_default=True)
@click.option("--csv", "as_csv", is_flag=True, help="The whole log as CSV.")
@json_option
@pass_context
def audit(ctx: Context, item_id: int | None, limit: int, as_csv: bool, as_json: bool) -> None:
    """Who did what to which item and when (newest first)."""
    review_store = _review(ctx)
    if as_csv:
        click.echo(audit_csv(review_store.audit(item_id=item_id, limit=None)), nl=False)
        return
    for e in review_store.audit(item_id=item_id, limit=limit):
        if as_json:
            json_line(
                {
                    "id": e.id,
                    "at": e.at.isoformat(),
                    "user": e.user,
                    "action": e.action,
                    "item_id": e.item_id,
                    "before": e.before,
                    "after": e.after,
                    "detail": e.detail,
                    "undone": e.undone,
                }
            )
        else:
            click.echo(
                f"{e.at:%Y-%m-%d %H:%M} {e.user} {e.action} "
                f"{e.item_id or ''} {e.detail or ''}".rstrip()
            )
