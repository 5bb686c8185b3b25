"""Digest e-mails: plan each due occurrence, then send its e-mails one by one.

``plan_due`` writes a ``digest_sends`` row per recipient of every digest
whose occurrence is due (``scraper.notify.schedule``); ``send_due`` claims
rows (``storage.outbox``), builds each e-mail from what the window holds at
that moment and sends it over SMTP. A failed e-mail is tried again with
backoff and shown on the desk's notifications page; nothing is planned twice,
so a restart never sends a digest again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, tzinfo
from email.message import EmailMessage

from scraper.config.notify import DigestSpec, EmailSettings
from scraper.config.schema import Config
from scraper.models.errors import ConfigError, DeliveryError
from scraper.models.stored import ItemRecord
from scraper.notify import message, outlook
from scraper.notify.schedule import due, latest_occurrence, previous_occurrence
from scraper.notify.smtp import send_email
from storage.digests import DigestStore
from storage.notify_tables import DigestSendRow
from storage.outbox import claim, due_ids, settle
from storage.store import Store
from storage.views import ViewStore, matching_ids

log = logging.getLogger(__name__)

# Waits before attempts 2, 3, ...: 5 min, 30 min, 2 h, 6 h; then it is shown as given up.
RETRY_DELAYS = (
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
)
Sender = Callable[[EmailSettings, EmailMessage, str | None], None]


def _smtp(settings: EmailSettings, mail: EmailMessage, password: str | None) -> None:
    send_email(settings, mail, password=password)


@dataclass(frozen=True, slots=True)
class Rendered:
    digest: message.Digest
    items: int


def recipients(spec: DigestSpec, store: Store) -> list[str]:
    if spec.to == "readers":
        return list(dict.fromkeys(spec.readers))
    return DigestStore(store).reviewer_addresses()


def items_for(spec: DigestSpec, store: Store, since: datetime, until: datetime) -> list[ItemRecord]:
    """The stories of one window: new candidates or approvals, within the view if one is set."""
    digests = DigestStore(store)
    found = (
        digests.new_candidates(since, until)
        if spec.to == "reviewers"
        else digests.approved(since, until)
    )
    if spec.view:
        view = ViewStore(store).get(spec.view)
        if view is None:
            raise ConfigError([f"digest {spec.name!r}: there is no saved view {spec.view!r}"])
        flt = replace(outlook.view_filter(view.query), status=None)  # the digest picks statuses
        keep = matching_ids(store, flt, [int(i["id"]) for i in found])
        found = [i for i in found if int(i["id"]) in keep]
    return found


def render(
    config: Config, store: Store, spec: DigestSpec, since: datetime, until: datetime, zone: tzinfo
) -> Rendered:
    found = items_for(spec, store, since, until)
    settings = config.settings
    digest = message.build_digest(
        found,
        audience=spec.to,
        name=spec.name,
        window=(since, until),
        site_url=settings.site_url,
        site_title=settings.site_title,
        zone=zone,
        subject=spec.subject,
    )
    return Rendered(digest=digest, items=len(found))


def plan_due(config: Config, store: Store, *, now: datetime, zone: tzinfo) -> int:
    """Rows for every digest occurrence due now; returns how many e-mails were planned."""
    planned = 0
    digests = DigestStore(store)
    for spec in config.digests:
        occurrence = due(spec, now, zone)
        if occurrence is None or digests.planned(spec.name, occurrence):
            continue
        start = previous_occurrence(spec, occurrence, zone)
        to = recipients(spec, store)
        planned += digests.plan(
            spec.name, occurrence=occurrence, window_start=start, recipients=to, now=now
        )
        log.info("digest %s of %s: %d recipient(s)", spec.name, occurrence, len(to))
    return planned


def plan_now(config: Config, store: Store, spec: DigestSpec, *, now: datetime, zone: tzinfo) -> int:
    """``clippings digest send``: an occurrence now, covering since the last scheduled one."""
    start = latest_occurrence(spec, now, zone)
    if start >= now:
        start = previous_occurrence(spec, now, zone)
    return DigestStore(store).plan(
        spec.name, occurrence=now, window_start=start, recipients=recipients(spec, store), now=now
    )


def retry_at(attempts: int, now: datetime) -> datetime | None:
    if attempts > len(RETRY_DELAYS):
        return None
    return now + RETRY_DELAYS[attempts - 1]


async def send_due(
    config: Config,
    store: Store,
    *,
    now: datetime,
    zone: tzinfo,
    sender: Sender = _smtp,
) -> tuple[int, int]:
    """Send every e-mail due; returns (sent, failed)."""
    sent = failed = 0
    specs = {d.name: d for d in config.digests}
    for row_id in due_ids(store, DigestSendRow, now=now):
        row = claim(store, DigestSendRow, row_id, now=now)
        if row is None:
            continue  # another process has it
        spec = specs.get(row.digest)
        try:
            if spec is None:
                raise DeliveryError(
                    "this digest is no longer in sources.yaml", target=row.recipient
                )
            if config.email is None:
                raise DeliveryError("no `email:` section in sources.yaml", target=row.recipient)
            email = config.email
            rendered = render(config, store, spec, row.window_start, row.occurrence, zone)
            mail = message.email_message(
                rendered.digest, sender=email.sender, to=row.recipient, now=now
            )
            password = email.password() if email.user else None
            await asyncio.to_thread(sender, email, mail, password)
        except (DeliveryError, ConfigError) as exc:
            failed += 1
            when = retry_at(row.attempts, now) if spec is not None else None
            log.warning("digest %s to %s failed: %s", row.digest, row.recipient, exc)
            settle(store, DigestSendRow, row.id, ok=False, now=now, error=str(exc), retry_at=when)
            continue
        # A crash here (sent, not yet recorded) resends this one e-mail once after the lease.
        settle(store, DigestSendRow, row.id, ok=True, now=now, extra={"items": rendered.items})
        sent += 1
    return sent, failed
