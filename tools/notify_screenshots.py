"""Photograph the coverage report, saved views and notification pages (headless Chromium).

    .venv/bin/python tools/notify_screenshots.py [OUT_DIR]    # default docs/screenshots

Builds a temporary SQLite database with the 30 invented approved stories of
``tests/publishing_demo.py``, a saved view, a digest e-mail that failed and
one that went out, and an alert delivery; serves the desk on 127.0.0.1 and
writes report.png (its top), report-print.pdf, views.png, notifications.png and me.png.
"""

from __future__ import annotations

import secrets
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scraper.config.schema import parse_config
from scraper.pipeline.wiring import open_store
from scraper.web import create_app
from scraper.web.auth import SESSION_COOKIE, hash_password, new_session_cookie
from storage.alerts import AlertStore, Event
from storage.digests import DigestStore
from storage.notify_tables import DigestSendRow
from storage.outbox import claim, due_ids, settle
from storage.review import ReviewStore
from storage.views import ViewStore
from tests.chromium import ARGS, CHROMIUM
from tests.desk_fixtures import live_server
from tests.publishing_demo import add_demo_stories

CONFIG = """
settings: {timezone: America/Chicago, site_url: "https://news.example.org/"}
email:
  host: smtp.example.org
  user: clippings@example.org
  sender: "Clippings <clippings@example.org>"
digests:
  - {name: morning, to: reviewers, every: daily, at: "08:00", days: [mon, tue, wed, thu, fri]}
  - {name: board, to: readers, readers: [director@example.org], every: weekly, at: "09:00"}
alerts:
  - {name: gvi-chicago, when: new, programs: [Group Violence Intervention], cities: ["Chicago, IL"],
     url: "https://hooks.example.org/services/T000/B000/XXXX", format: slack}
"""


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    with tempfile.TemporaryDirectory() as tmp:
        config = parse_config(CONFIG)
        store = open_store(f"sqlite:///{tmp}/desk.db")
        ids = add_demo_stories(store, now=datetime(2024, 3, 30, tzinfo=UTC))
        review = ReviewStore(store)
        review.add_user("maria", hash_password(secrets.token_hex(8)), admin=True, now=now)
        DigestStore(store).set_user_settings(
            "maria", email="maria@example.org", digest=True, now=now
        )
        ViewStore(store).create(
            "GVI in Chicago",
            "status=all&program=Group+Violence+Intervention&city=Chicago%2C+IL",
            owner="maria",
            now=now,
        )
        digests = DigestStore(store)
        yesterday = now - timedelta(days=1)
        digests.plan(
            "board",
            occurrence=yesterday,
            window_start=yesterday - timedelta(days=7),
            recipients=["director@example.org"],
            now=yesterday,
        )
        digests.plan(
            "morning",
            occurrence=now,
            window_start=yesterday,
            recipients=["maria@example.org"],
            now=now,
        )
        first, second = due_ids(store, DigestSendRow, now=now)
        claim(store, DigestSendRow, first, now=now)
        settle(store, DigestSendRow, first, ok=True, now=now, extra={"items": 4})
        claim(store, DigestSendRow, second, now=now)
        settle(
            store,
            DigestSendRow,
            second,
            ok=False,
            now=now,
            error="SMTP error 451: 4.3.0 Mailbox busy, try later (smtp.example.org:587)",
            retry_at=now + timedelta(minutes=5),
        )
        item = store.item(ids[0]) or {}
        event = Event("new", f"new:{ids[0]}", item)
        AlertStore(store).enqueue(
            [("gvi-chicago", event, {"event": "new", "item": {"headline": item.get("headline")}})],
            {"new": max(ids), "approve": 0},
            now=now,
        )
        key = secrets.token_bytes(32)
        app = create_app(config, store, secret_key=key)
        user = next(u for u in review.users() if u.name == "maria")
        cookie, sid = new_session_cookie(key)
        review.create_session(sid, user.id, now=now, lifetime=timedelta(hours=1))
        with live_server(app) as base, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            context.add_cookies([{"name": SESSION_COOKIE, "value": cookie, "url": f"{base}/desk/"}])
            page = context.new_page()
            for name, path in (
                ("report", "/desk/report?from=2023-01-01&to=2024-03-31"),
                ("views", "/desk/views"),
                ("notifications", "/desk/notifications"),
                ("me", "/desk/me"),
            ):
                page.goto(base + path)
                # The report's top (chart and figures); the other pages whole.
                page.screenshot(path=str(out / f"{name}.png"), full_page=name != "report")
                print(out / f"{name}.png")
            page.goto(base + "/desk/report?from=2023-01-01&to=2024-03-31")
            page.emulate_media(media="print")
            page.pdf(path=str(out / "report-print.pdf"), format="A4")
            print(out / "report-print.pdf")
            browser.close()


if __name__ == "__main__":
    main(
        Path(sys.argv[1])
        if len(sys.argv) > 1
        else Path(__file__).resolve().parents[1] / "docs" / "screenshots"
    )
