"""The two tables an operator reads every day, made to fit an 80-column terminal.

``sources list`` and the ``collect`` summary: narrow columns never wrap, the reason
column takes the rest of the width and wraps between words (a word longer than the
column is folded, never cut off with an ellipsis), and every failure is said once, in
the words of :mod:`scraper.explain.failures`; a failure shared by most sources (no
network, no DNS) is one line under the table instead of one per row.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from rich import box
from rich.table import Table

from scraper.config.schema import Config, Source, format_interval
from scraper.explain.failures import Failure, Grouped, explain, group
from scraper.explain.times import ago, clock, until

if TYPE_CHECKING:
    from scraper.models.stored import SourceState
    from scraper.pipeline.collector import SourceReport

_RESULT = {"ok": "[green]ok[/]", "not_modified": "not modified", "error": "[red]error[/]"}
_COLOUR = {"ok": "green", "failing": "yellow", "unhealthy": "red", "new": "blue"}


def _table(title: str | None) -> Table:
    return Table(title=title, box=box.SIMPLE_HEAD, pad_edge=False, expand=False)


def collect_failures(reports: Sequence[SourceReport], *, urls: Mapping[str, str]) -> Grouped:
    """The failures of a pass, explained and grouped."""
    failures: dict[str, Failure] = {}
    for r in reports:
        failure = explain(r.error, url=urls.get(r.source_id), status=r.status)
        if r.outcome == "error" and failure is not None:
            failures[r.source_id] = failure
    return group(failures, total=len(reports))


def summary_table(reports: Sequence[SourceReport]) -> Table:
    """One row per source: result and counts (the reasons follow in :func:`summary_notes`)."""
    table = _table("Collection summary")
    table.add_column("source", overflow="fold")
    table.add_column("result", no_wrap=True)
    for name in ("new", "seen", "entries"):
        table.add_column(name, justify="right", no_wrap=True)
    for r in _in_order(reports):
        table.add_row(r.source_id, _RESULT[r.outcome], str(r.new), str(r.seen), str(r.entries))
    return table


def _in_order(reports: Sequence[SourceReport]) -> list[SourceReport]:
    return sorted(reports, key=lambda r: (r.outcome != "error", r.source_id))


def summary_notes(reports: Sequence[SourceReport], grouped: Grouped, *, width: int) -> list[str]:
    """Under the table: the shared failure once, then each other failure, warning or skip."""
    lines = [wrap(grouped.shared, width=width, indent="")] if grouped.shared else []
    for r in _in_order(reports):
        notes = []
        if r.source_id in grouped.each:
            notes.append(grouped.each[r.source_id].words)
        elif r.warning and r.source_id not in grouped.shared_ids:
            notes.append(r.warning)
        if r.dropped:
            notes.append("skipped " + ", ".join(f"{n} {why}" for why, n in r.dropped.items()))
        if notes:
            lines.append(wrap(f"{r.source_id}: {'; '.join(notes)}", width=width))
    return lines


def wrap(text: str, *, width: int, indent: str = "  ") -> str:
    """``text`` wrapped between words to ``width`` columns (a long word stays whole)."""
    return textwrap.fill(
        text,
        width=max(width, 40),
        initial_indent=indent,
        subsequent_indent=indent + "  ",
        break_long_words=False,
        break_on_hyphens=False,
    )


@dataclass(frozen=True)
class SourceRow:
    """What ``sources list`` shows for one source."""

    source: Source
    state: SourceState | None
    health: str
    failure: Failure | None


def interval_words(config: Config, source: Source, state: SourceState | None) -> str:
    """The interval in force and what bounds it: "~45m (5m-1d)", "1h (fixed)".

    ``~`` marks an interval adapted to how often the source publishes.
    """
    settings = config.settings
    configured = config.interval_for(source)
    current = configured
    if state is not None and state.check_interval_seconds:
        current = timedelta(seconds=state.check_interval_seconds)
    mark = "" if current == configured else "~"
    if source.interval is not None or not settings.adaptive_intervals:
        bounds = "fixed"
    else:
        low, high = settings.min_interval, settings.max_interval
        bounds = f"{format_interval(low)}-{format_interval(high)}"
    return f"{mark}{format_interval(current)} ({bounds})"


def source_failures(rows: Sequence[SourceRow]) -> Grouped:
    failing = {row.source.id: row.failure for row in rows if row.failure is not None}
    return group(failing, total=sum(1 for row in rows if row.source.enabled))


def next_check(moment: datetime | None, *, now: datetime, tz: tzinfo) -> str:
    """ "due now", "in 25 min" within the hour, else the wall-clock time ("18:27")."""
    words = until(moment, now=now)
    if moment is None or words == "due now":
        return words
    if moment.tzinfo is None:  # SQLite hands back naive UTC
        moment = moment.replace(tzinfo=UTC)
    if moment - now < timedelta(hours=1):
        return words
    return clock(moment, tz=tz, now=now)


def sources_table(
    rows: Sequence[SourceRow], *, config: Config, title: str, now: datetime, tz: tzinfo
) -> Table:
    """Each source: the interval in force and its bounds, health, last and next check."""
    table = _table(title)
    table.add_column("source", overflow="fold")
    table.add_column("every", no_wrap=True)
    table.add_column("health", no_wrap=True)
    table.add_column("checked", no_wrap=True)
    table.add_column("next", no_wrap=True)
    table.add_column("items", justify="right", no_wrap=True)
    for row in rows:
        source, state = row.source, row.state
        status = row.health if source.enabled else "disabled"
        nxt = next_check(state.next_check_at if state else None, now=now, tz=tz)
        table.add_row(
            source.id,
            interval_words(config, source, state),
            f"[{_COLOUR.get(status, 'dim')}]{status}[/]",
            ago(state.last_checked_at, now=now) if state else "never",
            nxt if source.enabled else "-",
            str(state.items_found if state else 0),
        )
    return table


def source_problems(
    rows: Sequence[SourceRow], grouped: Grouped, *, now: datetime, tz: tzinfo, width: int
) -> list[str]:
    """Under the table: the shared failure once, then each source's own, with the next try:
    "wbez: cannot find the address of www.wbez.org (DNS); next try 17:28"."""
    lines = [wrap(grouped.shared, width=width, indent="")] if grouped.shared else []
    for row in rows:
        failure, state = grouped.each.get(row.source.id), row.state
        if failure is None or state is None:
            continue
        text = f"{row.source.id}: {failure.words}"
        if state.error_count > 1:
            text += f"; {state.error_count} failures in a row"
        if row.source.enabled and state.next_check_at is not None:
            text += f"; next try {next_check(state.next_check_at, now=now, tz=tz)}"
        lines.append(wrap(text, width=width))
    return lines
