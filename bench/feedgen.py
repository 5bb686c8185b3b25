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


# Headlines differ as real ones do (near-duplicate detection must not see one story
# a million times): five words drawn from WORDS by the story number, mixed.
_WORD_TEXT = """harbor ledger winter school bridge transit housing library park clinic river
    market budget youth mentor court jury verdict appeal grant tenant landlord zoning
    museum festival parade storm flood heat power water route ferry airport runway
    stadium arena coach season trail bike lane crosswalk corner church pastor mosque
    rabbi choir mural artist poet novel theater studio radio podcast editor reporter
    vote ballot mayor governor senator district precinct sheriff deputy warden prison
    parole probation reentry shelter pantry kitchen farmer orchard vineyard brewery
    factory union strike wage contract pension audit lawsuit settlement hearing
    petition rally vigil memorial anniversary reunion graduation scholarship"""
WORDS = tuple(_WORD_TEXT.split())


def _words(n: int, count: int = 5) -> str:
    mixed = ((n + 1) * 2654435761) % 2**32
    picked = []
    for _ in range(count):
        picked.append(WORDS[mixed % len(WORDS)])
        mixed //= len(WORDS)
        mixed = (mixed * 40503 + n) % 2**32
    return " ".join(picked)


def story_fields(n: int) -> dict[str, str]:
    """The invented fields of story ``n``."""
    program = PROGRAMS[n % len(PROGRAMS)]
    city = CITIES[(n // 5) % len(CITIES)]
    verb = VERBS[(n // 3) % len(VERBS)]
    speaker = PEOPLE[n % len(PEOPLE)]
    return {
        "title": f"{city} {verb} {program}: {_words(n)} ({n})",
        "description": (
            f"Officials in {city} met about the {_words(n + 7919, 4)} and {program}. "
            f"\u201cThe {_words(n + 13, 3)} work shows where the {_words(n + 29, 2)} "
            f"teams help,\u201d said {speaker}, who leads the effort."
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
