"""The clip sheet: one CSV row per story that opens cleanly in Excel and LibreOffice.

UTF-8 with a byte-order mark (Excel then reads accents and curly quotes right),
CRLF line ends, every field quoted when needed by Python's ``csv``. A cell
that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return) gets a leading apostrophe, so a headline
like ``=HYPERLINK("http://evil")`` is shown as text::

    date,outlet,headline,url,programs,cities,excerpt,speaker
    2024-03-05,The Ledger,'=HYPERLINK(...),https://...,Group Violence Intervention,"York, PA",...
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from scraper.report.build import Story

BOM = "\ufeff"
COLUMNS = ("date", "outlet", "headline", "url", "programs", "cities", "excerpt", "speaker")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: str) -> str:
    """``value`` made safe from formula injection (see the module docstring)."""
    return "'" + value if value.startswith(FORMULA_START) else value


def clip_sheet(stories: Iterable[Story]) -> str:
    """The CSV text, BOM first; write it as UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for story in stories:
        item = story.item
        writer.writerow(
            [
                cell(value)
                for value in (
                    story.day,
                    item.outlet,
                    item.headline,
                    item.url or "",
                    "; ".join(item.programs),
                    "; ".join(item.cities),
                    " ".join(item.excerpt),
                    story.speaker,
                )
            ]
        )
    return BOM + out.getvalue()
