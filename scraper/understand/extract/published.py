"""Choose an article's publication datetime among the dates its page offers.

Candidates, best first: JSON-LD ``datePublished``/``dateCreated``, published-time
meta tags, ``<time>`` elements marked as publication, the first unmarked
``<time>``, dates in byline prose. A *reference day* arbitrates between them:
the date in the URL when there is one (set when the story was filed, so
it survives later edits), else the day trafilatura's date finder (htmldate)
settled on. The first candidate on the reference day wins; one a day off is
the same instant seen from another zone and is re-expressed in the nearest
UTC offset that puts it on the reference day::

    URL /2019/01/01/, meta "2018-12-31T23:11:59+00:00" -> 2019-01-01 00:11:59+01:00

Without any agreement: the URL date, else the first candidate, then the feed's
date, htmldate's day, and last a modification date. Never an update date while a
published one exists.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from scraper.understand.extract.dates import date_from_url, parse_human_date, parse_machine_date
from scraper.understand.extract.page import PageSignals

MAX_BYLINE_DATES = 2  # later "byline" elements are often teasers of other stories
SAME_INSTANT_SECONDS = 60  # two timestamps this close are one instant written twice
_OFFSETS_BY_NEARNESS = sorted(range(-12, 15), key=abs)  # whole hours, UTC first

PUBLISHED_META = (
    "article:published_time",
    "og:published_time",
    "og:article:published_time",
    "datepublished",
    "article.published",
    "published_time",
    "publishdate",
    "publish-date",
    "publish_date",
    "pubdate",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date.created",
    "dcterms.created",
    "citation_publication_date",
    "article:published",
    "originalpublicationdate",
    "release_date",
    "displaydate",
    "datecreated",
    "dc.date",
    "dcterms.date",
    "date",
)
MODIFIED_META = (
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "dcterms.modified",
    "last-modified",
    "lastmod",
)
_JSON_PUBLISHED = ("datePublished", "dateCreated")


def _candidates(signals: PageSignals) -> list[datetime]:
    found: list[datetime] = []
    for obj in signals.json_ld:
        for key in _JSON_PUBLISHED:
            value = obj.get(key)
            if isinstance(value, str) and (parsed := parse_machine_date(value)):
                found.append(parsed)
    for key in PUBLISHED_META:
        found.extend(p for v in signals.meta.get(key, ()) if (p := parse_machine_date(v)))
    tagged = [t for t in signals.times if t.published and not t.updated]
    untagged = [t for t in signals.times if not t.published and not t.updated]
    found.extend(p for t in [*tagged, *untagged[:1]] if (p := parse_machine_date(t.value)))
    for byline in signals.bylines[:MAX_BYLINE_DATES]:
        if parsed := parse_human_date(byline):
            found.append(parsed)
    return found


def _local(moment: datetime, signals: PageSignals) -> datetime:
    """A UTC instant re-expressed in the page's own offset when a ``<time>`` of the
    page gives the same instant with one ("2022-05-04T03:37Z" and
    "2022-05-03T23:37-04:00" -> the latter: published on the 3rd, local time)."""
    if moment.utcoffset() != timedelta(0):
        return moment
    for t in signals.times:
        other = parse_machine_date(t.value)
        if (
            other is not None
            and other.utcoffset() not in (None, timedelta(0))
            and abs((other - moment).total_seconds()) < SAME_INSTANT_SECONDS
        ):
            return moment.astimezone(other.tzinfo)
    return moment


def _modified(signals: PageSignals) -> datetime | None:
    for obj in signals.json_ld:
        value = obj.get("dateModified")
        if isinstance(value, str) and (parsed := parse_machine_date(value)):
            return parsed
    for key in MODIFIED_META:
        for value in signals.meta.get(key, ()):
            if parsed := parse_machine_date(value):
                return parsed
    return None


def on_day(moment: datetime, day: date) -> datetime | None:
    """``moment`` re-expressed in the UTC offset nearest to zero that puts it on ``day``."""
    if moment.date() == day:
        return moment
    if abs((moment.date() - day).days) > 1:
        return None
    for hours in _OFFSETS_BY_NEARNESS:
        local = moment.astimezone(timezone(timedelta(hours=hours)))
        if local.date() == day:
            return local
    return None


def choose_published(
    signals: PageSignals,
    url: str,
    *,
    finder_date: str | None = None,
    feed_published: datetime | None = None,
) -> datetime | None:
    """The publication datetime of the page (timezone-aware), or ``None``.

    ``finder_date`` is htmldate's ``YYYY-MM-DD`` as trafilatura reports it.
    """
    candidates = [_local(c, signals) for c in _candidates(signals)]
    from_url = date_from_url(url)
    from_finder = parse_machine_date(finder_date) if finder_date else None
    reference = from_url or from_finder
    if reference is not None:
        # Exact agreement first; a re-expressed instant only when nothing agrees outright.
        for candidate in candidates:
            if candidate.date() == reference.date():
                return candidate
        for candidate in candidates if from_url else ():
            if agreed := on_day(candidate, reference.date()):
                return agreed
    if from_url is not None:
        return from_url
    if candidates:
        return candidates[0]
    if feed_published is not None:
        return feed_published
    modified = _modified(signals)
    if from_finder is not None:
        # htmldate often reads the modification date; then that one carries the time.
        return (on_day(modified, from_finder.date()) if modified else None) or from_finder
    return modified
