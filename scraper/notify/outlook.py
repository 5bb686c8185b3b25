"""Saved views as filters: a view's query string -> the desk's ``QueueFilter``.

A view keeps the queue's query string, so the desk's own parser reads it and a
view means exactly what the queue showed when it was saved::

    view_filter("status=approved&program=Group+Violence+Intervention")
    -> QueueFilter(status="approved", program="Group Violence Intervention", ...)
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

if TYPE_CHECKING:
    from storage.queue import QueueFilter


def view_filter(query: str) -> QueueFilter:
    # Imported here: scraper.web imports this module (its feeds and pages), not the reverse.
    from scraper.web.forms import parse_queue

    return parse_queue(dict(parse_qsl(query.lstrip("?")))).filter


def clean_query(query: str) -> str:
    """The query string without the page number (a view is a filter, not a page)."""
    from scraper.web.forms import parse_queue

    return parse_queue(dict(parse_qsl(query.lstrip("?")))).params(page=None)
