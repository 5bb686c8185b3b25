"""The queue and what reviewers do to items: approve, reject, edit, notes, bulk, undo.

Every change is a plain form POST that works without JavaScript (answered by
a redirect back to where the reviewer was); the desk's script sends the same
forms with ``X-Requested-With: clippings`` and gets JSON with the re-rendered
card instead. A stale form (the item changed since it was shown) answers 409
with the item's current state.
"""

from __future__ import annotations

from typing import Any, cast

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from scraper.models.errors import Conflict, NotAllowed, NotFound, ReviewError
from scraper.models.stored import ItemRecord
from scraper.web.archived import after_approval, gone_links
from scraper.web.common import (
    call,
    desk,
    error_page,
    field_value,
    form_of,
    guarded,
    now,
    redirect,
    render,
    wants_json,
)
from scraper.web.forms import (
    MAX_NOTE,
    MAX_REASON,
    PER_PAGE,
    active_filters,
    clean,
    one_line,
    parse_edit,
    parse_queue,
    quote_choices,
    safe_next,
    same_day,
)
from scraper.web.guards import MAX_ID_DIGITS
from scraper.web.reading import pane_context
from storage import preferences
from storage.review import ACTIONS

STATUS_TABS = ("candidate", "approved", "published", "rejected", "filtered", "all")
DONE = {
    "approve": "Approved",
    "reject": "Rejected",
    "unpublish": "Unpublished (back in the queue)",
    "promote": "Moved to the queue",
}


def _item_id(request: Request) -> int:
    return int(request.path_params["item_id"])


def _version(request: Request) -> int | None:
    raw = field_value(request, "version")
    return int(raw) if raw.isdigit() and len(raw) <= MAX_ID_DIGITS else None


def _card_html(request: Request, item: dict[str, Any], *, message: str | None = None) -> str:
    """The item as the page that sent the form shows it: a card, or a list row."""
    state = desk(request)
    view = field_value(request, "view")
    template = state.templates.get_template("_row.html" if view == "list" else "_card.html")
    html: str = template.render(
        item=item,
        view=view or "cards",
        csrf=request.state.csrf,
        user=request.state.user,
        next=safe_next(field_value(request, "next")),
        card_message=message,
    )
    return html.strip()


@guarded()
async def queue_page(request: Request) -> Response:
    state = desk(request)
    query = parse_queue(request.query_params)
    page = await call(state.review.queue, query.filter, page=query.page, per_page=PER_PAGE)
    counts = await call(state.counts)
    facets = await call(state.facets)
    view = await call(preferences.queue_view, state.store, request.state.user.id)
    return render(
        request,
        "queue.html",
        {
            "page": page,
            "query": query,
            "counts": counts,
            "facets": facets,
            "tabs": STATUS_TABS,
            "view": view,
            "chips": active_filters(query),
            "gone": await call(gone_links, state, [i["id"] for i in page.items]),
            "here": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        },
    )


@guarded()
async def act(request: Request) -> Response:
    """POST /desk/items/{id}/action: approve, reject, unpublish or promote."""
    state = desk(request)
    action = field_value(request, "action")
    if action not in ACTIONS:
        return error_page(request, 400, "Unknown action", f"Unknown action {action!r}.")
    reason = one_line(field_value(request, "reason")) or None
    if reason and len(reason) > MAX_REASON:
        return error_page(request, 400, "Too long", _too_long_reason(reason))
    item_id = _item_id(request)
    try:
        item = await call(
            state.review.act,
            item_id,
            action,
            user=request.state.user.name,
            now=now(),
            version=_version(request),
            reason=reason,
        )
    except Conflict as exc:
        return _conflict(request, exc)
    except NotFound:
        return error_page(request, 404, "Not found", "There is no such item.")
    except NotAllowed as exc:
        return error_page(request, 409, "Not possible", str(exc))
    if action == "approve":
        after_approval(state, [item_id])
    message = f"{DONE[action]}: {item['headline'] or item['url']}"
    return _done(request, item, message)


