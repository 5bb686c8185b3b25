"""Reading the desk's forms and query strings into typed values, with messages per field.

Pure functions: they take what the browser sent and return values or a dict
``field -> message`` that the template shows next to the field::

    parse_edit({"headline": "", "published": "2024-13-01"}, ...)
    -> errors {"headline": "A headline is needed.", "published": "Use a date like 2024-03-05."}
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal
from urllib.parse import urlencode

from scraper.identity.urls import canonicalize_url
from scraper.text.visible import visible_text
from scraper.understand.quotes.use import person_excerpt
from storage.queue import QueueFilter
from storage.tables import ITEM_STATUSES

PER_PAGE = 25
MAX_HEADLINE = 400
MAX_EXCERPT = 1500
MAX_OUTLET = 200
MAX_NOTE = 4000
MAX_REASON = 500
MAX_CITY = 100  # characters of one "City, ST"
MAX_CITIES = 30
_CITY = re.compile(r"^[^,;]+, [A-Z]{2}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(value: str | None) -> str:
    """Text as typed, without control and invisible format characters and outer whitespace."""
    return visible_text(_CONTROL.sub("", value or "")).strip()


def one_line(value: str | None) -> str:
    return " ".join(clean(value).split())


def parse_day(value: str | None) -> date | None:
    """``"2024-03-05"`` -> date; empty -> None; raises ValueError otherwise."""
    text = (value or "").strip()
    return date.fromisoformat(text) if text else None


@dataclass(frozen=True, slots=True)
class QueueQuery:
    """The queue's query string, parsed; ``errors`` name fields that were ignored."""

    filter: QueueFilter
    page: int = 1
    errors: dict[str, str] = field(default_factory=dict)

    def params(self, **override: Any) -> str:
        """The query string of this view, with ``override`` applied (for links)."""
        f = self.filter
        values: dict[str, Any] = {
            "status": f.status or "all",
            "program": f.program,
            "city": f.city,
            "outlet": f.outlet,
            "source": f.source,
            "since": f.since.isoformat() if f.since else None,
            "until": f.until.isoformat() if f.until else None,
            "q": f.text,
            "order": f.order if f.order != "newest" else None,
            "page": self.page if self.page > 1 else None,
        }
        values.update(override)
        return urlencode({k: v for k, v in values.items() if v not in (None, "")})


def parse_queue(params: Mapping[str, str]) -> QueueQuery:
    errors: dict[str, str] = {}
    status: str | None = params.get("status") or "candidate"
    if status == "all":
        status = None
    elif status not in ITEM_STATUSES:
        errors["status"] = "Unknown status; showing candidates."
        status = "candidate"
    days: dict[str, date | None] = {}
    for name in ("since", "until"):
        try:
            days[name] = parse_day(params.get(name))
        except ValueError:
            errors[name] = "Use a date like 2024-03-05."
            days[name] = None
    try:
        page = max(1, min(int(params.get("page") or 1), 100_000))
    except ValueError:
        page = 1
    raw_order = params.get("order")
    order: Literal["newest", "collected", "relevance"] = "newest"
    if raw_order == "collected":
        order = "collected"
    elif raw_order == "relevance":
        order = "relevance"
    text = one_line(params.get("q"))[:200] or None
    return QueueQuery(
        filter=QueueFilter(
            status=status,
            program=one_line(params.get("program")) or None,
            city=one_line(params.get("city")) or None,
            outlet=one_line(params.get("outlet")) or None,
            source=one_line(params.get("source")) or None,
            since=days["since"],
            until=days["until"],
            text=text,
            order=order,
        ),
        page=page,
        errors=errors,
    )


FILTER_NAMES = {
    "q": "Search",
    "program": "Program",
    "city": "City",
    "outlet": "Outlet",
    "source": "Source",
    "since": "From",
    "until": "To",
}


def active_filters(query: QueueQuery) -> list[tuple[str, str, str]]:
    """The filters in force as (name, value, link that drops it), for the chips on phones."""
    f = query.filter
    values = {
        "q": f.text,
        "program": f.program,
        "city": f.city,
        "outlet": f.outlet,
        "source": f.source,
        "since": f.since.isoformat() if f.since else None,
        "until": f.until.isoformat() if f.until else None,
    }
    return [
        (FILTER_NAMES[key], value, "/desk/?" + query.params(**{key: None, "page": None}))
        for key, value in values.items()
        if value
    ]


