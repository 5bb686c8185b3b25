"""Digest e-mails against a real SMTP server on 127.0.0.1 (aiosmtpd).

Checked: the MIME parts, the links and the escaping of a hostile headline;
that a restart never sends a digest again; that a refused e-mail is retried
and shown; that a crash between sending and recording sends at most one
duplicate and loses none; and the schedule in a time zone.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from scraper.config.notify import DigestSpec
from scraper.config.schema import Config, parse_config
from scraper.notify import digest, runner
from scraper.notify.schedule import due, latest_occurrence, next_occurrence, previous_occurrence
from storage.digests import DigestStore
from tests.desk_fixtures import T0, make_world, save, story
from tests.receivers import SmtpServer, parts

HOSTILE = '<script>alert("x")</script> Council & "Outreach" <b>bold</b>'
NOW = datetime(2024, 3, 2, 8, 5, tzinfo=UTC)  # five minutes after the 08:00 digest


def config_for(port: int, *, extra: str = "") -> Config:
    return parse_config(
        f"""
settings:
  site_url: https://clips.example.org/
  site_title: GVI News
  timezone: UTC
email:
  host: 127.0.0.1
  port: {port}
  security: none
  sender: "Clippings <clippings@example.org>"
digests:
  - name: morning
    to: reviewers
    every: daily
    at: "08:00"
  - name: readers-weekly
    to: readers
    readers: [director@example.org, board@example.org]
    every: daily
    at: "08:00"
{extra}"""
    )


@pytest.fixture
def smtp() -> Any:
    with SmtpServer() as server:
        yield server


def _world(tmp_path: Path, smtp: SmtpServer) -> Any:
    world = make_world(tmp_path, config=config_for(smtp.port))
    digests = DigestStore(world.store)
    digests.set_user_settings("alice", email="alice@example.org", digest=True, now=T0)
    digests.set_user_settings("bob", email="bob@example.org", digest=False, now=T0)
    save(world.store, story(1, headline=HOSTILE))
    save(world.store, story(2, headline="Calm summer on the east side"))
    approved = save(world.store, story(3, headline="Approved story about call-ins"))
    world.review.act(approved, "approve", user="root", version=None, now=T0 + timedelta(hours=1))
    return world


def _to(message: Any) -> str:
    return str(message["To"])


def test_reviewers_and_readers_get_their_digest_once(tmp_path: Path, smtp: SmtpServer) -> None:
    world = _world(tmp_path, smtp)
    report = runner_tick(world, NOW)
    assert report.sent == 3
    assert report.failed == 0
    by_to = {_to(m): m for m in smtp.messages}
    assert set(by_to) == {"alice@example.org", "director@example.org", "board@example.org"}

    mail = by_to["alice@example.org"]
    assert mail.get_content_type() == "multipart/alternative"
    found = dict(parts(mail))
    assert set(found) == {"text/plain", "text/html"}
    html, text = found["text/html"], found["text/plain"]
    # The hostile headline arrives as text, never as markup.
    assert "<script" not in html
    assert "<b>bold</b>" not in html
    assert "&lt;script&gt;" not in html or "alert" not in html  # tags dropped or escaped
    assert (
        "Council &amp; &#34;Outreach&#34;" in html or "Council &amp; &quot;Outreach&quot;" in html
    )
    assert 'href="https://news.example.org/story/1"' in html
    assert 'href="https://clips.example.org/desk/items/' in html
    assert "February 2024 | Riverton Ledger" in html
    assert "February 2024 | Riverton Ledger" in text
    assert "Pittsburgh, PA · Group Violence Intervention" in text
    assert "Calm summer on the east side" in text
    assert "Approved story" not in text  # approved: not waiting for review

    reader_text = dict(parts(by_to["director@example.org"]))["text/plain"]
    assert "Approved story about call-ins" in reader_text
    assert "Calm summer" not in reader_text
    assert "desk/items" not in reader_text  # readers get no desk links

    # A restart (new objects, same database) plans and sends nothing again.
    again = runner_tick(world, NOW + timedelta(minutes=1))
    assert again.planned == 0
    assert again.sent == 0
    assert len(smtp.messages) == 3
    rows = DigestStore(world.store).sends()
    assert {r.status for r in rows} == {"sent"}


def runner_tick(world: Any, now: datetime) -> runner.TickReport:
    import asyncio

    return asyncio.run(runner.tick(world.config, world.store, now=now))


def test_a_refused_email_is_retried_and_shown(tmp_path: Path, smtp: SmtpServer) -> None:
    world = _world(tmp_path, smtp)
    smtp.refuse_next("451 4.3.0 Mailbox busy, try later")
    first = runner_tick(world, NOW)
    assert first.failed == 1
    assert first.sent == 2
    failing = DigestStore(world.store).sends(status="failed")
    assert len(failing) == 1
    assert "451" in (failing[0].last_error or "")
    assert DigestStore(world.store).failing() == 1
    # Not yet due again one minute later; due after the backoff.
    assert runner_tick(world, NOW + timedelta(minutes=1)).sent == 0
    later = runner_tick(world, NOW + digest.RETRY_DELAYS[0] + timedelta(seconds=1))
    assert later.sent == 1
    assert len(smtp.messages) == 3
    assert DigestStore(world.store).failing() == 0


def test_a_crash_between_send_and_record_sends_at_most_one_duplicate(
    tmp_path: Path, smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = _world(tmp_path, smtp)
    real_settle = digest.settle
    crashed: list[int] = []

    class Crash(BaseException):
        pass

    def settle_then_crash(*args: Any, **kwargs: Any) -> None:
        if kwargs.get("ok") and not crashed:
            crashed.append(args[2])
            raise Crash  # the process dies after the SMTP server took the e-mail
        real_settle(*args, **kwargs)

    monkeypatch.setattr(digest, "settle", settle_then_crash)
    with pytest.raises(Crash):
        runner_tick(world, NOW)
    assert len(smtp.messages) == 1  # sent, but not recorded
    monkeypatch.setattr(digest, "settle", real_settle)

    # Restarted within the lease: the unrecorded e-mail is left alone, the others go out.
    runner_tick(world, NOW + timedelta(minutes=1))
    assert len(smtp.messages) == 3
    # After the lease the unrecorded one is sent again: one duplicate, nothing lost.
    runner_tick(world, NOW + timedelta(minutes=11))
    recipients = sorted(_to(m) for m in smtp.messages)
    assert len(recipients) == 4
    assert len(set(recipients)) == 3
    runner_tick(world, NOW + timedelta(minutes=30))
    assert len(smtp.messages) == 4
    assert {r.status for r in DigestStore(world.store).sends()} == {"sent"}


def test_a_user_who_turned_the_digest_off_gets_none(tmp_path: Path, smtp: SmtpServer) -> None:
    world = _world(tmp_path, smtp)
    DigestStore(world.store).set_user_settings(
        "alice", email="alice@example.org", digest=False, now=T0
    )
    runner_tick(world, NOW)
    assert "alice@example.org" not in {_to(m) for m in smtp.messages}


def _spec(**fields: Any) -> DigestSpec:
    return DigestSpec.model_validate({"name": "d", "to": "reviewers", **fields})


CHICAGO = ZoneInfo("America/Chicago")
SCHEDULES = {
    "daily at 8 in Chicago, after 8": (
        _spec(at="08:00"),
        datetime(2024, 3, 5, 15, 0, tzinfo=UTC),
        datetime(2024, 3, 5, 14, 0, tzinfo=UTC),
        datetime(2024, 3, 4, 14, 0, tzinfo=UTC),
    ),
    "daily at 8 in Chicago, before 8": (
        _spec(at="08:00"),
        datetime(2024, 3, 5, 13, 0, tzinfo=UTC),
        datetime(2024, 3, 4, 14, 0, tzinfo=UTC),
        datetime(2024, 3, 3, 14, 0, tzinfo=UTC),
    ),
    "weekdays skip the weekend": (
        _spec(at="08:00", days=["mon", "tue", "wed", "thu", "fri"]),
        datetime(2024, 3, 11, 15, 0, tzinfo=UTC),  # Monday, after DST began on the 10th
        datetime(2024, 3, 11, 13, 0, tzinfo=UTC),  # 08:00 CDT
        datetime(2024, 3, 8, 14, 0, tzinfo=UTC),  # Friday 08:00 CST
    ),
    "weekly defaults to Monday": (
        _spec(every="weekly", at="09:30"),
        datetime(2024, 3, 7, 12, 0, tzinfo=UTC),  # Thursday
        datetime(2024, 3, 4, 15, 30, tzinfo=UTC),
        datetime(2024, 2, 26, 15, 30, tzinfo=UTC),
    ),
}


@pytest.mark.parametrize(("spec", "now", "latest", "previous"), SCHEDULES.values(), ids=SCHEDULES)
def test_schedule(spec: DigestSpec, now: datetime, latest: datetime, previous: datetime) -> None:
    assert latest_occurrence(spec, now, CHICAGO) == latest
    assert previous_occurrence(spec, latest, CHICAGO) == previous
    assert next_occurrence(spec, latest, CHICAGO) > latest


def test_a_long_missed_occurrence_is_not_sent_late() -> None:
    spec = _spec(at="08:00")
    assert due(spec, datetime(2024, 3, 5, 14, 30, tzinfo=UTC), CHICAGO) is not None
    assert due(spec, datetime(2024, 3, 6, 3, 0, tzinfo=UTC), CHICAGO) is None  # 13 h late


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ("digests:\n  - {name: a, to: readers}\n", "needs a list of `readers`"),
        ("digests:\n  - {name: a, to: reviewers, at: '25:00'}\n", "not a time as HH:MM"),
        ("digests:\n  - {name: a, to: reviewers, days: [someday]}\n", "not a day"),
        ("digests:\n  - {name: a, to: reviewers}\n", "need an `email:` section"),
        ("email: {host: h, sender: a@b.org, password: hunter2}\n", "unknown key 'password'"),
    ],
    ids=["readers without addresses", "bad time", "bad day", "no email section", "no password"],
)
def test_bad_digest_settings_are_refused(block: str, message: str) -> None:
    from scraper.models.errors import ConfigError

    with pytest.raises(ConfigError, match=message):
        parse_config(block)


def test_every_notification_key_is_documented() -> None:
    from scraper.config.notify import AlertSpec, EmailSettings

    docs = (Path(__file__).resolve().parents[1] / "docs" / "notify.md").read_text(encoding="utf-8")
    for model in (EmailSettings, DigestSpec, AlertSpec):
        for key in model.model_fields:
            assert f"| `{key}` |" in docs, f"{model.__name__}.{key} is not in docs/notify.md"


KILLED_SENDER = """
import asyncio, os, signal, sys
sys.path.insert(0, {root!r})
from datetime import datetime
from scraper.config.schema import parse_config
from scraper.notify import digest
from scraper.pipeline.wiring import open_store

