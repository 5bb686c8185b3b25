"""Alerts: find events, write the deliveries they call for, and post them.

``scan`` reads new stories and approvals past the marks (``storage.alerts``),
matches them against every rule (sources.yaml and the desk) and writes one
delivery per (rule, event) with its JSON payload, moving the marks in the same
transaction. ``deliver_due`` posts pending deliveries (signed, through the
address guard) and records each attempt; a failure is tried again after
``scraper.notify.rules.RETRY_DELAYS``. The first scan starts at the newest
story: turning alerts on does not replay the past.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from scraper.config.notify import AlertSpec
from scraper.config.schema import Config
from scraper.models.errors import ConfigError, DeliveryError
from scraper.notify import outlook, rules, webhook
from storage.alerts import AlertStore, Event
from storage.notify_tables import AlertDeliveryRow
from storage.outbox import claim, due_ids, settle
from storage.store import Store
from storage.views import ViewStore, matching_ids

log = logging.getLogger(__name__)

Poster = Callable[[str, bytes, dict[str, str]], Awaitable[int]]


def all_rules(config: Config, store: Store) -> list[rules.Rule]:
    """Rules of sources.yaml, then the desk's (a desk rule with a taken name is skipped)."""
    out = [rules.Rule(spec=s, origin="sources.yaml") for s in config.alerts]
    names = {r.name for r in out}
    for name, spec in AlertStore(store).rules():
        data = {k: v for k, v in spec.items() if k != "secret"}
        try:
            parsed = AlertSpec.model_validate({**data, "name": name})
        except ValidationError as exc:
            log.warning("desk alert %r is invalid and skipped: %s", name, exc)
            continue
        if name not in names:
            out.append(rules.Rule(spec=parsed, origin="desk", stored_secret=spec.get("secret")))
    return out


def _in_view(store: Store, spec: AlertSpec, events: list[Event]) -> set[int]:
    view = ViewStore(store).get(spec.view or "")
    if view is None:
        raise ConfigError([f"alert {spec.name!r}: there is no saved view {spec.view!r}"])
    flt = replace(outlook.view_filter(view.query), status=None)
    return matching_ids(store, flt, [int(e.item["id"]) for e in events])


def scan(config: Config, store: Store, *, now: datetime) -> int:
    """Write deliveries for events since the last scan; returns how many were written."""
    alerts = AlertStore(store)
    marks = alerts.marks()
    if not {"new", "approve"} <= marks.keys():
        alerts.enqueue([], {**alerts.start_marks(), **marks}, now=now)
        return 0
    events, moved = alerts.events(marks)
    if moved == marks:
        return 0
    deliveries: list[tuple[str, Event, dict[str, Any]]] = []
    for rule in all_rules(config, store):
        fired = [e for e in events if rules.matches(rule.spec, e.kind, e.item)]
        if rule.spec.view and fired:
            try:
                keep = _in_view(store, rule.spec, fired)
            except ConfigError as exc:
                log.warning("%s", exc)
                continue
            fired = [e for e in fired if int(e.item["id"]) in keep]
        for event in fired:
            body = rules.payload(
                event.kind,
                event.item,
                rule=rule.name,
                site_url=config.settings.site_url,
                user=event.user,
            )
            deliveries.append((rule.name, event, body))
    return alerts.enqueue(deliveries, moved, now=now)


async def _post(url: str, content: bytes, headers: dict[str, str], allow_private: bool) -> int:
    return await webhook.post(url, content, headers, allow_private=allow_private)


async def deliver_due(
    config: Config,
    store: Store,
    *,
    now: datetime,
    poster: Callable[..., Awaitable[int]] = _post,
) -> tuple[int, int]:
    """Post every delivery that is due; returns (delivered, failed)."""
    delivered = failed = 0
    by_name = {r.name: r for r in all_rules(config, store)}
    for row_id in due_ids(store, AlertDeliveryRow, now=now):
        row = claim(store, AlertDeliveryRow, row_id, now=now)
        if row is None:
            continue
        rule = by_name.get(row.rule)
        status: int | None = None
        try:
            if rule is None:
                raise DeliveryError("the rule no longer exists", target=row.rule)
            target = rule.spec.target()
            if target is None:
                raise DeliveryError(
                    f"the environment variable {rule.spec.url_env} is not set", target=row.rule
                )
            content = rules.body(rule.spec, row.payload)
            delivery = f"{row.rule}/{row.event}"  # unique per rule and event, kept across retries
            headers = rules.headers(rule.spec, rule.secret(), content, now=now, delivery=delivery)
            allow = rule.spec.allow_private or config.settings.allow_private_networks
            status = await poster(target, content, headers, allow)
        except (DeliveryError, ConfigError) as exc:
            failed += 1
            code = exc.status if isinstance(exc, DeliveryError) else None
            when = rules.retry_at(row.attempts, now) if rule is not None else None
            log.warning("alert %s (%s) failed: %s", row.rule, row.event, exc)
            settle(
                store,
                AlertDeliveryRow,
                row.id,
                ok=False,
                now=now,
                error=str(exc),
                retry_at=when,
                extra={"last_status": code},
            )
            continue
        settle(store, AlertDeliveryRow, row.id, ok=True, now=now, extra={"last_status": status})
        delivered += 1
    return delivered, failed
