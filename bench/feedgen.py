"""Invented feeds for the scale benchmarks: deterministic, realistic in size and shape.

``rss(feed, base=..., entries=50)`` is an RSS 2.0 document of 50 invented
stories (about 20 KB): a headline, a link with a tracking parameter, a GUID,
a date, an author and a two-sentence description that names a program and a
city in about one story out of three, so the matching stage has work to do.
Stories ``feed * entries .. feed * entries + entries - 1`` belong to feed
``feed``: feeds share no stories unless ``overlap`` shifts them.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

PROGRAMS = (
    "Group Violence Intervention",
    "Drug Market Intervention",
    "Project Safe Neighborhoods",
    "the youth summer jobs program",
    "the new recreation center plan",
)
CITIES = ("Oakland", "Cincinnati", "Baltimore", "Stockton", "New Haven", "Riverton", "Lakeview")
VERBS = ("expands", "reviews", "funds", "pauses", "celebrates", "questions", "relaunches")
PEOPLE = ("Dana Whitfield", "Marcus Oyelaran", "Priya Castellanos", "Tom Brekke", "Ines Varga")


def story_fields(n: int) -> dict[str, str]:
    """The invented fields of story ``n``."""
    program = PROGRAMS[n % len(PROGRAMS)]
    city = CITIES[(n // 5) % len(CITIES)]
    verb = VERBS[(n // 3) % len(VERBS)]
    speaker = PEOPLE[n % len(PEOPLE)]
    return {
        "title": f"{city} council {verb} {program} after budget hearing no. {n}",
        "description": (
            f"Officials in {city} met on Tuesday to discuss {program} and its results. "
            f"\u201cWe have seen fewer shootings where the outreach teams work,\u201d said "
            f"{speaker}, who leads the effort."
        ),
        "author": speaker,
        "minute": f"{n % 60:02d}",
        "hour": f"{(n // 60) % 24:02d}",
        "day": f"{1 + (n // 1440) % 28:02d}",
    }


def rss(feed: int, *, base: str, entries: int = 50, overlap: int = 0) -> bytes:
    """Feed ``feed`` as RSS 2.0 bytes; story links live under ``base``."""
    first = feed * (entries - overlap)
    items = []
    for n in range(first, first + entries):
        f = story_fields(n)
        items.append(
            "<item>"
            f"<title>{escape(f['title'])}</title>"
            f"<link>{base}/news/{n}/story.html?utm_source=rss&amp;utm_medium=feed</link>"
            f'<guid isPermaLink="false">story-{n}</guid>'
            f"<pubDate>Tue, {f['day']} Mar 2024 {f['hour']}:{f['minute']}:00 GMT</pubDate>"
            f"<author>{escape(f['author'])}</author>"
            f"<description>{escape(f['description'])}</description>"
            "</item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>Bench feed {feed}</title><link>{base}/</link>"
        f"<description>Invented stories for benchmarks</description>{''.join(items)}"
        "</channel></rss>"
    ).encode()
