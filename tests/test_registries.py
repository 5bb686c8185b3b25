"""The extension points are registries, and each registry agrees with what names it."""

from __future__ import annotations

import pickle
import typing

import pytest

from scraper.config.schema import SourceKindName
from scraper.sources.kinds import SourceKind
from scraper.sources.registry import KINDS, kind_of
from storage.tags import TAG_TYPES, tag_rows


def test_source_kinds_are_the_kinds_sources_yaml_accepts() -> None:
    assert set(KINDS) == set(typing.get_args(SourceKindName))


@pytest.mark.parametrize("name", sorted(KINDS))
def test_every_kind_parses_in_a_worker_process(name: str) -> None:
    kind = kind_of(name)
    assert isinstance(kind, SourceKind)
    # The sandbox sends the parser to a worker: it must pickle (a module-level function).
    assert pickle.loads(pickle.dumps(kind.parse)) is kind.parse


def test_feed_and_listing_kinds_read_their_own_bodies() -> None:
    rss = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        b"<item><title>One</title><link>https://example.com/a</link></item></channel></rss>"
    )
    html = b'<html><body><a class="h" href="/story-1">Story one</a><a href="/x">x</a></body></html>'
    feed = kind_of("feed").parse(rss, url="https://example.com/feed", headers={}, selector=None)
    page = kind_of("page").parse(html, url="https://example.com/", headers={}, selector="a.h")
    assert [e.url for e in feed.entries] == ["https://example.com/a"]
    assert [e.url for e in page.entries] == ["https://example.com/story-1"]
    assert not kind_of("page").dated
    assert kind_of("page").opml_category is None
    assert kind_of("search").opml_category == "Search"


def test_tag_types_write_one_row_per_distinct_value() -> None:
    rows = tag_rows(7, {"programs": ["A", "A", "B"], "cities": ["York, PA"]})
    assert {(r["kind"], r["value"]) for r in rows} == {
        ("program", "A"),
        ("program", "B"),
        ("city", "York, PA"),
    }
    assert {t.kind for t in TAG_TYPES} == {"program", "city"}