def split_cities(value: str) -> list[str]:
    """``"York, PA; Gary, IN"`` (or one per line) -> ``["York, PA", "Gary, IN"]``."""
    parts = re.split(r"[;\n]", value)
    return list(dict.fromkeys(one_line(p) for p in parts if one_line(p)))


def quote_excerpt(quote: Mapping[str, Any], text: str = "") -> str:
    """An excerpt made from an extracted quote, as a person writes it:
    “…,” said Police Chief Jane Doe. (``text``, the article, gives the title.)"""
    return person_excerpt(str(quote.get("text") or ""), quote.get("speaker") or None, text)


def quote_choices(item: Mapping[str, Any]) -> list[str]:
    """Each stored quote of ``item`` as the excerpt "use as excerpt" makes of it."""
    text = str(item.get("text") or "")
    return [quote_excerpt(q, text) for q in item.get("quotes") or []]


@dataclass(frozen=True, slots=True)
class EditForm:
    """The edit form's values (item_json shape) and its errors."""

    values: dict[str, Any]
    errors: dict[str, str]


def parse_edit(
    form: Mapping[str, str],
    programs: Sequence[str],
    *,
    program_choices: Sequence[str],
    today: date | None = None,
) -> EditForm:
    """Validate an edit form; ``programs`` are the checked program boxes."""
    today = today or datetime.now(UTC).date()
    errors: dict[str, str] = {}
    headline = one_line(form.get("headline"))
    if not headline:
        errors["headline"] = "A headline is needed."
    elif len(headline) > MAX_HEADLINE:
        errors["headline"] = f"At most {MAX_HEADLINE} characters (now {len(headline)})."
    excerpt = " ".join(clean(form.get("excerpt")).split())
    if len(excerpt) > MAX_EXCERPT:
        errors["excerpt"] = f"At most {MAX_EXCERPT} characters (now {len(excerpt)})."
    published: str | None = None
    try:
        day = parse_day(form.get("published"))
    except ValueError:
        errors["published"] = "Use a date like 2024-03-05."
    else:
        if day is not None and day > today + timedelta(days=1):
            errors["published"] = "The date is in the future."
        elif day is not None and day.year < 1990:
            errors["published"] = "The date is before 1990."
        published = datetime(day.year, day.month, day.day, tzinfo=UTC).isoformat() if day else None
    outlet = one_line(form.get("outlet")) or None
    if outlet and len(outlet) > MAX_OUTLET:
        errors["outlet"] = f"At most {MAX_OUTLET} characters."
    unknown = [p for p in programs if p not in program_choices]
    if unknown:
        errors["programs"] = f"Unknown program: {unknown[0]}."
    cities = split_cities(form.get("cities") or "")
    bad = [c for c in cities if not _CITY.match(c)]
    long = [c for c in cities if len(c) > MAX_CITY]
    if long:
        errors["cities"] = (
            f"A city name holds at most {MAX_CITY} characters (one has {len(long[0])})."
        )
    elif len(cities) > MAX_CITIES:
        errors["cities"] = f"At most {MAX_CITIES} cities (now {len(cities)})."
    elif bad:
        errors["cities"] = f'Write each city as "City, ST" (e.g. "York, PA"): {bad[0]!r} is not.'
    values = {
        "headline": headline,
        "excerpt": excerpt,
        "published": published,
        "outlet": outlet,
        "programs": list(dict.fromkeys(programs)),
        "cities": cities,
    }
    return EditForm(values=values, errors=errors)


MAX_LINK = 2000


def check_link(value: str, errors: dict[str, str]) -> str | None:
    """An optional story link: None when empty; an error under "url" when not http(s)."""
    link = clean(value)
    if not link:
        return None
    if len(link) > MAX_LINK:
        errors["url"] = f"At most {MAX_LINK} characters."
        return None
    try:
        canonicalize_url(link)
    except ValueError:
        errors["url"] = "That is not an http(s) address of a web page (or leave it empty)."
        return None
    return link


def same_day(a: str | None, b: str | None) -> bool:
    """Two ISO datetimes on the same calendar day (the form edits days, not times)."""
    return (a or "")[:10] == (b or "")[:10]


def safe_next(value: str | None, *, default: str = "/desk/") -> str:
    """A return address inside the desk only (no open redirect)."""
    if (
        value
        and value.startswith("/desk/")
        and not value.startswith("//")
        and "\\" not in value
        and not any(ord(c) < 32 for c in value)
    ):
        return value
    return default
