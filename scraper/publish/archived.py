"""Public items whose original link is gone: their archived copy, on the page and in the feeds.

``annotate(store, rows, folder)`` marks, among the public items about to be
rendered, those whose link check found the original gone (``storage.link_checks``)
and gives each its replacement: clippings' own archived copy (the snapshot's
extracted text, served as ``news/archive/<id>/``) or, without a readable
snapshot, the Wayback Machine capture if Save Page Now made one. An item
with neither keeps its original link. Only gone items get a public archived
copy: a story that is still online is read at its outlet.

``render_archived(options, item)`` is that page: headline, outlet and date, the
words "archived copy; the original is no longer online", the original address
(as text and a link), and the text.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined

from scraper.archive.export import snapshot_bytes
from scraper.archive.warc import parse_snapshot
from scraper.models.errors import ArchiveError
from scraper.models.stored import ItemRecord
from scraper.publish.model import PublicItem
from storage import link_checks, snapshots
from storage.store import Store

log = logging.getLogger(__name__)

ARCHIVED_NOTE = "archived copy; the original is no longer online"


def annotate(store: Store, rows: Sequence[ItemRecord], folder: Path | None) -> None:
    """Add ``archive`` (``{"text", "captured", "wayback"}``) to rows whose link is gone."""
    gone = link_checks.gone_items(store)
    wanted = [row["id"] for row in rows if row["id"] in gone]
    if not wanted:
        return
    infos = snapshots.snapshots_of(store, wanted)
    for row in rows:
        info = infos.get(row["id"])
        if row["id"] not in gone or info is None:
            continue
        text, captured = None, None
        if folder is not None and info.state == "ok":
            try:
                snap = parse_snapshot(snapshot_bytes(folder, info))
                text = snap.text
                captured = info.captured_at.isoformat() if info.captured_at else None
            except (ArchiveError, ValueError, OSError) as exc:
                log.warning("archived copy of item %d not readable: %s", row["id"], exc)
        if text is not None or info.archive_org_url:
            row["archive"] = {"text": text, "captured": captured, "wayback": info.archive_org_url}


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("scraper.publish", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_archived(
    item: PublicItem, *, language: str, site_title: str, home_url: str, css_url: str
) -> bytes:
    """The public archived copy of one gone story (``news/archive/<id>/index.html``)."""
    template = _environment().get_template("archived.html")
    return template.render(
        item=item,
        note=ARCHIVED_NOTE,
        language=language,
        site_title=site_title,
        home_url=home_url,
        css_url=css_url,
    ).encode("utf-8")
