"""Notifications on the desk: each user's digest setting, and the admins' view of it all.

GET/POST /desk/me                       my e-mail address and digest on/off
GET      /desk/notifications            (admins) digest e-mails and alert deliveries, the
                                        rules (sources.yaml and desk), failures first
POST     /desk/notifications/retry      (admins) send failed e-mails or deliveries again now
POST     /desk/notifications/rules      (admins) add a desk alert rule (its secret shown once)
POST     /desk/notifications/rules/delete   (admins) remove a desk alert rule
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from scraper.config.notify import AlertSpec, is_email
from scraper.notify.alerts import all_rules
from scraper.notify.runner import zone_of
from scraper.notify.schedule import next_occurrence
from scraper.web.common import call, desk, field_value, form_of, guarded, now, redirect, render
from scraper.web.forms import one_line
from storage.alerts import AlertRuleError, AlertStore
from storage.digests import DigestStore
from storage.notify_tables import AlertDeliveryRow, DigestSendRow
from storage.outbox import retry_now

SECRET_BYTES = 32


def _next_digests(request: Request) -> list[tuple[str, datetime]]:
    config = desk(request).config
    zone = zone_of(config)
    moment = now()
    return [
        (d.name, next_occurrence(d, moment, zone).astimezone(zone))
        for d in config.digests
        if d.to == "reviewers"
    ]


@guarded()
async def me_page(request: Request) -> Response:
    digests = DigestStore(desk(request).store)
    mine = await call(digests.user_settings, request.state.user.name)
    sent = await call(digests.sends_to, mine.email) if mine.email else []
    return render(
        request,
        "me.html",
        {"mine": mine, "next": _next_digests(request), "errors": {}, "sent": sent},
    )


@guarded()
async def me_submit(request: Request) -> Response:
    digests = DigestStore(desk(request).store)
    email = one_line(field_value(request, "email"))[:320]
    wants = field_value(request, "digest") == "on"
    errors = {}
    if email and not is_email(email):
        errors["email"] = "Enter an e-mail address like maria@example.org."
    elif wants and not email:
        errors["email"] = "A digest needs an e-mail address."
    if errors:
        mine = await call(digests.user_settings, request.state.user.name)
        return render(
            request,
            "me.html",
            {"mine": mine, "next": _next_digests(request), "errors": errors, "typed": email},
            status=400,
        )
    await call(
        digests.set_user_settings,
        request.state.user.name,
        email=email or None,
        digest=wants,
        now=now(),
    )
    state = "on" if wants else "off"
    return redirect(request, "/desk/me", message=f"Saved: your digest is {state}.")


@guarded(admin=True)
async def notifications_page(request: Request) -> Response:
    state = desk(request)
    digests = DigestStore(state.store)
    alerts = AlertStore(state.store)
    return render(
        request,
        "notifications.html",
        {
            "sends": await call(digests.sends, limit=100),
            "deliveries": await call(alerts.deliveries, limit=100),
            "rules": await call(all_rules, state.config, state.store),
            "digests": state.config.digests,
            "email": state.config.email,
            "errors": {},
        },
    )


@guarded(admin=True)
async def retry(request: Request) -> Response:
    kind = field_value(request, "kind")
    table = DigestSendRow if kind == "digest" else AlertDeliveryRow
    ids = [int(v) for v in form_of(request).getlist("id") if isinstance(v, str) and v.isdigit()]
    done = await call(retry_now, desk(request).store, table, ids, now=now())
    await _audit(request, "notify_retry", f"{kind}: {', '.join(map(str, ids))}"[:500])
    return redirect(
        request, "/desk/notifications", message=f"{done} will be sent again within a minute."
    )


@guarded(admin=True)
async def add_rule(request: Request) -> Response:
    state = desk(request)
    name = one_line(field_value(request, "name"))
    spec = {
        "when": field_value(request, "when") or "new",
        "programs": _list(field_value(request, "programs")),
        "cities": _list(field_value(request, "cities")),
        "outlets": _list(field_value(request, "outlets")),
        "url": one_line(field_value(request, "url")),
        "format": field_value(request, "format") or "json",
        "allow_private": field_value(request, "allow_private") == "on",
    }
    if one_line(field_value(request, "view")):
        spec["view"] = one_line(field_value(request, "view"))
    try:
        AlertSpec.model_validate({**spec, "name": name})
    except ValidationError as exc:
        problems = "; ".join(_problem(e) for e in exc.errors())
        return redirect(request, "/desk/notifications", message=f"Not added: {problems}")
    secret = secrets.token_urlsafe(SECRET_BYTES)
    try:
        await call(
            AlertStore(state.store).add_rule,
            name,
            {**spec, "secret": secret},
            user=request.state.user.name,
            now=now(),
        )
    except AlertRuleError as exc:
        return redirect(request, "/desk/notifications", message=f"Not added: {exc}")
    await _audit(request, "alert_added", f"{name} -> {urlsplit(str(spec['url'])).netloc}")
    return redirect(
        request,
        "/desk/notifications",
        message=f"Added the alert {name!r}. Its signing secret (shown once): {secret}",
    )


@guarded(admin=True)
async def delete_rule(request: Request) -> Response:
    name = field_value(request, "name")
    await call(AlertStore(desk(request).store).remove_rule, name)
    await _audit(request, "alert_removed", name)
    return redirect(request, "/desk/notifications", message=f"Removed the alert {name!r}.")


async def _audit(request: Request, action: str, detail: str) -> None:
    """Who changed where alerts go, or pushed a send, is in the audit log."""
    state = desk(request)
    await call(
        state.review.record, user=request.state.user.name, action=action, now=now(), detail=detail
    )


def _problem(error: Any) -> str:
    where = ".".join(str(p) for p in error["loc"]) or "rule"
    return f"{where}: {str(error['msg']).removeprefix('Value error, ')}"


def _list(value: str) -> list[str]:
    """``"York, PA; Gary, IN"`` or one per line -> a list (commas stay inside names)."""
    parts = value.replace("\r", "").replace("\n", ";").split(";")
    return list(dict.fromkeys(one_line(p) for p in parts if one_line(p)))


def routes() -> list[BaseRoute]:
    return [
        Route("/me", me_page, methods=["GET"], name="me"),
        Route("/me", me_submit, methods=["POST"]),
        Route("/notifications", notifications_page, methods=["GET"], name="notifications"),
        Route("/notifications/retry", retry, methods=["POST"], name="notify_retry"),
        Route("/notifications/rules", add_rule, methods=["POST"], name="notify_rules"),
        Route("/notifications/rules/delete", delete_rule, methods=["POST"], name="notify_delete"),
    ]
