"""The public routes over real HTTP (uvicorn on 127.0.0.1): page, filters, embed, feeds, 304s,
publishing state and unpublishing."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import feedparser
import pytest

from scraper.pipeline.wiring import open_store
from scraper.publish.publisher import Publisher
from storage.publishing import approve_items, unpublish_items
from storage.store import Store
from tests.publishing_helpers import NOW, add_story, config, serving

GVI = "Group Violence Intervention"


@pytest.fixture
def store(db_url: str) -> Store:
    return open_store(db_url)


def _approved(store: Store, count: int = 3) -> list[int]:
    ids = [
        add_story(
            store,
            f"story-{n}",
            headline=f"Outreach story number {n}",
            excerpt=f"“Street outreach works,” said Marisol Vance in story {n}.",
            programs=(GVI,),
            cities=("York, PA",) if n % 2 == 0 else ("Gary, IN",),
            published=datetime(2017, 7, 1, tzinfo=UTC) + timedelta(days=n),
        )
        for n in range(count)
    ]
    approve_items(store, ids, now=NOW)
    return ids


FEED_PATHS = [
    ("/feeds/all.rss", "application/rss+xml"),
    ("/feeds/all.atom", "application/atom+xml"),
    ("/feeds/all.json", "application/feed+json"),
    ("/feeds/programs/group-violence-intervention.atom", "application/atom+xml"),
    ("/feeds/cities/york-pa.rss", "application/rss+xml"),
    ("/feeds/programs/group-violence-intervention/cities/york-pa.json", "application/feed+json"),
    ("/feeds/cities/york-pa/programs/group-violence-intervention.json", "application/feed+json"),
]


def test_the_page_shows_each_item_like_the_model_news_page(store: Store) -> None:
    _approved(store)
    with serving(config(), store) as http:
        answer = http.get("/news/")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/html; charset=utf-8"
    page = answer.text
    headline = re.search(r'<h2[^>]*><a href="([^"]+)">Outreach story number 2</a></h2>', page)
    assert headline
    assert headline.group(1) == "https://ledger.example.com/news/story-2"
    assert (
        '<time datetime="2017-07-03">July 2017</time> | <span class="clippings-outlet">Riverton Ledger'
        in page
    )
    assert re.search(
        r"<blockquote[^>]*>\s*<p>“Street outreach works,” said Marisol Vance in story 2.</p>", page
    )
    tags = re.search(r"Tags:</span>\s*(.*?)</p>", page, re.S)
    assert tags is not None
    assert re.findall(r'href="([^"]+)">([^<]+)<', tags.group(1)) == [
        ("https://news.example.org/news/cities/york-pa/", "York, PA"),
        ("https://news.example.org/news/programs/group-violence-intervention/", GVI),
    ]
    alternates = re.findall(r'<link rel="alternate" type="([^"]+)"[^>]*href="([^"]+)"', page)
    assert alternates == [
        ("application/rss+xml", "https://news.example.org/feeds/all.rss"),
        ("application/atom+xml", "https://news.example.org/feeds/all.atom"),
        ("application/feed+json", "https://news.example.org/feeds/all.json"),
    ]
    assert page.index("number 2") < page.index("number 1") < page.index("number 0")  # newest first


def test_pages_filter_pages_and_the_embed_fragment(store: Store) -> None:
    _approved(store, count=5)
    with serving(config(page_size=2), store) as http:
        first, second, third = (http.get(p) for p in ("/news/", "/news/page/2/", "/news/page/3/"))
        beyond = http.get("/news/page/4/")
        city = http.get("/news/cities/york-pa/")
        embed = http.get("/news/?embed=1")
        embed_file = http.get("/news/embed.html")
        no_slash = http.get("/news/cities/york-pa", follow_redirects=False)
        unknown = http.get("/news/cities/atlantis-xx/")
    assert [r.status_code for r in (first, second, third)] == [200, 200, 200]
    assert beyond.status_code == 404
    assert unknown.status_code == 404
    assert re.findall(r"Outreach story number (\d)", first.text) == ["4", "3"]
    assert re.findall(r"Outreach story number (\d)", third.text) == ["0"]
    assert 'href="https://news.example.org/news/page/2/">Older stories' in first.text
    assert "Page 2 of 3" in second.text
    assert re.findall(r"Outreach story number (\d)", city.text) == ["4", "2"]
    assert "https://news.example.org/feeds/cities/york-pa.atom" in city.text  # its own feeds
    assert embed.text == embed_file.text
    assert "<html" not in embed.text
    assert "<head" not in embed.text
    assert "<h1" not in embed.text
    assert re.findall(r"Outreach story number (\d)", embed.text) == ["4", "3"]
    assert 'href="https://news.example.org/news/page/2/embed.html"' in embed.text
    assert embed.headers["access-control-allow-origin"] == "*"
    assert no_slash.status_code == 308
    assert no_slash.headers["location"] == "/news/cities/york-pa/"


@pytest.mark.parametrize(("path", "media_type"), FEED_PATHS, ids=[p for p, _ in FEED_PATHS])
def test_every_feed_route_answers_with_its_media_type(
    store: Store, path: str, media_type: str
) -> None:
    _approved(store)
    with serving(config(), store) as http:
        answer = http.get(path)
    assert answer.status_code == 200
    assert answer.headers["content-type"].split(";")[0] == media_type
    assert "Outreach story number 0" in answer.text


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ("etag", 304),
        ("weak etag", 304),
        ("other etag", 200),
        ("since last modified", 304),
        ("since before", 200),
        ("other etag wins over date", 200),
    ],
    ids=lambda v: str(v),
)
def test_conditional_get(store: Store, headers: str, status: int) -> None:
    _approved(store)
    with serving(config(), store) as http:
        first = http.get("/feeds/all.atom")
        etag, modified = first.headers["etag"], first.headers["last-modified"]
        earlier = format_datetime(datetime(2000, 1, 1, tzinfo=UTC), usegmt=True)
        sent = {
            "etag": {"If-None-Match": etag},
            "weak etag": {"If-None-Match": f'"nope", W/{etag}'},
            "other etag": {"If-None-Match": '"something-else"'},
            "since last modified": {"If-Modified-Since": modified},
            "since before": {"If-Modified-Since": earlier},
            "other etag wins over date": {"If-None-Match": '"x"', "If-Modified-Since": modified},
        }[headers]
        again = http.get("/feeds/all.atom", headers=sent)
    assert again.status_code == status
    assert again.headers["etag"] == etag
    assert (again.content == b"") == (status == 304)


def test_a_change_gives_a_new_etag_and_a_full_answer(store: Store) -> None:
    ids = _approved(store)
    with serving(config(), store) as http:
        before = http.get("/news/")
        unpublish_items(store, [ids[0]], now=NOW + timedelta(hours=1))
        after = http.get("/news/", headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    assert after.headers["etag"] != before.headers["etag"]
    assert "Outreach story number 0" not in after.text


def test_a_get_changes_no_state_a_publish_step_marks_and_unpublishing_takes_them_out(
    store: Store,
) -> None:
    from scraper.publish.publisher import Publisher

    ids = _approved(store)
    paths = [p for p, _ in FEED_PATHS] + ["/news/", "/news/programs/group-violence-intervention/"]
    with serving(config(), store) as http:
        assert all("Outreach story number 0" in http.get(p).text for p in paths)
        # Serving the page and the feeds changed nothing in the database...
        assert {store.item(i)["status"] for i in ids} == {"approved"}
        # ...the publish step (the desk runs it after a review change) does.
        assert Publisher(config(), store).publish() == len(ids)
        assert {store.item(i)["status"] for i in ids} == {"published"}
        unpublish_items(store, [ids[0]], now=NOW + timedelta(hours=1))
        answers = {p: http.get(p) for p in paths}
        gone_page = http.get("/news/cities/york-pa/")
    assert store.item(ids[0])["status"] == "candidate"
    for path, answer in answers.items():
        assert answer.status_code == 200, path
        assert "Outreach story number 0" not in answer.text, path
        assert "Outreach story number 1" in answer.text or "york-pa" in path, path
    assert "Outreach story number 0" not in gone_page.text
    assert "Outreach story number 2" in gone_page.text
    entries = feedparser.parse(answers["/feeds/all.atom"].content).entries
    assert [e.id.rsplit("/", 1)[-1] for e in entries] == [str(ids[2]), str(ids[1])]


def test_candidates_and_rejected_items_are_never_public(store: Store) -> None:
    add_story(store, "waiting", headline="A candidate waiting for review")
    with serving(config(), store) as http:
        page = http.get("/news/").text
        feed = http.get("/feeds/all.rss").text
    assert "candidate waiting" not in page
    assert "candidate waiting" not in feed
    assert "No stories published here yet." in page


def test_html_answers_carry_a_content_security_policy(store: Store) -> None:
    _approved(store)
    with serving(config(), store) as http:
        page = http.get("/news/")
        css = http.get("/news/news.css")
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    assert css.headers["content-type"].startswith("text/css")
    assert b"--clippings-link" in css.content


@pytest.mark.parametrize(
    ("recheck_seconds", "rebuilt"),
    [(3600.0, False), (0.0, True)],
    ids=["within the recheck window", "recheck every request"],
)
def test_the_database_is_asked_for_changes_at_most_every_recheck_seconds(
    store: Store, recheck_seconds: float, rebuilt: bool
) -> None:
    ids = _approved(store)
    publisher = Publisher(config(), store, recheck_seconds=recheck_seconds)
    first = publisher.current()
    unpublish_items(store, [ids[0]], now=NOW + timedelta(hours=1))
    assert (publisher.current() is not first) == rebuilt
