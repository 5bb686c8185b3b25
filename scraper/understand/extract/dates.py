"""Publication dates as pages write them, read into timezone-aware datetimes.

Three kinds of source, each with its own reader:

* machine dates in metadata (``parse_machine_date``)::

      "2017-02-22T18:05:00-05:00" -> 2017-02-22 18:05-05:00
      "2017-02-22 18:05"          -> 2017-02-22 18:05+00:00   (no zone: UTC assumed)
      "20170222"                  -> 2017-02-22 00:00+00:00

* dates in a URL path (``date_from_url``)::

      "https://x.example/2017/02/22/story" -> 2017-02-22 00:00+00:00

* dates in byline prose (``parse_human_date``), published before updated::

      "Published 6:05 p.m. ET Feb. 22, 2017 | Updated 8:12 p.m. ET Feb. 23, 2017"
          -> 2017-02-22 18:05-05:00 (America/New_York)
      "22. Februar 2017, 14:30 Uhr" -> 2017-02-22 14:30+00:00

Invariant: every datetime returned here is timezone-aware. When the source gives
no zone, UTC is assumed; a zone written as an abbreviation ("ET", "PST", "CET")
is resolved with the IANA database so daylight saving time is right.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MIN_YEAR = 1990  # older "publication dates" on news pages are noise (founding years, archives)
MAX_FUTURE = timedelta(days=2)  # pages dated further ahead than this are wrong

_ZONE_NAMES = {
    "ET": "America/New_York",
    "EST": "America/New_York",
    "EDT": "America/New_York",
    "CT": "America/Chicago",
    "CST": "America/Chicago",
    "CDT": "America/Chicago",
    "MT": "America/Denver",
    "MST": "America/Denver",
    "MDT": "America/Denver",
    "PT": "America/Los_Angeles",
    "PST": "America/Los_Angeles",
    "PDT": "America/Los_Angeles",
    "AKST": "America/Anchorage",
    "AKDT": "America/Anchorage",
    "HST": "Pacific/Honolulu",
    "CET": "Europe/Berlin",
    "CEST": "Europe/Berlin",
    "MEZ": "Europe/Berlin",
    "MESZ": "Europe/Berlin",
    "BST": "Europe/London",
}
# Used only when the IANA database is missing on the host (standard time offsets, hours).
_FALLBACK_OFFSETS = {
    "America/New_York": -5,
    "America/Chicago": -6,
    "America/Denver": -7,
    "America/Los_Angeles": -8,
    "America/Anchorage": -9,
    "Pacific/Honolulu": -10,
    "Europe/Berlin": 1,
    "Europe/London": 0,
}

_MONTHS = {
    # English
    "jan": 1,
    "january": 1,
    "feb": 2,
    "february": 2,
    "mar": 3,
    "march": 3,
    "apr": 4,
    "april": 4,
    "may": 5,
    "jun": 6,
    "june": 6,
    "jul": 7,
    "july": 7,
    "aug": 8,
    "august": 8,
    "sep": 9,
    "sept": 9,
    "september": 9,
    "oct": 10,
    "october": 10,
    "nov": 11,
    "november": 11,
    "dec": 12,
    "december": 12,
    # German, French, Spanish: the languages most often met besides English
    "januar": 1,
    "jänner": 1,
    "februar": 2,
    "märz": 3,
    "märz.": 3,
    "mai": 5,
    "juni": 6,
    "juli": 7,
    "okt": 10,
    "oktober": 10,
    "dez": 12,
    "dezember": 12,
    "janvier": 1,
    "février": 2,
    "mars": 3,
    "avril": 4,
    "juin": 6,
    "juillet": 7,
    "août": 8,
    "septembre": 9,
    "octobre": 10,
    "novembre": 11,
    "décembre": 12,
    "enero": 1,
    "febrero": 2,
    "marzo": 3,
    "abril": 4,
    "mayo": 5,
    "junio": 6,
    "julio": 7,
    "agosto": 8,
    "septiembre": 9,
    "octubre": 10,
    "noviembre": 11,
    "diciembre": 12,
}
_MONTH_ALT = "|".join(sorted((re.escape(m) for m in _MONTHS), key=len, reverse=True))

_ISO = re.compile(
    r"(?P<y>\d{4})-?(?P<m>\d{2})-?(?P<d>\d{2})"
    r"(?:[T ]+(?P<H>\d{1,2}):?(?P<M>\d{2})(?::?(?P<S>\d{2})(?:[.,]\d+)?)?"
    r"\s*(?P<z>Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?)?"
)
_URL_DATE = re.compile(
    r"/(?P<y>(?:19|20)\d{2})[/-](?P<m>[01]?\d)[/-](?P<d>[0-3]?\d)(?=[/_.-]|$)"
    r"|/(?P<y2>(?:19|20)\d{2})(?P<m2>[01]\d)(?P<d2>[0-3]\d)(?=/)"
)
_TIME = re.compile(
    r"\b(?P<H>\d{1,2})(?:[:.h](?P<M>\d{2}))?(?::(?P<S>\d{2}))?\s*"
    r"(?P<ampm>[ap]\.?\s?m\.?(?![a-z]))?(?:\s*Uhr)?"
    r"(?:\s*\(?(?P<zone>[A-Z]{2,4}T?|UTC|GMT)\b\)?)?"
    r"(?:\s*(?P<offset>[+-]\d{2}:?\d{2}))?",
    re.IGNORECASE,
)
_MONTH_FIRST = re.compile(
    rf"\b(?P<mon>{_MONTH_ALT})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})\b",
    re.IGNORECASE,
)
_DAY_FIRST = re.compile(
    rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th|er)?\.?\s+(?:de\s+)?(?P<mon>{_MONTH_ALT})\.?,?\s+"
    rf"(?:de\s+)?(?P<y>\d{{4}})\b",
    re.IGNORECASE,
)
_NUMERIC = re.compile(r"\b(?P<a>\d{1,2})(?P<sep>[./])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})\b")
_UPDATED = re.compile(
    r"\b(?:updated?|modified|last\s+modified|aktualisiert|geändert|mis\s+à\s+jour|"
    r"actualizado)\b",
    re.IGNORECASE,
)
_PUBLISHED = re.compile(
    r"\b(?:published|posted|publié|veröffentlicht|erschienen|publicado)\b", re.IGNORECASE
)


def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return timezone(timedelta(hours=_FALLBACK_OFFSETS.get(name, 0)))


def _offset(text: str) -> tzinfo:
    if text.upper() in ("Z", "UTC", "GMT"):
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours > 14 or minutes > 59:
        raise ValueError(f"impossible UTC offset {text!r}")
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def plausible(value: datetime, *, now: datetime | None = None) -> bool:
    """A publication date between ``MIN_YEAR`` and a little after ``now``."""
    now = now or datetime.now(UTC)
    return value.year >= MIN_YEAR and value <= now + MAX_FUTURE


def _build(
    year: int,
    month: int,
    day: int,
    hour: int = 0,
    minute: int = 0,
    second: int = 0,
    zone: tzinfo = UTC,
) -> datetime | None:
    try:
        value = datetime(year, month, day, hour, minute, second, tzinfo=zone)
    except (ValueError, OverflowError):
        return None
    return value if plausible(value) else None


def parse_machine_date(text: str) -> datetime | None:
    """An ISO 8601-like date from metadata; ``None`` when there is none."""
    match = _ISO.search(text.strip()[:64])
    if match is None:
        return _parse_rfc2822(text)
    try:
        zone = _offset(match["z"]) if match["z"] else UTC
    except ValueError:
        zone = UTC
    return _build(
        int(match["y"]),
        int(match["m"]),
        int(match["d"]),
        int(match["H"] or 0),
        int(match["M"] or 0),
        int(match["S"] or 0),
        zone,
    )


def _parse_rfc2822(text: str) -> datetime | None:
    """ "Sat, 19 Oct 2019 00:04:00 +0200" (as in feeds and some meta tags)."""
    try:
        value = parsedate_to_datetime(text.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value if plausible(value) else None


def date_from_url(url: str) -> datetime | None:
    """The ``/YYYY/MM/DD/`` (or ``/YYYYMMDD/``) date in a URL path, at midnight UTC."""
    match = _URL_DATE.search(url)
    if match is None:
        return None
    if match["y"]:
        return _build(int(match["y"]), int(match["m"]), int(match["d"]))
    return _build(int(match["y2"]), int(match["m2"]), int(match["d2"]))


def _time_near(text: str) -> tuple[int, int, int, tzinfo] | None:
    """The first clock time in ``text`` with its zone, e.g. "6:05 p.m. ET"."""
    for match in _TIME.finditer(text):
        if match["M"] is None and match["ampm"] is None:
            continue  # a bare number is a day or a year, not a time
        hour, minute = int(match["H"]), int(match["M"] or 0)
        ampm = (match["ampm"] or "").lower()
        if ampm.startswith("p") and hour < 12:
            hour += 12
        elif ampm.startswith("a") and hour == 12:
            hour = 0
        if hour > 23 or minute > 59:
            continue
        zone: tzinfo = UTC
        if match["offset"]:
            try:
                zone = _offset(match["offset"])
            except ValueError:
                zone = UTC
        elif match["zone"] and match["zone"].upper() in _ZONE_NAMES:
            zone = _zone(_ZONE_NAMES[match["zone"].upper()])
        return hour, minute, int(match["S"] or 0), zone
    return None


def _calendar_date(text: str, *, day_first: bool) -> tuple[tuple[int, int, int], int, int] | None:
    """``((year, month, day), start, end)`` of the first written date in ``text``."""
    found: list[tuple[int, tuple[int, int, int], int]] = []
    for pattern in (_MONTH_FIRST, _DAY_FIRST):
        match = pattern.search(text)
        if match:
            month = _MONTHS[match["mon"].lower().rstrip(".")]
            found.append((match.start(), (int(match["y"]), month, int(match["d"])), match.end()))
    match = _NUMERIC.search(text)
    if match:
        a, b, year = int(match["a"]), int(match["b"]), int(match["y"])
        year += 2000 if year < 100 else 0
        dotted = match["sep"] == "."
        day, month = (a, b) if dotted or day_first or a > 12 else (b, a)
        found.append((match.start(), (year, month, day), match.end()))
    match = _ISO.search(text)
    if match and "-" in match.group(0):
        found.append(
            (match.start(), (int(match["y"]), int(match["m"]), int(match["d"])), match.end())
        )
    if not found:
        return None
    start, ymd, end = min(found)
    return ymd, start, end


def parse_human_date(text: str, *, day_first: bool = False) -> datetime | None:
    """The publication date in byline prose; the published one when it also says updated.

    ``day_first`` decides "03/04/2017" (slash dates are US month-first by default;
    dotted dates are always day-first).
    """
    text = " ".join(text.split())[:300]
    published = _PUBLISHED.search(text)
    updated = _UPDATED.search(text)
    if published and updated and updated.start() > published.start():
        text = text[published.end() : updated.start()]
    elif published:
        text = text[published.end() :]
    elif updated and updated.start() > 0:
        text = text[: updated.start()]
    found = _calendar_date(text, day_first=day_first)
    if found is None:
        return None
    (year, month, day), start, end = found
    # The clock time belongs to this date when it sits right before or after it.
    clock = _time_near(text[end : end + 30]) or _time_near(text[max(0, start - 24) : start])
    if clock is None:
        return _build(year, month, day)
    hour, minute, second, zone = clock
    return _build(year, month, day, hour, minute, second, zone)