config = parse_config(open({sources!r}, encoding="utf-8").read())
store = open_store({db!r})
real = digest.settle

def settle(*args, **kwargs):
    if kwargs.get("ok"):
        os.kill(os.getpid(), signal.SIGKILL)  # dies after the server took the e-mail
    real(*args, **kwargs)

digest.settle = settle
now = datetime.fromisoformat({now!r})
digest.plan_due(config, store, now=now, zone=config.settings.tz())
asyncio.run(digest.send_due(config, store, now=now, zone=config.settings.tz()))
"""


def test_a_process_killed_after_sending_resends_once(tmp_path: Path, smtp: SmtpServer) -> None:
    import subprocess
    import sys

    world = _world(tmp_path, smtp)
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        config_for(smtp.port).model_dump_json(exclude_defaults=True), encoding="utf-8"
    )
    script = KILLED_SENDER.format(
        root=str(Path(__file__).resolve().parents[1]),
        sources=str(sources),
        db=str(world.store.engine.url),
        now=NOW.isoformat(),
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60)
    assert done.returncode == -9, done.stderr.decode()
    assert len(smtp.messages) == 1  # sent, then SIGKILL before the record
    runner_tick(world, NOW + timedelta(minutes=11))  # after the lease
    recipients = [_to(m) for m in smtp.messages]
    assert len(recipients) == 4  # one duplicate
    assert set(recipients) == {"alice@example.org", "director@example.org", "board@example.org"}
    assert {r.status for r in DigestStore(world.store).sends()} == {"sent"}


def test_the_readme_and_guide_examples_are_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sources.yaml snippets of README's "Telling people" and docs/notify.md load."""
    import re

    root = Path(__file__).resolve().parents[1]
    readme = (root / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Telling people", 1)[1].split("\n## ", 1)[0]
    guide = (root / "docs" / "notify.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", section, flags=re.S)
    blocks += re.findall(r"```yaml\n(.*?)```", guide, flags=re.S)
    assert len(blocks) >= 3
    for block in blocks:
        if "digests:" in block and "email:" not in block:
            block = "email: {host: h, sender: a@example.org}\n" + block
        config = parse_config(block)
        assert config.digests or config.alerts
    readme_config = parse_config(re.findall(r"```yaml\n(.*?)```", section, flags=re.S)[0])
    assert [d.name for d in readme_config.digests] == ["morning"]
    assert readme_config.alerts[0].format == "slack"
    monkeypatch.setenv("SLACK_WEBHOOK_URL", "https://hooks.slack.com/services/T0/B0/X")
    assert readme_config.alerts[0].target() == "https://hooks.slack.com/services/T0/B0/X"