def _too_long_reason(reason: str) -> str:
    return f"A reason holds at most {MAX_REASON} characters (this one has {len(reason)})."


def _done(request: Request, item: dict[str, Any], message: str) -> Response:
    desk(request).forget_counts()
    if wants_json(request):
        return JSONResponse(
            {
                "ok": True,
                "message": message,
                "status": item["status"],
                "version": item["version"],
                "card": _card_html(request, item),
            }
        )
    return redirect(request, safe_next(field_value(request, "next")), message=message)


def _conflict(request: Request, exc: Conflict) -> Response:
    if wants_json(request):
        return JSONResponse(
            {
                "ok": False,
                "message": str(exc),
                "status": exc.current["status"],
                "version": exc.current["version"],
                "card": _card_html(request, exc.current, message=str(exc)),
            },
            status_code=409,
        )
    context = pane_context(desk(request).store, cast(ItemRecord, exc.current))
    return render(
        request,
        "item.html",
        {**context, "conflict": str(exc), "history": [], "here": request.url.path},
        status=409,
    )


@guarded()
async def bulk(request: Request) -> Response:
    """POST /desk/bulk: approve or reject the selected cards (``ids`` = "ID:VERSION")."""
    state = desk(request)
    action = field_value(request, "action")
    if action not in ("approve", "reject"):
        return error_page(request, 400, "Unknown action", "Choose approve or reject.")
    reason = one_line(field_value(request, "reason")) or None
    if reason and len(reason) > MAX_REASON:
        return error_page(request, 400, "Too long", _too_long_reason(reason))
    done, problems, approved = 0, [], []
    for raw in form_of(request).getlist("ids"):
        item_id, _, version = str(raw).partition(":")
        if not item_id.isdigit() or len(item_id) > MAX_ID_DIGITS or len(version) > MAX_ID_DIGITS:
            continue
        try:
            await call(
                state.review.act,
                int(item_id),
                action,
                user=request.state.user.name,
                now=now(),
                version=int(version) if version.isdigit() else None,
                reason=reason,
            )
            done += 1
            approved.append(int(item_id))
        except ReviewError as exc:
            problems.append(str(exc))
    state.forget_counts()
    if action == "approve":
        after_approval(state, approved)
    message = f"{DONE[action]}: {done} item(s)."
    if problems:
        message += f" Not changed: {len(problems)} — " + " ".join(problems[:3])
    if not done and not problems:
        message = "Nothing selected."
    return redirect(request, safe_next(field_value(request, "next")), message=message)


@guarded()
async def undo(request: Request) -> Response:
    state = desk(request)
    target = safe_next(field_value(request, "next"))
    try:
        entry, item = await call(state.review.undo_last, user=request.state.user.name, now=now())
    except NotFound:
        return redirect(request, target, message="Nothing to undo.")
    except Conflict as exc:
        return redirect(request, target, message=str(exc))
    message = f"Undone: {entry.action} of “{item['headline'] or item['url']}”."
    if wants_json(request):
        return JSONResponse({"ok": True, "message": message, "item": item["id"]})
    return redirect(request, target, message=message)


@guarded()
async def notes(request: Request) -> Response:
    state = desk(request)
    internal = clean(field_value(request, "internal_note"))
    public = clean(field_value(request, "public_note"))
    errors = {
        name: f"A note holds at most {MAX_NOTE} characters (this one has {len(text)})."
        for name, text in (("public_note", public), ("internal_note", internal))
        if len(text) > MAX_NOTE
    }
    if errors:
        item = await call(state.store.item, _item_id(request))
        if item is None:
            return error_page(request, 404, "Not found", "There is no such item.")
        if wants_json(request):
            return error_page(request, 400, "Too long", next(iter(errors.values())))
        history = await call(state.review.audit, item_id=item["id"], limit=50)
        typed = {"public_note": public, "internal_note": internal}
        return render(
            request,
            "item.html",
            {
                "item": item,
                "history": history,
                "here": request.url.path,
                "note_errors": errors,
                "typed": typed,
            },
            status=400,
        )
    try:
        item = await call(
            state.review.set_notes,
            _item_id(request),
            user=request.state.user.name,
            now=now(),
            version=_version(request),
            internal=internal,
            public=public,
        )
    except Conflict as exc:
        return _conflict(request, exc)
    except NotFound:
        return error_page(request, 404, "Not found", "There is no such item.")
    return _done(request, item, "Notes saved.")


