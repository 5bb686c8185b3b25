"""``clippings users``: accounts of the review desk."""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import click

from scraper.cli._common import Context, common_options, json_line, main, pass_context
from scraper.models.errors import ReviewError
from scraper.web.auth import check_password_strength, hash_password
from storage.login_throttle import LoginPolicy, LoginThrottle
from storage.review import ReviewStore


def _review(ctx: Context) -> ReviewStore:
    return ReviewStore(ctx.store())


def _read_password(from_stdin: bool) -> str:
    """Prompted twice on a terminal; the first line of stdin for scripts."""
    if from_stdin or not sys.stdin.isatty():
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    problem = check_password_strength(password)
    if problem:
        raise click.ClickException(problem)
    return password


@main.group()
def users() -> None:
    """Accounts that can log in to the review desk."""


@users.command("add")
@common_options
@click.argument("name")
@click.option("--admin", is_flag=True, help="May see the audit log.")
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin's first line.")
@pass_context
def add_user(ctx: Context, name: str, admin: bool, password_stdin: bool) -> None:
    """Create an account NAME (the password is prompted, or read from stdin)."""
    name = name.strip()
    if not name or len(name) > 100 or any(c.isspace() for c in name):
        raise click.BadParameter("a name of 1-100 characters without spaces", param_hint="NAME")
    review = _review(ctx)
    password = _read_password(password_stdin)
    try:
        review.add_user(name, hash_password(password), admin=admin, now=datetime.now(UTC))
    except ReviewError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"added {'admin' if admin else 'user'} {name}")


@users.command("list")
@common_options
@click.option("--json", "as_json", is_flag=True, help="One JSON object per user.")
@pass_context
def list_users(ctx: Context, as_json: bool) -> None:
    """List accounts."""
    review = _review(ctx)
    for user in review.users():
        sessions = review.count_sessions(user.name)
        if as_json:
            json_line(
                {
                    "name": user.name,
                    "admin": user.is_admin,
                    "created": user.created_at.isoformat(),
                    "sessions": sessions,
                }
            )
        else:
            role = "admin" if user.is_admin else "reviewer"
            click.echo(
                f"{user.name}\t{role}\t{sessions} session(s)\tsince {user.created_at:%Y-%m-%d}"
            )


@users.command("passwd")
@common_options
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin's first line.")
@pass_context
def passwd(ctx: Context, name: str, password_stdin: bool) -> None:
    """Set NAME's password; their sessions end (they log in again)."""
    review = _review(ctx)
    password = _read_password(password_stdin)
    now = datetime.now(UTC)
    try:
        review.set_password(name, hash_password(password), now=now)
    except ReviewError as exc:
        raise click.ClickException(str(exc)) from exc
    review.record(user="cli", action="password_changed", now=now, detail=name)
    click.echo(f"password of {name} changed; their sessions ended")


@users.command("remove")
@common_options
@click.argument("name")
@pass_context
def remove(ctx: Context, name: str) -> None:
    """Delete the account NAME and end its sessions (the audit log keeps the name)."""
    try:
        _review(ctx).remove_user(name)
    except ReviewError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"removed {name}")


@users.command("unlock")
@common_options
@click.argument("name")
@click.option("--json", "as_json", is_flag=True, help="Print what was cleared as JSON.")
@pass_context
def unlock(ctx: Context, name: str, as_json: bool) -> None:
    """Let NAME log in again at once: clear their lockouts and login delays.

    Failed logins lock NAME only from the address they came from; this clears
    those locks (from every address) and the account's growing delay.
    """
    store = ctx.store()
    throttle = LoginThrottle(store, LoginPolicy())
    now = datetime.now(UTC)
    locked = throttle.locks(name, now=now)
    cleared = throttle.unlock(name)
    ReviewStore(store).record(
        user="cli", action="unlock", now=now, detail=f"{name}: {len(locked)} lock(s) cleared"
    )
    if as_json:
        json_line({"name": name, "locks": [a for a, _ in locked], "cleared": cleared})
    elif locked:
        addresses = ", ".join(address for address, _ in locked)
        click.echo(f"unlocked {name} (was locked from {addresses})")
    else:
        click.echo(
            f"{name} was not locked; failure counts cleared"
            if cleared
            else f"{name} was not locked"
        )
