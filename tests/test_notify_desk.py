"""The desk's notification pages: my digest on/off, the admins' log, retries and desk rules."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from scraper.config.schema import parse_config
from scraper.notify import runner
from storage.alerts import AlertStore
from storage.digests import DigestStore
from tests.desk_fixtures import http_client, live_server, make_world, save, sign_in, story
from tests.receivers import SmtpServer, WebhookReceiver


def test_each_user_turns_their_digest_on_and_off(tmp_path: Path) -> None:
    config = parse_config(
        "settings: {timezone: America/Chicago}\n"
        "email: {host: 127.0.0.1, sender: c@example.org}\n"
        "digests:\n  - {name: morning, to: reviewers, at: '08:00'}\n"
    )
    world = make_world(tmp_path, config=config)
    with live_server(world.app) as base, http_client(base) as c:
        csrf = sign_in(c, world, "alice")
        page = c.get("/desk/me")
        assert page.status_code == 200
        assert "morning" in page.text
        assert re.search(r"next on \w{3} \d+ \w{3} at 08:00 C[SD]T", page.text)
        bad = c.post("/desk/me", data={"csrf": csrf, "email": "not an address", "digest": "on"})
        assert bad.status_code == 400
        assert "e-mail address like" in bad.text
        none = c.post("/desk/me", data={"csrf": csrf, "email": "", "digest": "on"})
        assert "needs an e-mail address" in none.text
        ok = c.post("/desk/me", data={"csrf": csrf, "email": "alice@example.org", "digest": "on"})
        assert ok.status_code == 303
        assert DigestStore(world.store).reviewer_addresses() == ["alice@example.org"]
        assert 'value="alice@example.org"' in c.get("/desk/me").text
        c.post("/desk/me", data={"csrf": csrf, "email": "alice@example.org"})
        assert DigestStore(world.store).reviewer_addresses() == []
        forged = c.post(
            "/desk/me", data={"csrf": "wrong", "email": "x@example.org", "digest": "on"}
        )
        assert forged.status_code == 403


def test_admins_see_failures_and_retry_them(tmp_path: Path) -> None:
    now = datetime(2024, 3, 2, 8, 1, tzinfo=UTC)
    with SmtpServer() as smtp, WebhookReceiver([500]) as hook:
        config = parse_config(
            f"""
settings: {{timezone: UTC, site_url: "https://clips.example.org/"}}
email: {{host: 127.0.0.1, port: {smtp.port}, security: none, sender: c@example.org}}
digests:
  - {{name: morning, to: readers, readers: [board@example.org], at: "08:00"}}
alerts:
  - {{name: yaml-rule, when: new, url: "{hook.url()}", allow_private: true}}
"""
        )
        world = make_world(tmp_path, config=config)
        smtp.refuse_next("550 5.1.1 Mailbox unavailable")
        asyncio.run(runner.tick(config, world.store, now=now))  # alerts start here
        save(world.store, story(1, headline="Hostile <script>alert(1)</script> headline"))
        asyncio.run(runner.tick(config, world.store, now=now))
        assert DigestStore(world.store).failing() == 1
        assert AlertStore(world.store).deliveries()[0].last_status == 500

        with live_server(world.app) as base, http_client(base) as c:
            user_csrf = sign_in(c, world, "alice")
            assert c.get("/desk/notifications").status_code == 403
            admin = http_client(base)
            csrf = sign_in(admin, world, "root")
            page = admin.get("/desk/notifications")
            assert page.status_code == 200
            assert "1 digest e-mail(s) and 1 alert(s) failed" in page.text
            assert "550" in page.text
            assert "HTTP 500" in page.text
            assert "yaml-rule" in page.text
            assert "<script>alert(1)" not in page.text
            send = DigestStore(world.store).sends()[0]
            done = admin.post(
                "/desk/notifications/retry",
                data={"csrf": csrf, "kind": "digest", "id": str(send.id)},
            )
            assert done.status_code == 303
            assert DigestStore(world.store).sends()[0].status == "pending"
            asyncio.run(runner.tick(config, world.store, now=now + timedelta(minutes=1)))
            assert [str(m["To"]) for m in smtp.messages] == ["board@example.org"]
            assert DigestStore(world.store).failing() == 0
            DigestStore(world.store).set_user_settings(
                "root", email="board@example.org", digest=False, now=now
            )
            mine = admin.get("/desk/me").text
            assert "My latest digests" in mine
            assert "sent (0 stories)" in mine  # no story was approved in that window

            # A desk rule: added by an admin with a secret shown once, refused for others.
            assert (
                c.post(
                    "/desk/notifications/rules",
                    data={"csrf": user_csrf, "name": "x", "url": hook.url()},
                ).status_code
                == 403
            )
            added = admin.post(
                "/desk/notifications/rules",
                data={
                    "csrf": csrf,
                    "name": "desk-rule",
                    "when": "approved",
                    "url": hook.url(),
                    "format": "slack",
                    "cities": "York, PA; Gary, IN",
                },
            )
            assert added.status_code == 303
            listed = admin.get("/desk/notifications").text
            assert "signing secret (shown once)" in listed
            assert "York, PA; Gary, IN" in listed
            audit = [(e.action, e.user, e.detail) for e in world.review.audit(limit=10)]
            assert ("alert_added", "root", f"desk-rule -> 127.0.0.1:{hook.port}") in audit
            assert any(a == "notify_retry" for a, _u, _d in audit)
            rules = dict(AlertStore(world.store).rules())
            assert rules["desk-rule"]["cities"] == ["York, PA", "Gary, IN"]
            assert len(rules["desk-rule"]["secret"]) >= 40
            invalid = admin.post(
                "/desk/notifications/rules",
                data={"csrf": csrf, "name": "Bad Name", "url": "ftp://x"},
            )
            assert invalid.status_code == 303
            assert "Not added" in admin.get("/desk/notifications").text
            admin.post("/desk/notifications/rules/delete", data={"csrf": csrf, "name": "desk-rule"})
            assert "desk-rule" not in dict(AlertStore(world.store).rules())
            admin.close()
