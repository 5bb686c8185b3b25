"""Published feeds: read back by feedparser and our own parser field by field, JSON Feed schema,
hostile input made harmless, stable ids, slugs and dates."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import feedparser
import jsonschema
import pytest
from lxml import etree

from scraper.pipeline.wiring import open_store
from scraper.publish.model import clean_line, clean_paragraphs, month_year, public_item, slugify
from scraper.publish.publisher import Publisher
from scraper.publish.site import Site
from scraper.sources.parse import parse_feed
from storage.publishing import approve_items, public_items
from storage.store import Store
from tests.publishing_helpers import NOW, add_story, config, edit

GVI = "Group Violence Intervention"
PSN = "Project Safe Neighborhoods"

RFC3339 = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"
URL = r"^https?://[^\s]+$"
_AUTHOR = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "url": {"type": "string", "pattern": URL},
        "avatar": {"type": "string", "pattern": URL},
    },
    "additionalProperties": False,
    "minProperties": 1,
}
# JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/) as a JSON Schema: required keys, types,
# URLs and RFC 3339 dates; unknown keys must be extensions (a leading underscore).
JSON_FEED_1_1: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["version", "title", "items"],
    "properties": {
        "version": {"const": "https://jsonfeed.org/version/1.1"},
        "title": {"type": "string"},
        "home_page_url": {"type": "string", "pattern": URL},
        "feed_url": {"type": "string", "pattern": URL},
        "description": {"type": "string"},
        "user_comment": {"type": "string"},
        "next_url": {"type": "string", "pattern": URL},
        "icon": {"type": "string", "pattern": URL},
        "favicon": {"type": "string", "pattern": URL},
        "authors": {"type": "array", "items": _AUTHOR},
        "language": {"type": "string", "pattern": r"^[A-Za-z]{2,3}(-[A-Za-z0-9]+)*$"},
        "expired": {"type": "boolean"},
        "hubs": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["type", "url"],
                "properties": {"type": {"type": "string"}, "url": {"type": "string"}},
            },
        },
        "items": {"type": "array", "items": {"$ref": "#/$defs/item"}},
    },
    "patternProperties": {"^_": {"type": "object"}},
    "additionalProperties": False,
    "$defs": {
        "item": {
            "type": "object",
            "required": ["id"],
            "anyOf": [{"required": ["content_html"]}, {"required": ["content_text"]}],
            "properties": {
                "id": {"type": "string", "minLength": 1},
                "url": {"type": "string", "pattern": URL},
                "external_url": {"type": "string", "pattern": URL},
                "title": {"type": "string"},
                "content_html": {"type": "string"},
                "content_text": {"type": "string"},
                "summary": {"type": "string"},
                "image": {"type": "string", "pattern": URL},
                "banner_image": {"type": "string", "pattern": URL},
                "date_published": {"type": "string", "pattern": RFC3339},
                "date_modified": {"type": "string", "pattern": RFC3339},
                "authors": {"type": "array", "items": _AUTHOR},
                "tags": {"type": "array", "items": {"type": "string"}},
                "language": {"type": "string"},
                "attachments": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["url", "mime_type"],
                        "properties": {
                            "url": {"type": "string", "pattern": URL},
                            "mime_type": {"type": "string"},
                        },
                    },
                },
            },
            "patternProperties": {"^_": {"type": "object"}},
            "additionalProperties": False,
        }
    },
}

HOSTILE_HEADLINE = (
    '<script>alert("x")</script>Mayor &amp praises <b onmouseover="steal()">outreach</b>'
    "\x07\x1b &#xZZ; workers"
)
HOSTILE_EXCERPT = (
    '<a href="javascript:alert(1)">Read this</a> <img src=x onerror="steal()">'
    "“We keep showing up,” said Odile Marchetti.\x0b<iframe src=//evil.example></iframe>"
    "<style>body{display:none}</style>"
)


@pytest.fixture
def store(db_url: str) -> Store:
    return open_store(db_url)


def _site(store: Store, **settings: Any) -> Site:
    return Publisher(config(**settings), store).current().site


def _stories(store: Store) -> list[int]:
    ids = [
        add_story(
            store,
            "peace-walk",
            headline="Peace walk draws three hundred neighbours",
            excerpt="“Every block that walks with us is a block we keep,” said organiser Lena Ruiz.",
            programs=(GVI,),
            cities=("York, PA",),
            published=datetime(2017, 7, 12, 14, 0, tzinfo=UTC),
        ),
        add_story(
            store,
            "grant",
            headline="Ten cities share a federal grant",
            excerpt="The grant funds street outreach for two years.",
            programs=(PSN, GVI),
            cities=("Gary, IN", "Oakland, CA"),
            published=datetime(2018, 2, 1, 9, 30, tzinfo=UTC),
            outlet="Harbor Weekly",
        ),
        add_story(
            store,
            "essay",
            headline="What we learned from a decade of call-ins",
            excerpt="",
            published=None,
            outlet="The Riverton Review",
        ),
    ]
    approve_items(store, ids, now=NOW)
    return ids


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Group Violence Intervention", "group-violence-intervention"),
        ("York, PA", "york-pa"),
        (
            "National Initiative for Building Community Trust and Justice",
            "national-initiative-for-building-community-trust-and-justice",
        ),
        ("Española, NM", "espanola-nm"),
        ("  Support & Outreach  ", "support-outreach"),
    ],
    ids=["program", "city", "long program", "accent folded", "punctuation and spaces"],
)
def test_slugs_are_readable(name: str, slug: str) -> None:
    assert slugify(name) == slug


def test_a_name_without_letters_still_gets_a_stable_slug() -> None:
    assert slugify("!!!") == slugify("!!!")
    assert re.fullmatch(r"tag-[0-9a-f]{8}", slugify("!!!"))


@pytest.mark.parametrize(
    ("when", "text"),
    [
        (datetime(2017, 7, 1, tzinfo=UTC), "July 2017"),
        (datetime(2024, 12, 31, tzinfo=UTC), "December 2024"),
    ],
    ids=["july", "december"],
)
def test_month_year(when: datetime, text: str) -> None:
    assert month_year(when) == text


def _expected(store: Store) -> list[dict[str, Any]]:
    return [
        {
            "id": row["id"],
            "guid": f"tag:news.example.org,2024-03-05:item/{row['id']}",
            "title": row["headline"],
            "link": row["url"],
            "outlet": row["outlet"],
            "date": public_item(row, host="news.example.org").date,
            "tags": [*row["cities"], *row["programs"]],
            "excerpt": row["excerpt"],
        }
        for row in public_items(store)
    ]


@pytest.mark.parametrize("fmt", ["rss", "atom"], ids=["rss 2.0", "atom 1.0"])
def test_xml_feeds_read_back_through_feedparser_field_by_field(store: Store, fmt: str) -> None:
    _stories(store)
    site = _site(store)
    parsed = feedparser.parse(site.files[f"feeds/all.{fmt}"].body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == {"rss": "rss20", "atom": "atom10"}[fmt]
    assert parsed.feed.title == "Riverton Peace Network"
    assert parsed.feed.link == "https://news.example.org/news/"
    selfs = [link.href for link in parsed.feed.links if link.rel == "self"]
    assert selfs == [f"https://news.example.org/feeds/all.{fmt}"]
    expected = _expected(store)
    assert len(parsed.entries) == len(expected) == 3
    for entry, want in zip(parsed.entries, expected, strict=True):
        assert entry.id == want["guid"]
        assert entry.title == want["title"]
        assert entry.link == want["link"]
        published = datetime(*entry.published_parsed[:6], tzinfo=UTC)
        assert published == want["date"]
        assert [t.term for t in entry.get("tags", [])] == want["tags"]
        outlet = entry.source.title if fmt == "rss" else entry.author_detail.name
        assert outlet == want["outlet"]
        html = entry.content[0].value if fmt == "atom" else entry.summary
        assert want["excerpt"] in html
        assert f"{want['date']:%B %Y} | {want['outlet']}" in html


def test_json_feed_validates_against_json_feed_1_1_and_matches_field_by_field(
    store: Store,
) -> None:
    _stories(store)
    site = _site(store)
    for path, resource in site.files.items():
        if path.endswith(".json"):
            jsonschema.validate(json.loads(resource.body), JSON_FEED_1_1)
    feed = json.loads(site.files["feeds/all.json"].body)
    assert feed["feed_url"] == "https://news.example.org/feeds/all.json"
    for item, want in zip(feed["items"], _expected(store), strict=True):
        assert item["id"] == want["guid"]
        assert item["title"] == want["title"]
        assert item["url"] == want["link"]
        assert datetime.fromisoformat(item["date_published"]) == want["date"]
        assert item["tags"] == want["tags"]
        assert item["authors"] == [{"name": want["outlet"], "url": "https://ledger.example.com/"}]
        assert item.get("summary", "") == want["excerpt"]


@pytest.mark.parametrize("fmt", ["rss", "atom", "json"])
def test_every_feed_reads_back_through_the_collectors_own_parser(store: Store, fmt: str) -> None:
    _stories(store)
    body = _site(store).files[f"feeds/all.{fmt}"].body
    parsed = parse_feed(body, url=f"https://news.example.org/feeds/all.{fmt}")
    assert parsed.warning is None
    want = _expected(store)
    assert [(e.guid, e.title, e.url) for e in parsed.entries] == [
        (w["guid"], w["title"], w["link"]) for w in want
    ]


def test_the_schema_rejects_what_json_feed_1_1_forbids() -> None:
    bad = {"version": "https://jsonfeed.org/version/1", "title": "x", "items": [{"title": "no id"}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, JSON_FEED_1_1)


@pytest.mark.parametrize(
    ("path", "ids"),
    [
        ("feeds/programs/group-violence-intervention.rss", ["grant", "peace-walk"]),
        ("feeds/cities/york-pa.atom", ["peace-walk"]),
        ("feeds/programs/project-safe-neighborhoods/cities/gary-in.rss", ["grant"]),
        ("feeds/cities/gary-in/programs/project-safe-neighborhoods.rss", ["grant"]),
        ("feeds/programs/reconciliation.atom", []),
    ],
    ids=["program", "city", "program in city", "city then program", "configured, no story yet"],
)
def test_filtered_feeds_hold_exactly_their_items(store: Store, path: str, ids: list[str]) -> None:
    _stories(store)
    parsed = feedparser.parse(_site(store).files[path].body)
    assert not parsed.bozo
    assert [e.link.rsplit("/", 1)[-1] for e in parsed.entries] == ids


def test_hostile_headline_and_excerpt_come_out_harmless_and_readable(store: Store) -> None:
    item_id = add_story(
        store,
        "hostile",
        headline=HOSTILE_HEADLINE,
        excerpt=HOSTILE_EXCERPT,
        programs=(GVI,),
        cities=("York, PA",),
    )
    evil = add_story(store, "evil-link", headline="A link", url="javascript:alert(1)//x")
    approve_items(store, [item_id, evil], now=NOW)
    site = _site(store)
    for path, resource in site.files.items():
        text = resource.body.decode("utf-8")  # valid UTF-8 or this raises
        lowered = text.lower()
        for needle in (
            "<script",
            "javascript:",
            "onerror",
            "onmouseover",
            "<iframe",
            "<img",
            "<style",
        ):
            assert needle not in lowered, (path, needle)
        assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", text), path
        if path.endswith((".rss", ".atom")):
            etree.fromstring(resource.body)  # well-formed XML
    feed = feedparser.parse(site.files["feeds/all.atom"].body)
    titles = [e.title for e in feed.entries]
    assert "Mayor & praises outreach workers" in titles
    quote = "“We keep showing up,” said Odile Marchetti."
    assert any(quote in e.summary for e in feed.entries)
    page = site.files["news/index.html"].body.decode()
    assert "Mayor &amp; praises outreach workers" in page
    assert "Read this" in page
    evil_entry = next(e for e in feed.entries if e.title == "A link")
    assert "link" not in evil_entry or not evil_entry.link.startswith("javascript")


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Nul\x00 and bell\x07 gone", "Nul and bell gone"),
        ("lone \ud800 surrogate", "lone surrogate"),
        ("broken &#xZZ; and &#0; references", "broken and references"),
        ("<p onclick='x()'>Tom &amp Jerry</p><script>bad()</script>", "Tom & Jerry"),
        ("double-escaped &amp;lt;b&amp;gt; stays text", "double-escaped <b> stays text"),
    ],
    ids=["control characters", "surrogate", "broken entities", "markup", "double escaped"],
)
def test_public_text_is_cleaned_to_readable_plain_text(raw: str, clean: str) -> None:
    assert clean_line(raw) == clean
    assert clean_paragraphs(raw) == (clean,)
    clean.encode("utf-8")  # always encodable


def test_the_entry_id_survives_edits_while_the_content_follows_them(store: Store) -> None:
    (first, *_rest) = _stories(store)
    publisher = Publisher(config(), store)
    before = feedparser.parse(publisher.current().site.files["feeds/all.atom"].body)
    edit(
        store,
        first,
        now=NOW + timedelta(hours=1),
        headline="Peace walk draws four hundred neighbours",
        excerpt="“Four hundred of us,” said organiser Lena Ruiz.",
        published="2017-08-02T10:00:00+00:00",
        public_note="Corrected attendance figure.",
        internal_note="Lena called to correct the number; do not publish her phone.",
    )
    after = feedparser.parse(publisher.current().site.files["feeds/all.atom"].body)
    old = next(e for e in before.entries if e.id.endswith(f"item/{first}"))
    new = next(e for e in after.entries if e.id.endswith(f"item/{first}"))
    assert new.id == old.id
    assert new.title == "Peace walk draws four hundred neighbours"
    assert "Corrected attendance figure." in new.content[0].value
    assert new.updated_parsed > old.updated_parsed
    assert datetime(*new.published_parsed[:6], tzinfo=UTC) == datetime(2017, 8, 2, 10, tzinfo=UTC)
    for resource in publisher.current().site.files.values():
        assert b"phone" not in resource.body  # the internal note never goes out


def test_rss_dates_are_rfc_822_and_atom_json_dates_rfc_3339(store: Store) -> None:
    _stories(store)
    site = _site(store)
    rss = site.files["feeds/all.rss"].body.decode()
    assert "<pubDate>Thu, 01 Feb 2018 09:30:00 GMT</pubDate>" in rss
    atom = site.files["feeds/all.atom"].body.decode()
    assert "<published>2018-02-01T09:30:00Z</published>" in atom
    assert '"date_published": "2018-02-01T09:30:00Z"' in site.files["feeds/all.json"].body.decode()


def test_feeds_are_cut_to_feed_length_newest_first(store: Store) -> None:
    ids = [
        add_story(
            store,
            f"s{n}",
            headline=f"Story number {n} about outreach",
            published=datetime(2020, 1, 1, tzinfo=UTC) + timedelta(days=n),
        )
        for n in range(5)
    ]
    approve_items(store, ids, now=NOW)
    parsed = feedparser.parse(_site(store, feed_length=3).files["feeds/all.rss"].body)
    assert [e.title for e in parsed.entries] == [
        f"Story number {n} about outreach" for n in (4, 3, 2)
    ]
