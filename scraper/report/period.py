"""The report's period from what a person typed: ``--from``/``--to`` or the desk's form.

    period("2024-01-01", "2024-12-31", today=date(2025, 2, 1)) -> (2024-01-01, 2024-12-31)
    period(None, None, today=date(2025, 2, 1))                 -> (2024-02-01, 2025-02-01)

Missing ends default to the year up to the newest approved story (``latest``,
else today), so a report without dates always shows the latest year of
coverage; a reversed range is an error.
"""

from __future__ import annotations

from datetime import date, timedelta

MAX_SPAN = timedelta(days=366 * 100)


class PeriodError(ValueError):
    """A period that cannot be used; the message says how to write one."""


def parse_day(value: str | None, *, name: str) -> date | None:
    text = (value or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise PeriodError(f"{name}: {text!r} is not a date like 2024-03-05") from None


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def period(
    since: str | None, until: str | None, *, today: date, latest: date | None = None
) -> tuple[date, date]:
    end = parse_day(until, name="to") or min(latest or today, today)
    start = parse_day(since, name="from") or _year_before(end)
    if start > end:
        raise PeriodError(f"from ({start}) is after to ({end})")
    if end - start > MAX_SPAN:
        raise PeriodError("a report covers at most 100 years")
    return start, end
