"""Desk pages besides the queue: submit a link, sources' health, the audit log."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import Response

from scraper.explain.failures import explain, group
from scraper.models.errors import SubmitError
from scraper.pipeline.manual import check_url, submit_url
from scraper.web.common import (
    call,
    desk,
    error_page,
    field_value,
    guarded,
    now,
    redirect,
    render,
)
from scraper.web.guards import small_int
from scraper.web.sources_view import source_rows
from storage.audit import audit_csv
from storage.audit_view import AuditKind, audit_entries, headlines

log = logging.getLogger(__name__)

AUDIT_PER_PAGE = 100


@guarded()
async def submit_page(request: Request) -> Response:
    return render(request, "submit.html", {"url": "", "error": None})


@guarded()
async def submit_post(request: Request) -> Response:
    state = desk(request)
    url = field_value(request, "url").strip()
    try:
        check_url(url)
        result = await submit_url(
            url, config=state.config, store=state.store, user=request.state.user.name
        )
    except SubmitError as exc:  # nothing was stored
        return render(request, "submit.html", {"url": url, "error": str(exc)}, status=400)
    state.forget_facets()
    return redirect(request, f"/desk/items/{result.item_id}", message=result.message())


@guarded()
async def sources_page(request: Request) -> Response:
    state = desk(request)
    sources = await call(state.store.sources)
    rows = source_rows(sources, now=datetime.now(UTC), zone=state.zone)
    failures = {
        s.id: f
        for s in sources
        if s.enabled and s.error_count
        if (f := explain(s.last_error, url=s.url, status=s.last_status)) is not None
    }
    grouped = group(failures, total=sum(1 for s in sources if s.enabled))
    return render(
        request,
        "sources.html",
        {
            "rows": rows,
            "failing": sum(r.health == "failing" for r in rows),
            "checking": _checking(request),
            "outage": grouped.shared,
        },
    )


def _checking(request: Request) -> set[str]:
    return {t.get_name() for t in desk(request).background if not t.done()}


@guarded()
async def check_source(request: Request) -> Response:
    """Check one source now, in the background; the page shows it as "checking"."""
    state = desk(request)
    source_id = request.path_params["source_id"]
    source = await call(state.store.source, source_id)
    if source is None:
        return error_page(request, 404, "Not found", "There is no such source.")
    await call(state.store.reset_source_checks, [source_id], now=now())
    if source_id not in _checking(request):
        task = asyncio.create_task(_collect_one(request, source_id), name=source_id)
        state.background.add(task)
        task.add_done_callback(state.background.discard)
    await call(
        state.review.record,
        user=request.state.user.name,
        action="check",
        now=now(),
        detail=source_id,
    )
    return redirect(
        request, "/desk/sources", message=f"Checking {source_id} now: reload in a moment."
    )


async def _collect_one(request: Request, source_id: str) -> None:
    from scraper.fetch.client import Fetcher
    from scraper.pipeline.adapters import fetch_options
    from scraper.pipeline.collector import Collector

    state = desk(request)
    source = await call(state.store.source, source_id)
    if source is None:
        return
    try:
        async with Fetcher(fetch_options(state.config)) as fetcher:
            keep = state.archiver.keep_page if state.archiver is not None else None
            collector = Collector(state.config, state.store, fetcher, keep_page=keep)
            await collector.collect_source(source)
    except Exception:  # a background check must never take the app down
        log.exception("checking source %s failed", source_id)
    state.forget_facets()


@guarded(admin=True)
async def audit_page(request: Request) -> Response:
    state = desk(request)
    page = small_int(request.query_params.get("page"), default=1, high=1_000_000)
    user = request.query_params.get("user") or None
    item = (request.query_params.get("item") or "").strip().lstrip("#")
    item_id = small_int(item, default=0) or None
    raw_kind = request.query_params.get("kind")
    kind: AuditKind = (
        "logins"
        if raw_kind in ("logins", "security")
        else "all"
        if raw_kind == "all"
        else "stories"
    )
    entries = await call(
        audit_entries,
        state.store,
        kind=kind,
        item_id=item_id,
        user=user,
        limit=AUDIT_PER_PAGE + 1,
        offset=(page - 1) * AUDIT_PER_PAGE,
    )
    return render(
        request,
        "audit.html",
        {
            "entries": entries[:AUDIT_PER_PAGE],
            "headlines": await call(headlines, state.store, [e.item_id for e in entries]),
            "more": len(entries) > AUDIT_PER_PAGE,
            "page": page,
            "kind": kind,
            "filter_user": user or "",
            "filter_item": item_id or "",
        },
    )


@guarded(admin=True)
async def audit_export(request: Request) -> Response:
    state = desk(request)
    entries = await call(state.review.audit, limit=None)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M")
    return Response(
        audit_csv(entries),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="clippings-audit-{stamp}.csv"'},
    )
