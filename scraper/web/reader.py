"""The reading pane and the one-click changes made from it.

- ``GET /desk/items/{id}``: the plain page of a story: the pane, then notes,
  edits, where it was seen and its history (for a browser without JavaScript,
  and for everything the pane leaves out).
- ``GET /desk/items/{id}/pane``: the pane alone (an HTML fragment the desk's
  script puts beside the list); the plain page per story
  (``/desk/items/{id}``) shows the same pane for a browser without JavaScript.
- ``POST /desk/items/{id}/excerpt`` (``quote`` = its index): the quote becomes
  the excerpt, written as a person would (``scraper.understand.quotes.use``).
- ``GET /desk/items/{id}/reject``: asks for the reason (the page a "Reject"
  without JavaScript leads to; with it, the reason is asked in place).
- ``POST /desk/view`` (``view`` = cards | list): the queue view, remembered
  for the user.

Every change is an edit with the item's version, like the edit form's.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from scraper.models.errors import Conflict, NotAllowed, NotFound
from scraper.web.archived import gone_links
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
from scraper.web.forms import quote_choices, safe_next
from scraper.web.queue import _conflict, _done
from scraper.web.reading import pane_context
from storage import preferences


def _item_id(request: Request) -> int:
    return int(request.path_params["item_id"])


def _version(request: Request) -> int | None:
    raw = field_value(request, "version")
    return int(raw) if raw.isdigit() else None


@guarded()
async def item_page(request: Request) -> Response:
    state = desk(request)
    item = await call(state.store.item, _item_id(request))
    if item is None:
        return error_page(request, 404, "Not found", "There is no such item.")
    history = await call(state.review.audit, item_id=item["id"], limit=50)
    context = await call(pane_context, state.store, item)
    gone = await call(gone_links, state, [item["id"]])
    return render(
        request,
        "item.html",
        {
            **context,
            "history": history,
            "here": request.url.path,
            "gone_link": gone.get(item["id"]),
        },
    )


@guarded()
async def pane(request: Request) -> Response:
    state = desk(request)
    item = await call(state.store.item, _item_id(request))
    if item is None:
        return HTMLResponse('<p class="empty">There is no such item.</p>', status_code=404)
    context = await call(pane_context, state.store, item)
    template = state.templates.get_template("_pane.html")
    html = template.render(
        **context,
        view=request.query_params.get("view", "cards"),
        csrf=request.state.csrf,
        user=request.state.user,
        next=safe_next(request.query_params.get("next")),
        zone=state.zone,
        settings=state.config.settings,
    )
    return HTMLResponse(html)


async def _edit(request: Request, changes: dict[str, Any], message: str) -> Response:
    state = desk(request)
    try:
        item = await call(
            state.review.edit,
            _item_id(request),
            changes,
            user=request.state.user.name,
            now=now(),
            version=_version(request),
        )
    except Conflict as exc:
        return _conflict(request, exc)
    except NotFound:
        return error_page(request, 404, "Not found", "There is no such item.")
    except NotAllowed as exc:
        return error_page(request, 409, "Not possible", str(exc))
    state.forget_facets()
    return _done(request, item, message)


@guarded()
async def use_excerpt(request: Request) -> Response:
    item = await call(desk(request).store.item, _item_id(request))
    if item is None:
        return error_page(request, 404, "Not found", "There is no such item.")
    raw = field_value(request, "quote")
    choices = quote_choices(item)
    if not raw.isdigit() or int(raw) >= len(choices):
        return error_page(request, 400, "Which quote?", "That quote is not in this story.")
    excerpt = choices[int(raw)]
    return await _edit(request, {"excerpt": excerpt}, f"Excerpt set: {excerpt}")


@guarded()
async def reject_page(request: Request) -> Response:
    item = await call(desk(request).store.item, _item_id(request))
    if item is None:
        return error_page(request, 404, "Not found", "There is no such item.")
    return render(
        request,
        "reject.html",
        {"item": item, "next": safe_next(request.query_params.get("next"))},
    )


@guarded()
async def set_view(request: Request) -> Response:
    view = field_value(request, "view")
    if view not in preferences.QUEUE_VIEWS:
        return error_page(request, 400, "Unknown view", "Choose cards or list.")
    await call(preferences.set_queue_view, desk(request).store, request.state.user.id, view)
    return redirect(request, safe_next(field_value(request, "next")))
