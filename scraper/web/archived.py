"""The desk's archived copy of a story, and the snapshot kick after an approval.

GET /desk/items/{id}/archive        the extracted text with headline, outlet and date,
                                    the snapshot's details, the link check, Save Page Now
GET /desk/items/{id}/archive/page   the page as fetched, cleaned (scraper.archive.clean)
                                    and served with ``Content-Security-Policy: sandbox``
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from scraper.archive.clean import SANDBOX_CSP, sandboxed_document
from scraper.archive.export import snapshot_bytes
from scraper.archive.files import archive_dir
from scraper.archive.warc import Snapshot, parse_snapshot
from scraper.models.errors import ArchiveError
from scraper.web.common import Desk, call, desk, error_page, guarded, render
from storage import link_checks, snapshots

if TYPE_CHECKING:
    from scraper.archive.jobs import Archiver

log = logging.getLogger(__name__)


def archive_lifespan(
    archiver: Archiver,
) -> Callable[[Starlette], contextlib.AbstractAsyncContextManager[None]]:
    """Run the archive rounds while the app is up (``clippings serve``)."""
    import asyncio

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        stop = asyncio.Event()
        task = asyncio.create_task(archiver.run_forever(stop))
        try:
            yield
        finally:
            stop.set()
            await task

    return lifespan


def after_approval(state: Desk, item_ids: Sequence[int]) -> None:
    """Snapshot the stories just approved, in the background; never fails the request."""
    if state.archiver is None or not item_ids:
        return
    try:
        state.archiver.kick(item_ids)
    except Exception:  # the approval is done; the next round will snapshot it
        log.exception("could not start the snapshot of items %s", list(item_ids))


def gone_links(state: Desk, item_ids: Sequence[int]) -> dict[int, link_checks.LinkState]:
    """The stories among ``item_ids`` whose link was found gone (flagged on their cards)."""
    states = link_checks.link_states(state.store, item_ids)
    return {item_id: link for item_id, link in states.items() if link.gone}


def _folder(state: Desk) -> Path:
    return state.archiver.folder if state.archiver is not None else archive_dir(state.config)


def _read(state: Desk, item_id: int) -> tuple[snapshots.SnapshotInfo | None, Snapshot | None, str]:
    info = snapshots.snapshot_of(state.store, item_id)
    if info is None or info.state != "ok":
        return info, None, ""
    try:
        return info, parse_snapshot(snapshot_bytes(_folder(state), info)), ""
    except (ArchiveError, ValueError, OSError) as exc:
        return info, None, f"The snapshot cannot be read: {exc}"
    except Exception as exc:  # damaged records: warcio raises its own kinds
        return info, None, f"The snapshot cannot be read: {type(exc).__name__}"


@guarded()
async def archive_page(request: Request) -> Response:
    state = desk(request)
    item_id = int(request.path_params["item_id"])
    item = await call(state.store.item, item_id)
    if item is None:
        return error_page(request, 404, "Not found", "There is no such item.")
    info, snap, problem = await call(_read, state, item_id)
    links = await call(link_checks.link_states, state.store, [item_id])
    context: dict[str, Any] = {
        "item": item,
        "info": info,
        "snap": snap,
        "problem": problem,
        "link": links.get(item_id),
        "here": request.url.path,
    }
    return render(request, "archive.html", context)


@guarded()
async def archived_page(request: Request) -> Response:
    state = desk(request)
    item_id = int(request.path_params["item_id"])
    info, snap, problem = await call(_read, state, item_id)
    if snap is None or info is None:
        message = problem or "This story has no archived copy (yet)."
        return error_page(request, 404, "No archived copy", message)
    charset = None
    for name, value in snap.headers:
        if name.lower() == "content-type" and "charset=" in value.lower():
            charset = value.lower().split("charset=")[-1].split(";")[0].strip(" \"'")
    document = sandboxed_document(
        snap.body,
        charset=charset,
        url=snap.target_url,
        captured=f"{info.captured_at:%-d %b %Y, %H:%M} UTC" if info.captured_at else "",
        title=snap.fields.get("headline", "") or snap.target_url,
    )
    return HTMLResponse(
        document,
        headers={
            "Content-Security-Policy": SANDBOX_CSP,
            "Referrer-Policy": "no-referrer",
            "X-Content-Type-Options": "nosniff",
        },
    )