def _program_choices(request: Request, item: dict[str, Any]) -> list[str]:
    names = [p.name for p in desk(request).config.programs]
    extra = [*item["programs"], *item.get("original", {}).get("programs", [])]
    return list(dict.fromkeys([*names, *extra]))


@guarded()
async def edit_page(request: Request) -> Response:
    state = desk(request)
    item = await call(state.store.item, _item_id(request))
    if item is None:
        return error_page(request, 404, "Not found", "There is no such item.")
    values = {**item, "cities": "; ".join(item["cities"])}
    return render(request, "edit.html", _edit_context(request, item, values, {}))


def _edit_context(
    request: Request,
    item: dict[str, Any],
    values: dict[str, Any],
    errors: dict[str, str],
    **extra: Any,
) -> dict[str, Any]:
    return {
        "item": item,
        "values": values,
        "errors": errors,
        "program_choices": _program_choices(request, item),
        "quote_excerpts": quote_choices(item),
        "next": safe_next(
            request.query_params.get("next") or field_value(request, "next")
            if request.method == "POST"
            else request.query_params.get("next")
        ),
        "outlets": desk(request).facets()["outlets"],
        **extra,
    }


@guarded()
async def edit_submit(request: Request) -> Response:
    state = desk(request)
    item = await call(state.store.item, _item_id(request))
    if item is None:
        return error_page(request, 404, "Not found", "There is no such item.")
    form = form_of(request)
    programs = [str(p) for p in form.getlist("programs")]
    text_fields = {
        k: field_value(request, k) for k in ("headline", "excerpt", "published", "outlet", "cities")
    }
    use_quote = field_value(request, "use_quote")
    if use_quote.isdigit() and int(use_quote) < len(item["quotes"]):
        # Without JavaScript, "use this quote" re-shows the form with the excerpt filled in.
        text_fields["excerpt"] = quote_choices(item)[int(use_quote)]
        values = {
            **item,
            **text_fields,
            "programs": programs,
            "published": text_fields["published"],
        }
        return render(request, "edit.html", _edit_context(request, item, values, {}))
    parsed = parse_edit(text_fields, programs, program_choices=_program_choices(request, item))
    if parsed.errors:
        values = {
            **item,
            **text_fields,
            "programs": programs,
            "published": text_fields["published"],
        }
        return render(
            request, "edit.html", _edit_context(request, item, values, parsed.errors), status=400
        )
    changes = dict(parsed.values)
    original_published = item.get("original", {}).get("published", item["published"])
    if same_day(changes["published"], original_published):
        changes["published"] = original_published  # the form edits days: keep the time
    approve = field_value(request, "then") == "approve"
    try:
        updated = await call(
            state.review.edit,
            item["id"],
            changes,
            user=request.state.user.name,
            now=now(),
            version=_version(request),
            approve=approve,
        )
    except Conflict as exc:
        return _conflict(request, exc)
    except NotAllowed as exc:
        return error_page(request, 409, "Not possible", str(exc))
    state.forget_facets()
    if approve:
        after_approval(state, [updated["id"]])
    verb = "Saved and approved" if approve else "Saved"
    return redirect(
        request,
        safe_next(field_value(request, "next"), default=f"/desk/items/{updated['id']}"),
        message=f"{verb}: {updated['headline']}",
    )
