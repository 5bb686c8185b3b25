"""The queue's orders on both databases (migration 0012_desk): "Newest first" by the
edited or collected publication date, else first seen; "Latest collected" by first seen;
and the per-user queue view."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from scraper.pipeline.wiring import open_store
from storage import preferences
from storage.queue import QueueFilter
from storage.review import ReviewStore
from tests.desk_fixtures import T0, save, story


def _ids(review: ReviewStore, order: str) -> list[int]:
    page = review.queue(QueueFilter(status=None, order=order), per_page=50)  # type: ignore[arg-type]
    return [item["id"] for item in page.items]


def test_newest_first_and_latest_collected(db_url: str) -> None:
    store = open_store(db_url)
    review = ReviewStore(store)
    try:
        a = save(store, story(1, published=T0 - timedelta(days=3)), at=T0)
        b = save(store, replace(story(2), published_at=None), at=T0 - timedelta(days=1))
        c = save(store, story(3, published=T0 - timedelta(hours=5)), at=T0 - timedelta(days=9))
        assert _ids(review, "newest") == [c, b, a]
        assert _ids(review, "collected") == [a, b, c]
        # an edited date counts; an edit that clears it falls back to first seen
        review.edit(a, {"published": "2024-03-02T00:00:00+00:00"}, user="t", now=T0, version=None)
        assert _ids(review, "newest") == [a, c, b]
        review.edit(c, {"published": None}, user="t", now=T0, version=None)
        assert _ids(review, "newest") == [a, b, c]
    finally:
        store.engine.dispose()


def test_queue_view_is_kept_per_user(db_url: str) -> None:
    store = open_store(db_url)
    review = ReviewStore(store)
    try:
        ann = review.add_user("ann", "x", admin=False, now=T0)
        ben = review.add_user("ben", "x", admin=False, now=T0)
        assert preferences.queue_view(store, ann.id) == "cards"
        preferences.set_queue_view(store, ann.id, "list")
        assert preferences.queue_view(store, ann.id) == "list"
        assert preferences.queue_view(store, ben.id) == "cards"
        with pytest.raises(ValueError, match="unknown queue view 'grid'"):
            preferences.set_queue_view(store, ann.id, "grid")  # type: ignore[arg-type]
    finally:
        store.engine.dispose()


def test_review_list_orders_from_the_command_line(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from scraper.cli import main

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    store = open_store(url)
    old = save(store, story(1, published=T0 - timedelta(days=3)), at=T0)
    new = save(store, story(2, published=T0), at=T0 - timedelta(days=1))
    store.engine.dispose()

    def ids(*flags: str) -> list[int]:
        args = ["review", "list", "--json", *flags, "--db", url, "--sources", "/none.yaml"]
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
        return [json.loads(line)["id"] for line in result.output.splitlines() if line.strip()]

    assert ids() == [new, old]
    assert ids("--by-collection") == [old, new]
