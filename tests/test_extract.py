"""Tests for the article page extraction stage (``scraper.understand.extract.article`` and helpers).

All pages here are invented: fixture pages in ``tests/fixtures/pages/`` carry
their expectations in a ``.expect.json`` sidecar; smaller cases are built inline.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from scraper.models import Article
from scraper.understand.extract.article import extract_article
from scraper.understand.extract.dates import date_from_url, parse_human_date, parse_machine_date
from scraper.understand.extract.names import split_authors, strip_site_name
from scraper.understand.extract.published import on_day

PAGES = Path(__file__).parent / "fixtures" / "pages"
ET_WINTER = timezone(timedelta(hours=-5))

BODY = """
<p>Outreach workers in Stockton met with young men from four neighborhood groups on Tuesday
evening, the third such meeting since the city restarted its Ceasefire program last spring.</p>
<p>"Nobody in that room is there by accident," said Odalys Brennerman, who coordinates the
meetings. "They know why we called them, and they know we mean the offer of help."</p>
<p>Police said shootings involving the groups had fallen since the first meeting, though they
cautioned that a few months of figures could not show a lasting trend.</p>
"""


def page(head: str = "", body_top: str = "", *, lang: str = "en") -> str:
    """An invented article page with enough body text for trafilatura to keep."""
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">{head}</head>'
        f"<body><article>{body_top}{BODY}</article></body></html>"
    )


def fixture_cases() -> list[Any]:
    cases = []
    for sidecar in sorted(PAGES.glob("*.expect.json")):
        spec = json.loads(sidecar.read_text(encoding="utf-8"))
        html = sidecar.with_name(sidecar.name.replace(".expect.json", ".html"))
        cases.append(pytest.param(html, spec, id=html.stem))
    return cases


@pytest.mark.parametrize(("html_path", "spec"), fixture_cases())
def test_fixture_pages(html_path: Path, spec: dict[str, Any]) -> None:
    feed_published = spec.get("feed_published")
    article = extract_article(
        html_path.read_bytes(),
        url=spec["url"],
        outlet=spec.get("outlet"),
        feed_title=spec.get("feed_title"),
        feed_published=datetime.fromisoformat(feed_published) if feed_published else None,
    )
    expect = spec["expect"]
    assert article.url == spec["url"]
    assert article.canonical_url == expect["canonical_url"]
    assert article.headline == expect["headline"]
    assert article.authors == tuple(expect["authors"])
    assert article.outlet == expect["outlet"]
    assert article.language == expect["language"]
    if "description" in expect:
        assert article.description == expect["description"]
    wanted = datetime.fromisoformat(expect["published"])
    assert article.published == wanted
    assert article.published is not None
    assert article.published.utcoffset() == wanted.utcoffset()
    for snippet in expect["text_contains"]:
        assert snippet in article.text
    for snippet in expect["text_lacks"]:
        assert snippet not in article.text


def test_text_keeps_paragraph_breaks() -> None:
    article = extract_article(page(), url="https://paper.example/a")
    paragraphs = [p for p in article.text.split("\n") if p.strip()]
    assert len(paragraphs) == 3
    assert paragraphs[0].startswith("Outreach workers in Stockton")


JUNK = [
    pytest.param("", id="empty string"),
    pytest.param(b"", id="empty bytes"),
    pytest.param(random.Random(7).randbytes(4096), id="random binary"),
    pytest.param(b"\x00" * 500, id="NUL bytes"),
    pytest.param(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, id="a PNG header"),
    pytest.param("<html><head><title>Half a pa", id="truncated in the title"),
    pytest.param("<html><body><p>Cut off mid-sent", id="truncated in the body"),
    pytest.param("just some words, not markup at all", id="plain text"),
    pytest.param('{"headline": "json, not html"}', id="json"),
    pytest.param('<?xml version="1.0"?><rss><channel><item/></channel></rss>', id="rss feed"),
    pytest.param("<" * 5000, id="angle brackets"),
    pytest.param("<div>" * 3000 + "deep" + "</div>" * 3000, id="deep nesting"),
    pytest.param(
        page('<script type="application/ld+json">{"@type": "NewsArticle", "headline": </script>'),
        id="broken json-ld",
    ),
    pytest.param(
        page('<script type="application/ld+json">[1, "x", null, [{"@type": 5}]]</script>'),
        id="json-ld of odd types",
    ),
    pytest.param(
        b'<html><head><meta charset="utf-8"><title>caf\xe9 \xff\xfe</title></head>'
        b"<body><p>bad bytes \xc3\x28 here</p></body></html>",
        id="invalid utf-8",
    ),
    pytest.param(
        page('<meta property="article:published_time" content="99999-99-99">'), id="impossible date"
    ),
    pytest.param(
        '<?xml version="1.0" encoding="utf-8"?><html><body><p>x</p></body></html>',
        id="str with an encoding declaration",
    ),
    pytest.param("<html><body><p>wide</p></body></html>".encode("utf-16"), id="utf-16 bytes"),
    pytest.param(page('<link rel="canonical" href="http://[::1">'), id="malformed canonical"),
]


@pytest.mark.parametrize("html", JUNK)
def test_junk_input_never_raises(html: str | bytes) -> None:
    published = datetime(2024, 1, 2, 3, 4, tzinfo=UTC)
    article = extract_article(
        html,
        url="https://paper.example/x",
        feed_title="From the feed",
        feed_published=published,
    )
    assert isinstance(article, Article)
    assert article.url == "https://paper.example/x"
    assert article.headline  # at least the feed's title
    assert article.published is not None
    assert article.published.tzinfo is not None


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        pytest.param(
            '<link rel="canonical" href="/news/story-1">',
            "https://paper.example/news/story-1",
            id="relative canonical made absolute",
        ),
        pytest.param(
            '<link rel="canonical" href="//cdn.paper.example/story">',
            "https://cdn.paper.example/story",
            id="scheme-relative canonical",
        ),
        pytest.param(
            '<link rel="canonical" href="javascript:alert(1)">',
            None,
            id="javascript canonical refused",
        ),
        pytest.param(
            '<link rel="canonical" href="mailto:desk@paper.example">',
            None,
            id="mailto canonical refused",
        ),
        pytest.param(
            '<link rel="canonical" href="ftp://paper.example/story">',
            None,
            id="ftp canonical refused",
        ),
        pytest.param('<link rel="canonical" href="">', None, id="empty canonical"),
        pytest.param(
            '<meta property="og:url" content="https://paper.example/og">',
            "https://paper.example/og",
            id="og:url when no canonical link",
        ),
        pytest.param(
            '<link rel="canonical" href="javascript:void(0)">'
            '<meta property="og:url" content="https://paper.example/og">',
            "https://paper.example/og",
            id="refused canonical falls back to og:url",
        ),
    ],
)
def test_canonical_url(head: str, expected: str | None) -> None:
    article = extract_article(page(head), url="https://paper.example/news/here")
    assert article.canonical_url == expected


@pytest.mark.parametrize(
    ("head", "body_top", "outlet", "expected"),
    [
        pytest.param(
            "<title>Budget passes | The Valley Sentinel</title>"
            '<meta property="og:site_name" content="The Valley Sentinel">',
            "",
            None,
            "Budget passes",
            id="bar suffix with og:site_name",
        ),
        pytest.param(
            "<title>Budget passes - Valley Sentinel</title>",
            "",
            "Valley Sentinel",
            "Budget passes",
            id="dash suffix with configured outlet",
        ),
        pytest.param(
            "<title>Budget passes — Valley Sentinel</title>",
            "",
            "Valley Sentinel",
            "Budget passes",
            id="em dash suffix",
        ),
        pytest.param(
            "<title>Valley Sentinel: Budget passes</title>",
            "",
            "Valley Sentinel",
            "Budget passes",
            id="outlet prefix",
        ),
        pytest.param(
            "<title>Budget passes | Local | Valley Sentinel | Since 1890</title>",
            "",
            "Valley Sentinel",
            "Budget passes",
            id="section and tagline dropped",
        ),
        pytest.param(
            "<title>Budget passes | Sentinel Online</title>",
            "<h1>Budget passes</h1>",
            None,
            "Budget passes",
            id="h1 confirmed by title",
        ),
        pytest.param(
            '<script type="application/ld+json">{"@type": "NewsArticle",'
            ' "headline": "Budget passes after long night",'
            ' "publisher": {"@type": "Organization", "name": "Valley Sentinel"}}</script>'
            "<title>Something else | Valley Sentinel</title>",
            "",
            None,
            "Budget passes after long night",
            id="json-ld headline",
        ),
        pytest.param(
            '<meta property="og:title" content="Budget passes"><title>Budget passes</title>',
            "<h1>Valley Sentinel</h1>",
            "Valley Sentinel",
            "Budget passes",
            id="h1 that is the site name skipped",
        ),
        pytest.param(
            '<meta property="og:title" content="Update: Budget passes tonight">',
            "<h1><span>Update</span><span>Budget passes tonight</span></h1>",
            None,
            "Update: Budget passes tonight",
            id="h1 that runs its parts together",
        ),
        pytest.param(
            '<meta property="og:title" content="Budget passes tonight">',
            '<h1><span class="kicker">Update</span>Budget passes tonight</h1>',
            None,
            "Budget passes tonight",
            id="kicker glued to the h1",
        ),
        pytest.param(
            "<title>Budget: what passes, what fails</title>",
            "",
            "Valley Sentinel",
            "Budget: what passes, what fails",
            id="colon inside a headline kept",
        ),
        pytest.param(
            "<title>Budget passes - and what it means</title>",
            "",
            None,
            "Budget passes - and what it means",
            id="dash inside a headline kept",
        ),
    ],
)
def test_headline(head: str, body_top: str, outlet: str | None, expected: str) -> None:
    article = extract_article(
        page(head, body_top), url="https://sentinel.example/budget", outlet=outlet
    )
    assert article.headline == expected


@pytest.mark.parametrize(
    ("head", "body_top", "url", "expected"),
    [
        pytest.param(
            '<script type="application/ld+json">{"@type": "NewsArticle",'
            ' "datePublished": "2020-06-01T08:00:00+02:00",'
            ' "dateModified": "2020-06-03T10:00:00+02:00"}</script>',
            "",
            "https://p.example/a",
            datetime(2020, 6, 1, 8, 0, tzinfo=timezone(timedelta(hours=2))),
            id="json-ld published over modified",
        ),
        pytest.param(
            '<script type="application/ld+json">{"@type": "Article",'
            ' "datePublished": "2020-06-01 08:00"}</script>',
            "",
            "https://p.example/a",
            datetime(2020, 6, 1, 8, 0, tzinfo=UTC),
            id="no zone read as UTC",
        ),
        pytest.param(
            '<meta property="article:published_time" content="2018-11-05T14:20:00Z">',
            "",
            "https://p.example/a",
            datetime(2018, 11, 5, 14, 20, tzinfo=UTC),
            id="article:published_time",
        ),
        pytest.param(
            '<meta property="article:modified_time" content="2018-11-09T14:20:00Z">',
            '<time datetime="2018-11-05T09:00:00-05:00" pubdate>Nov. 5</time>',
            "https://p.example/a",
            datetime(2018, 11, 5, 9, 0, tzinfo=ET_WINTER),
            id="time element over modified meta",
        ),
        pytest.param(
            "",
            "",
            "https://p.example/news/2016/10/31/story.html",
            datetime(2016, 10, 31, tzinfo=UTC),
            id="URL date only",
        ),
        pytest.param(
            "",
            '<div class="byline">Posted 9:15 a.m. CT Jan. 3, 2019 | Updated '
            "4:00 p.m. CT Jan. 4, 2019</div>",
            "https://p.example/a",
            datetime(2019, 1, 3, 9, 15, tzinfo=timezone(timedelta(hours=-6))),
            id="byline published and updated",
        ),
        pytest.param(
            '<meta property="article:published_time" content="2019-01-01T04:30:00Z">',
            "",
            "https://p.example/2018/12/31/story",
            datetime(2018, 12, 31, 23, 30, tzinfo=ET_WINTER),
            id="UTC time re-expressed on the URL's day",
        ),
        pytest.param(
            '<meta property="article:published_time" content="2021-08-01T10:00:00Z">',
            "",
            "https://p.example/2019/03/02/story",
            datetime(2019, 3, 2, tzinfo=UTC),
            id="URL day beats a far-off meta date",
        ),
        pytest.param(
            '<meta property="article:modified_time" content="2017-05-05T12:00:00Z">',
            "",
            "https://p.example/a",
            datetime(2017, 5, 5, 12, 0, tzinfo=UTC),
            id="modified date as the last resort",
        ),
        pytest.param(
            '<meta property="article:published_time" content="2022-05-04T03:37:37+00:00">',
            '<time datetime="2022-05-03T23:37:37-04:00">May 3</time>',
            "https://p.example/a",
            datetime(2022, 5, 3, 23, 37, 37, tzinfo=timezone(timedelta(hours=-4))),
            id="UTC meta in the page's own offset: the local day",
        ),
    ],
)
def test_published(head: str, body_top: str, url: str, expected: datetime) -> None:
    article = extract_article(page(head, body_top), url=url)
    assert article.published == expected
    assert article.published is not None
    assert article.published.utcoffset() == expected.utcoffset()


def test_feed_date_when_page_has_none() -> None:
    feed_date = datetime(2023, 9, 9, 9, 9, tzinfo=UTC)
    article = extract_article(page(), url="https://p.example/a", feed_published=feed_date)
    assert article.published == feed_date


def test_page_date_beats_feed_date() -> None:
    head = '<meta property="article:published_time" content="2023-09-01T10:00:00Z">'
    article = extract_article(
        page(head), url="https://p.example/a", feed_published=datetime(2023, 9, 9, tzinfo=UTC)
    )
    assert article.published == datetime(2023, 9, 1, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("head", "body_top", "expected"),
    [
        pytest.param(
            '<script type="application/ld+json">{"@type": "NewsArticle", "author":'
            ' {"@type": "Person", "name": "Imogen Szabo"}}</script>',
            "",
            ("Imogen Szabo",),
            id="json-ld person",
        ),
        pytest.param(
            '<script type="application/ld+json">{"@type": "NewsArticle", "author":'
            ' [{"@type": "Organization", "name": "Valley Sentinel"}]}</script>'
            '<meta name="author" content="Bartholomew Quist">',
            "",
            ("Bartholomew Quist",),
            id="json-ld organisation skipped for meta author",
        ),
        pytest.param('<meta name="author" content="Staff">', "", (), id="staff byline dropped"),
        pytest.param(
            "",
            '<p class="byline">By Nell Farrow and Ignatius Oyelaran</p>',
            ("Nell Farrow", "Ignatius Oyelaran"),
            id="byline with and",
        ),
        pytest.param(
            "",
            '<span class="author-name">BY CORDELIA VANTERPOOL</span>',
            ("Cordelia Vanterpool",),
            id="all-caps byline",
        ),
        pytest.param(
            '<meta property="og:site_name" content="Paperwall">',
            '<span class="author">Paperwall</span>',
            (),
            id="outlet name as byline",
        ),
    ],
)
def test_authors(head: str, body_top: str, expected: tuple[str, ...]) -> None:
    article = extract_article(page(head, body_top), url="https://p.example/a")
    assert article.authors == expected


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        pytest.param("By Ana Ruiz and Tom Lee", ("Ana Ruiz", "Tom Lee"), id="and"),
        pytest.param("Ana Ruiz, Tom Lee", ("Ana Ruiz", "Tom Lee"), id="comma"),
        pytest.param("By Ana Ruiz, Staff Writer", ("Ana Ruiz",), id="trailing title"),
        pytest.param("Ana Ruiz Staff Writer", ("Ana Ruiz",), id="title without comma"),
        pytest.param("By Ana Ruiz ana.ruiz@paper.example", ("Ana Ruiz",), id="email dropped"),
        pytest.param("Associated Press", (), id="wire service"),
        pytest.param("Staff", (), id="staff"),
        pytest.param(
            "By Ana Ruiz and The Associated Press", ("Ana Ruiz",), id="person and wire service"
        ),
        pytest.param(
            "By Ana Ruiz | Published 5:00 p.m. June 2, 2020",
            ("Ana Ruiz",),
            id="date after the name",
        ),
        pytest.param("Ludovica van der Berg", ("Ludovica van der Berg",), id="particles"),
        pytest.param("Winston Abernathy Jr.", ("Winston Abernathy Jr.",), id="suffix kept"),
        pytest.param("Springfield Police Department", (), id="department"),
        pytest.param(
            "Geschrieben von Henrike Sommerfeld", ("Henrike Sommerfeld",), id="German posted by"
        ),
        pytest.param(
            "Marisol E. Quintana", ("Marisol E. Quintana",), id="initial E is not a conjunction"
        ),
        pytest.param(
            "Marisol Quintana y Tobias Renn", ("Marisol Quintana", "Tobias Renn"), id="Spanish y"
        ),
        pytest.param(
            "Marisol Quintana, Harborview.com", ("Marisol Quintana",), id="site domain dropped"
        ),
        pytest.param(
            "Marisol Quintana. Harbor International",
            ("Marisol Quintana",),
            id="organisation after a full stop",
        ),
        pytest.param("The Editors", (), id="the editors"),
    ],
)
def test_split_authors(byline: str, expected: tuple[str, ...]) -> None:
    assert split_authors(byline) == expected


@pytest.mark.parametrize(
    ("head", "outlet", "expected"),
    [
        pytest.param(
            '<meta property="og:site_name" content="Valley Sentinel">',
            "Sentinel (CA)",
            "Sentinel (CA)",
            id="configured outlet wins",
        ),
        pytest.param(
            '<meta property="og:site_name" content="Valley Sentinel">',
            None,
            "Valley Sentinel",
            id="og:site_name",
        ),
        pytest.param(
            '<script type="application/ld+json">{"@type": "NewsArticle", "publisher":'
            ' {"@type": "Organization", "name": "Harbor Gazette"}}</script>',
            None,
            "Harbor Gazette",
            id="json-ld publisher",
        ),
        pytest.param(
            '<meta property="og:site_name" content="Harbor Gazette | News since 1890">',
            None,
            "Harbor Gazette",
            id="tagline cut from site name",
        ),
        pytest.param(
            '<meta property="og:site_name" content="https://www.harborgazette.example/">',
            None,
            "harborgazette.example",
            id="URL as site name",
        ),
        pytest.param("", None, None, id="unknown"),
    ],
)
def test_outlet(head: str, outlet: str | None, expected: str | None) -> None:
    assert extract_article(page(head), url="https://p.example/a", outlet=outlet).outlet == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "2017-02-22T18:05:00-05:00", datetime(2017, 2, 22, 18, 5, tzinfo=ET_WINTER), id="offset"
        ),
        pytest.param(
            "2017-02-22T18:05:00.123Z",
            datetime(2017, 2, 22, 18, 5, tzinfo=UTC),
            id="fraction and Z",
        ),
        pytest.param("2017-02-22", datetime(2017, 2, 22, tzinfo=UTC), id="date only"),
        pytest.param("20170222", datetime(2017, 2, 22, tzinfo=UTC), id="compact"),
        pytest.param(
            "Wed, 22 Feb 2017 18:05:00 -0500",
            datetime(2017, 2, 22, 18, 5, tzinfo=ET_WINTER),
            id="RFC 2822",
        ),
        pytest.param("1970-01-01T00:00:00Z", None, id="epoch is not a publication date"),
        pytest.param("2017-13-40", None, id="impossible"),
        pytest.param("yesterday", None, id="words"),
    ],
)
def test_parse_machine_date(text: str, expected: datetime | None) -> None:
    assert parse_machine_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "Published 6:05 p.m. ET Feb. 22, 2017 | Updated 8:12 p.m. ET Feb. 23, 2017",
            datetime(2017, 2, 22, 18, 5, tzinfo=ET_WINTER),
            id="published and updated",
        ),
        pytest.param(
            "Updated Feb. 23, 2017; published Feb. 22, 2017",
            datetime(2017, 2, 22, tzinfo=UTC),
            id="updated written first",
        ),
        pytest.param(
            "July 4, 2019 at 10:30 PM PDT",
            datetime(2019, 7, 5, 5, 30, tzinfo=UTC),
            id="daylight time",
        ),
        pytest.param(
            "22. Februar 2017, 14:30 Uhr", datetime(2017, 2, 22, 14, 30, tzinfo=UTC), id="German"
        ),
        pytest.param("3 mars 2020", datetime(2020, 3, 3, tzinfo=UTC), id="French"),
        pytest.param("22.02.2017", datetime(2017, 2, 22, tzinfo=UTC), id="dotted"),
        pytest.param("03/04/2017", datetime(2017, 3, 4, tzinfo=UTC), id="US slashes"),
        pytest.param("By Ana Ruiz", None, id="no date"),
    ],
)
def test_parse_human_date(text: str, expected: datetime | None) -> None:
    assert parse_human_date(text) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        pytest.param("https://p.example/2017/02/22/story/", date(2017, 2, 22), id="slashes"),
        pytest.param("https://p.example/news/2017-02-22-story", date(2017, 2, 22), id="dashes"),
        pytest.param("https://p.example/20170222/story", date(2017, 2, 22), id="compact"),
        pytest.param("https://p.example/2017/7/4/story", date(2017, 7, 4), id="unpadded"),
        pytest.param("https://p.example/2017/02/story", None, id="month only"),
        pytest.param("https://p.example/story-12345678", None, id="an id, not a date"),
    ],
)
def test_date_from_url(url: str, expected: date | None) -> None:
    found = date_from_url(url)
    assert (found.date() if found else None) == expected


def test_on_day_keeps_the_instant() -> None:
    moment = datetime(2019, 1, 1, 4, 30, tzinfo=UTC)
    shifted = on_day(moment, date(2018, 12, 31))
    assert shifted == moment
    assert shifted is not None
    assert shifted.date() == date(2018, 12, 31)
    assert on_day(moment, date(2018, 12, 25)) is None


@pytest.mark.parametrize(
    ("title", "sites", "expected"),
    [
        pytest.param(
            "Budget passes | Ledger",
            ["The Springfield Ledger"],
            "Budget passes",
            id="short form of the site name",
        ),
        pytest.param("Budget passes", ["Ledger"], "Budget passes", id="nothing to strip"),
        pytest.param("Ledger", ["Ledger"], "Ledger", id="title that is only the site name"),
        pytest.param(
            "Budget debate: the details",
            ["de"],
            "Budget debate: the details",
            id="tiny host label does not match inside words",
        ),
        pytest.param(
            "Ledger honors: Springfield Ledger wins three state press awards",
            ["Springfield Ledger"],
            "Ledger honors: Springfield Ledger wins three state press awards",
            id="headline that mentions the site kept",
        ),
        pytest.param(
            "Cash\u00adflow rules \u2013 Ledger",
            ["Ledger"],
            "Cashflow rules",
            id="soft hyphen removed",
        ),
    ],
)
def test_strip_site_name(title: str, sites: list[str], expected: str) -> None:
    assert strip_site_name(title, sites) == expected


def test_language_is_primary_subtag() -> None:
    article = extract_article(page(lang="pt-BR"), url="https://p.example/a")
    assert article.language == "pt"
