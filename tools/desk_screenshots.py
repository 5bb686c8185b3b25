"""Photograph the review desk with a morning's invented stories (headless Chromium).

    .venv/bin/python tools/desk_screenshots.py [OUT_DIR]    # default docs/screenshots

Builds a temporary SQLite database with ``tests/desk_demo.py``'s stories and
sources, serves the desk on 127.0.0.1 and writes one PNG per view: the queue as
a list and as cards (each with the reading pane beside it), the reading pane
alone, the edit form, the sources page, and the queue and sources on a phone.
"""

from __future__ import annotations

import secrets
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scraper.pipeline.wiring import open_store
from scraper.web import create_app
from scraper.web.auth import SESSION_COOKIE, hash_password, new_session_cookie
from storage.preferences import set_queue_view
from storage.review import ReviewStore
from tests.chromium import ARGS, CHROMIUM
from tests.desk_demo import add_morning, demo_config
from tests.desk_fixtures import live_server

WIDE = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}


def _login(browser: Any, base: str, review: ReviewStore, key: bytes, **context: Any) -> Any:
    user = next(u for u in review.users() if u.name == "maria")
    cookie, sid = new_session_cookie(key)
    review.create_session(sid, user.id, now=datetime.now(UTC), lifetime=timedelta(hours=1))
    ctx = browser.new_context(**context)
    ctx.add_cookies([{"name": SESSION_COOKIE, "value": cookie, "url": f"{base}/desk/"}])
    return ctx


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        config = demo_config(Path(tmp))
        store = open_store(f"sqlite:///{tmp}/desk.db")
        now = datetime.now(UTC).replace(second=0, microsecond=0)
        york, *_ = add_morning(store, config, now=now)
        review = ReviewStore(store)
        maria = review.add_user(
            "maria", hash_password(secrets.token_hex(8)), admin=True, now=datetime.now(UTC)
        )
        key = secrets.token_bytes(32)
        app = create_app(config, store, secret_key=key)
        with live_server(app) as base, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            ctx = _login(browser, base, review, key, viewport=WIDE)
            page = ctx.new_page()
            for view in ("list", "cards"):
                set_queue_view(store, maria.id, view)
                page.goto(f"{base}/desk/")
                page.locator("#pane .pane-story").wait_for()
                page.screenshot(path=str(out / f"desk-queue-{view}.png"))
            page.locator(f"#item-{york} a[data-open]").click()
            page.locator(f"#pane .pane-story[data-id='{york}']").wait_for()
            page.locator("#pane").screenshot(path=str(out / "desk-reading-pane.png"))
            page.set_viewport_size({"width": 1000, "height": 900})
            page.goto(f"{base}/desk/items/{york}/edit?next=/desk/")
            page.screenshot(path=str(out / "desk-edit.png"), full_page=True)
            page.set_viewport_size({"width": 1200, "height": 640})
            page.goto(f"{base}/desk/sources")
            page.screenshot(path=str(out / "desk-sources.png"), full_page=True)
            ctx.close()
            phone = _login(browser, base, review, key, viewport=PHONE, is_mobile=True)
            page = phone.new_page()
            set_queue_view(store, maria.id, "list")
            page.goto(f"{base}/desk/?program=Group+Violence+Intervention")
            page.screenshot(path=str(out / "desk-phone-queue.png"))
            page.goto(f"{base}/desk/sources")
            page.screenshot(path=str(out / "desk-phone-sources.png"))
            phone.close()
            browser.close()
        store.engine.dispose()
    for name in sorted(out.glob("desk-*.png")):
        print(name)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/screenshots"))
