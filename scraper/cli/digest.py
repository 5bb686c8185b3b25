"""``clippings digest``: preview, send now, and the log of digest e-mails."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import click

from scraper.cli._common import Context, common_options, json_line, main, pass_context
from scraper.config.notify import DigestSpec
from scraper.config.schema import Config
from scraper.models.errors import ClippingsError


@main.group()
def digest() -> None:
    """E-mail digests: preview one, send now, see what was sent (docs/notify.md)."""


def _pick(config: Config, *, name: str | None, to: str | None) -> list[DigestSpec]:
    if name:
        found = [d for d in config.digests if d.name == name]
        if not found:
            known = ", ".join(d.name for d in config.digests) or "none"
            raise click.ClickException(f"no digest named {name!r} (digests: {known})")
        return found
    found = [d for d in config.digests if to is None or d.to == to]
    if found:
        return found
    if to is None:
        raise click.ClickException("no digests in sources.yaml (see docs/notify.md)")
    readers = ["readers@example.invalid"] if to == "readers" else []
    return [DigestSpec(name="preview", to=to, readers=readers)]


@digest.command()
@common_options
@click.option("--to", "to", type=click.Choice(["reviewers", "readers"]), help="Which audience.")
@click.option("--name", metavar="NAME", help="A digest of sources.yaml by name.")
@click.option(
    "--since",
    metavar="DATE",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Cover from DATE (UTC) on (default: since the digest's last scheduled time).",
)
@click.option(
    "--html",
    "html_out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the HTML part.",
)
@click.option(
    "--eml", type=click.Path(dir_okay=False, path_type=Path), help="Write the whole e-mail (.eml)."
)
@click.option("--json", "as_json", is_flag=True, help="Subject, recipients and stories as JSON.")
@pass_context
def preview(
    ctx: Context,
    to: str | None,
    name: str | None,
    since: datetime | None,
    html_out: Path | None,
    eml: Path | None,
    as_json: bool,
) -> None:
    """Print the e-mail a digest would send now (nothing is sent or recorded)."""
    from scraper.notify import digest as digests
    from scraper.notify import message
    from scraper.notify.runner import zone_of
    from scraper.notify.schedule import latest_occurrence

    config = ctx.config()
    store = ctx.store()
    now = datetime.now(UTC)
    zone = zone_of(config)
    specs = _pick(config, name=name, to=to)
    for spec in specs if (name or to) else specs[:1]:
        start = since.replace(tzinfo=UTC) if since else latest_occurrence(spec, now, zone)
        rendered = digests.render(config, store, spec, start, now, zone)
        to_list = digests.recipients(spec, store)
        sender = config.email.sender if config.email else "clippings@localhost"
        mail = message.email_message(
            rendered.digest, sender=sender, to=", ".join(to_list) or "(nobody yet)", now=now
        )
        if html_out:
            html_out.write_text(message.html_part(rendered.digest), encoding="utf-8")
        if eml:
            eml.write_bytes(bytes(mail))
        if as_json:
            json_line(
                {
                    "digest": spec.name,
                    "to": to_list,
                    "subject": rendered.digest.subject,
                    "since": start,
                    "until": now,
                    "stories": [
                        {"id": s.item.id, "headline": s.item.headline, "url": s.item.url}
                        for s in rendered.digest.stories
                    ],
                }
            )
            continue
        click.echo(f"Subject: {mail['Subject']}\nFrom: {mail['From']}\nTo: {mail['To']}\n")
        click.echo(message.text_part(rendered.digest))


@digest.command()
@common_options
@click.option("--name", metavar="NAME", help="Only this digest (default: every digest).")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@pass_context
def send(ctx: Context, name: str | None, as_json: bool) -> None:
    """Send the digest(s) now, covering the time since the last scheduled occurrence.

    Recorded like a scheduled send: e-mails that fail are retried by `clippings run`
    and shown on the desk. Exit 1 when an e-mail failed.
    """
    from scraper.notify import digest as digests
    from scraper.notify.runner import zone_of

    config = ctx.config()
    if config.email is None:
        raise click.ClickException("no `email:` section in sources.yaml (see docs/notify.md)")
    store = ctx.store()
    now = datetime.now(UTC)
    zone = zone_of(config)
    planned = 0
    for spec in _pick(config, name=name, to=None):
        planned += digests.plan_now(config, store, spec, now=now, zone=zone)
    try:
        sent, failed = asyncio.run(digests.send_due(config, store, now=now, zone=zone))
    except ClippingsError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        json_line({"planned": planned, "sent": sent, "failed": failed})
    else:
        click.echo(f"{sent} e-mail(s) sent, {failed} failed (of {planned} planned).")
    if failed:
        raise SystemExit(1)


@digest.command(name="log")
@common_options
@click.option("--limit", default=30, show_default=True, help="How many e-mails.")
@click.option("--json", "as_json", is_flag=True, help="JSON Lines.")
@pass_context
def log_command(ctx: Context, limit: int, as_json: bool) -> None:
    """The latest digest e-mails: digest, time, recipient, state, attempts, error."""
    from storage.digests import DigestStore

    rows = DigestStore(ctx.store()).sends(limit=limit)
    if not rows:
        click.echo("No digest e-mails yet.")
        return
    for row in rows:
        if as_json:
            json_line(
                {
                    "id": row.id,
                    "digest": row.digest,
                    "occurrence": row.occurrence,
                    "recipient": row.recipient,
                    "status": row.status,
                    "attempts": row.attempts,
                    "items": row.items,
                    "error": row.last_error,
                    "sent_at": row.sent_at,
                }
            )
        else:
            error = f"  {row.last_error}" if row.last_error else ""
            click.echo(
                f"{row.occurrence:%Y-%m-%d %H:%M} {row.digest:<16} {row.recipient:<30} "
                f"{row.status:<8} x{row.attempts}{error}"
            )
