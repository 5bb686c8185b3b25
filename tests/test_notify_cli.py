"""``clippings digest`` and the notification job that ``clippings run`` schedules."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from click.testing import CliRunner

from scraper.cli import main
from scraper.config.schema import load_config
from scraper.notify import runner
from storage.digests import DigestStore
from tests.desk_fixtures import make_world, save, story
from tests.receivers import SmtpServer, parts


def _sources(tmp_path: Path, port: int, *, at: str = "08:00") -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(
        f"""
settings:
  timezone: UTC
  site_url: https://clips.example.org/
email:
  host: 127.0.0.1
  port: {port}
  security: none
  sender: "Clippings <clippings@example.org>"
digests:
  - name: board
    to: readers
    readers: [board@example.org]
    at: "{at}"
  - name: morning
    to: reviewers
    at: "{at}"
""",
        encoding="utf-8",
    )
    return path


def _cli(tmp_path: Path, sources: Path, *args: str) -> tuple[int, str]:
    db = f"sqlite:///{tmp_path / 'desk.db'}"
    result = CliRunner().invoke(main, [*args, "--db", db, "--sources", str(sources)])
    return result.exit_code, result.output


def test_preview_send_and_log(tmp_path: Path) -> None:
    with SmtpServer() as smtp:
        sources = _sources(tmp_path, smtp.port)
        world = make_world(tmp_path, config=load_config(sources))
        item = save(world.store, story(1, headline="Board-worthy story"), at=datetime.now(UTC))
        world.review.act(item, "approve", user="root", version=None, now=datetime.now(UTC))
        save(world.store, story(2, headline="Waiting in the queue"), at=datetime.now(UTC))
        DigestStore(world.store).set_user_settings(
            "alice", email="alice@example.org", digest=True, now=datetime.now(UTC)
        )
        since = (datetime.now(UTC) - timedelta(days=2)).strftime("%Y-%m-%d")

        code, out = _cli(
            tmp_path, sources, "digest", "preview", "--to", "readers", "--since", since
        )
        assert code == 0, out
        assert "Subject: [News & Updates] 1 story approved" in out
        assert "To: board@example.org" in out
        assert "Board-worthy story" in out
        assert "Waiting in the queue" not in out
        html = tmp_path / "preview.html"
        code, out = _cli(
            tmp_path,
            sources,
            "digest",
            "preview",
            "--name",
            "morning",
            "--since",
            since,
            "--json",
            "--html",
            str(html),
        )
        preview = json.loads(out)
        assert preview["to"] == ["alice@example.org"]
        assert [s["headline"] for s in preview["stories"]] == ["Waiting in the queue"]
        assert "Waiting in the queue" in html.read_text(encoding="utf-8")
        assert smtp.messages == []  # a preview sends nothing

        code, out = _cli(tmp_path, sources, "digest", "send", "--json")
        assert code == 0, out
        assert json.loads(out) == {"planned": 2, "sent": 2, "failed": 0}
        assert sorted(str(m["To"]) for m in smtp.messages) == [
            "alice@example.org",
            "board@example.org",
        ]
        code, out = _cli(tmp_path, sources, "digest", "log")
        assert "board@example.org" in out
        assert "sent" in out
        code, out = _cli(tmp_path, sources, "digest", "send", "--name", "nope")
        assert code == 1
        assert "no digest named 'nope'" in out


def test_the_run_job_sends_a_due_digest(tmp_path: Path) -> None:
    """The APScheduler job that `clippings run` adds plans and sends a digest that is due."""
    with SmtpServer() as smtp:
        just_now = (datetime.now(UTC) - timedelta(minutes=1)).strftime("%H:%M")
        config = load_config(_sources(tmp_path, smtp.port, at=just_now))
        world = make_world(tmp_path, config=config)
        before = datetime.now(UTC) - timedelta(minutes=3)  # before the occurrence: in its window
        item = save(world.store, story(1, headline="Approved just now"), at=before)
        world.review.act(item, "approve", user="root", version=None, now=before)

        async def scenario() -> None:
            scheduler = AsyncIOScheduler(event_loop=asyncio.get_running_loop(), timezone=UTC)
            runner.install(scheduler, config, world.store, every=0.2)
            assert scheduler.get_job("notify") is not None
            scheduler.start()
            try:
                for _ in range(100):
                    if smtp.messages:
                        break
                    await asyncio.sleep(0.1)
            finally:
                scheduler.shutdown(wait=False)

        asyncio.run(scenario())
    assert [str(m["To"]) for m in smtp.messages] == ["board@example.org"]
    assert "Approved just now" in dict(parts(smtp.messages[0]))["text/plain"]


def test_alerts_list_log_and_test(tmp_path: Path, monkeypatch: Any) -> None:
    from scraper.notify import rules
    from tests.receivers import WebhookReceiver

    monkeypatch.setenv("TEST_HOOK_SECRET", "abc")
    with WebhookReceiver([200, 503]) as hook:
        sources = tmp_path / "sources.yaml"
        sources.write_text(
            f"alerts:\n  - {{name: hook, when: new, url: '{hook.url()}', allow_private: true, "
            "secret_env: TEST_HOOK_SECRET, programs: [Group Violence Intervention]}\n",
            encoding="utf-8",
        )
        code, out = _cli(tmp_path, sources, "alerts", "list", "--json")
        assert code == 0, out
        listed = json.loads(out)
        assert listed["name"] == "hook"
        assert listed["signed"] is True
        assert listed["origin"] == "sources.yaml"
        code, out = _cli(tmp_path, sources, "alerts", "test", "hook")
        assert code == 0, out
        assert "delivered (HTTP 200)" in out
        post = hook.posts[0]
        assert rules.verify(
            "abc",
            post.headers["x-clippings-timestamp"],
            post.body,
            post.headers["x-clippings-signature"],
        )
        assert json.loads(post.body)["item"]["headline"] == "Test alert from clippings"
        code, out = _cli(tmp_path, sources, "alerts", "test", "hook")
        assert code == 1
        assert "HTTP 503" in out
        code, out = _cli(tmp_path, sources, "alerts", "log")
        assert "No deliveries yet." in out  # tests are not recorded
