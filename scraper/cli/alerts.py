"""``clippings alerts``: the rules, the delivery log, and a test post to a rule's target."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import click

from scraper.cli._common import Context, common_options, json_line, main, pass_context


@main.group()
def alerts() -> None:
    """Webhook and Slack alerts: rules, deliveries, a test post (docs/notify.md)."""


@alerts.command(name="list")
@common_options
@click.option("--json", "as_json", is_flag=True, help="JSON Lines.")
@pass_context
def list_rules(ctx: Context, as_json: bool) -> None:
    """Every alert rule, from sources.yaml and from the desk."""
    from scraper.notify.alerts import all_rules

    rules = all_rules(ctx.config(), ctx.store())
    if not rules:
        click.echo("No alert rules.")
        return
    for rule in rules:
        spec = rule.spec
        if as_json:
            fields = spec.model_dump(exclude={"secret_env", "secret_file", "url_env"})
            json_line({**fields, "origin": rule.origin, "signed": bool(rule.secret())})
            continue
        where = ", ".join(filter(None, ["; ".join(spec.programs), "; ".join(spec.cities)]))
        where = where or "any story"
        click.echo(f"{spec.name:<20} {spec.when:<9} {spec.format:<6} {rule.origin:<13} {where}")


@alerts.command(name="log")
@common_options
@click.option("--rule", metavar="NAME", help="Only this rule's deliveries.")
@click.option("--limit", default=30, show_default=True, help="How many deliveries.")
@click.option("--json", "as_json", is_flag=True, help="JSON Lines.")
@pass_context
def log_command(ctx: Context, rule: str | None, limit: int, as_json: bool) -> None:
    """The latest deliveries: rule, event, state, attempts, HTTP status, error."""
    from storage.alerts import AlertStore

    rows = AlertStore(ctx.store()).deliveries(limit=limit, rule=rule)
    if not rows:
        click.echo("No deliveries yet.")
        return
    for row in rows:
        if as_json:
            json_line(
                {
                    "id": row.id,
                    "rule": row.rule,
                    "event": row.event,
                    "item_id": row.item_id,
                    "status": row.status,
                    "attempts": row.attempts,
                    "http_status": row.last_status,
                    "error": row.last_error,
                    "created_at": row.created_at,
                    "delivered_at": row.delivered_at,
                }
            )
        else:
            error = f"  {row.last_error}" if row.last_error else ""
            click.echo(
                f"{row.created_at:%Y-%m-%d %H:%M} {row.rule:<20} {row.event:<16} "
                f"{row.status:<8} x{row.attempts} {row.last_status or '':>3}{error}"
            )


@alerts.command()
@common_options
@click.argument("name")
@pass_context
def test(ctx: Context, name: str) -> None:
    """Post a sample story to rule NAME's target now (signed; not recorded).

    Exit 1 when the target does not answer 2xx, with the reason.
    """
    from scraper.models.errors import DeliveryError
    from scraper.notify import rules, webhook
    from scraper.notify.alerts import all_rules

    config = ctx.config()
    found = {r.name: r for r in all_rules(config, ctx.store())}
    rule = found.get(name)
    if rule is None:
        raise click.ClickException(f"no alert rule {name!r} (rules: {', '.join(found) or 'none'})")
    target = rule.spec.target()
    if target is None:
        raise click.ClickException(f"the environment variable {rule.spec.url_env} is not set")
    sample = {
        "id": 0,
        "url": "https://news.example.org/clippings-test",
        "headline": "Test alert from clippings",
        "outlet": "clippings",
        "published": datetime.now(UTC).isoformat(),
        "excerpt": "This is a test of the alert rule; no story is attached.",
        "programs": list(rule.spec.programs[:1]),
        "cities": list(rule.spec.cities[:1]),
        "status": "candidate",
    }
    kind = "approve" if rule.spec.when == "approved" else "new"
    payload = rules.payload(kind, sample, rule=name, site_url=config.settings.site_url)
    content = rules.body(rule.spec, payload)
    headers = rules.headers(rule.spec, rule.secret(), content, now=datetime.now(UTC))
    allow = rule.spec.allow_private or config.settings.allow_private_networks
    try:
        status = asyncio.run(webhook.post(target, content, headers, allow_private=allow))
    except DeliveryError as exc:
        click.echo(f"{name}: failed: {exc.reason}", err=True)
        raise SystemExit(1) from exc
    click.echo(f"{name}: delivered (HTTP {status}).")
