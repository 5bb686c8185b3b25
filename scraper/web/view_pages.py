"""Saved views on the desk: save the queue's filter under a name, make or revoke its feed.

    GET  /desk/views                    the list, and a form to save a filter
    GET  /desk/views?save=<query>       the form filled with that filter (the queue's link)
    POST /desk/views                    save (name, query)
    POST /desk/views/{id}/feed          a new private feed URL (shown once; the old one dies)
    POST /desk/views/{id}/revoke        no feed
    POST /desk/views/{id}/delete        remove the view

Anyone on the desk can save views; only their owner or an admin changes them.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from scraper.notify.outlook import clean_query
from scraper.web.common import call, desk, error_page, field_value, guarded, now, redirect, render
from scraper.web.forms import one_line
from scraper.web.view_feeds import feed_path
from storage.views import SavedView, ViewError, ViewStore

NAME = re.compile(r"^[\w .,&()'-]{1,80}$")


def _views(request: Request) -> ViewStore:
    return ViewStore(desk(request).store)


@guarded()
async def views_page(request: Request) -> Response:
    views = await call(_views(request).all)
    save = clean_query(request.query_params.get("save", ""))
    return render(request, "views.html", {"views": views, "save": save, "errors": {}})


@guarded()
async def views_create(request: Request) -> Response:
    name = one_line(field_value(request, "name"))
    query = clean_query(field_value(request, "query"))
    errors = {}
    if not NAME.match(name):
        errors["name"] = "Give the view a name of 1 to 80 letters, digits, spaces or . , & ( ) ' -"
    if not errors:
        try:
            await call(
                _views(request).create, name, query, owner=request.state.user.name, now=now()
            )
        except ViewError as exc:
            errors["name"] = str(exc)
    if errors:
        views = await call(_views(request).all)
        return render(
            request,
            "views.html",
            {"views": views, "save": query, "errors": errors, "name": name},
            status=400,
        )
    return redirect(request, "/desk/views", message=f"Saved the view {name!r}.")


async def _own(request: Request) -> SavedView | Response:
    view: SavedView | None = await call(_views(request).by_id, int(request.path_params["view_id"]))
    if view is None:
        return error_page(request, 404, "Not found", "There is no such view.")
    user = request.state.user
    if view.owner != user.name and not user.is_admin:
        return error_page(request, 403, "Not yours", "Only its owner or an admin can change it.")
    return view


@guarded()
async def view_feed_new(request: Request) -> Response:
    view = await _own(request)
    if isinstance(view, Response):
        return view
    token = await call(_views(request).new_token, view.id, now=now())
    await _audit(request, "view_feed_made", view.name)
    base = desk(request).config.settings.site_url
    urls = " and ".join(urljoin(base, feed_path(token, kind)) for kind in ("atom", "json"))
    return redirect(
        request,
        "/desk/views",
        message=f"Feeds of {view.name!r} (copy them now, they are shown once): {urls}",
    )


@guarded()
async def view_revoke(request: Request) -> Response:
    view = await _own(request)
    if isinstance(view, Response):
        return view
    await call(_views(request).revoke, view.id)
    await _audit(request, "view_feed_revoked", view.name)
    return redirect(request, "/desk/views", message=f"The feed of {view.name!r} is revoked.")


@guarded()
async def view_delete(request: Request) -> Response:
    view = await _own(request)
    if isinstance(view, Response):
        return view
    await call(_views(request).delete, view.id)
    return redirect(request, "/desk/views", message=f"Deleted the view {view.name!r}.")


async def _audit(request: Request, action: str, detail: str) -> None:
    await call(
        desk(request).review.record,
        user=request.state.user.name,
        action=action,
        now=now(),
        detail=detail,
    )


def routes() -> list[BaseRoute]:
    return [
        Route("/views", views_page, methods=["GET"], name="views"),
        Route("/views", views_create, methods=["POST"]),
        Route("/views/{view_id:id}/feed", view_feed_new, methods=["POST"], name="view_feed"),
        Route("/views/{view_id:id}/revoke", view_revoke, methods=["POST"], name="view_revoke"),
        Route("/views/{view_id:id}/delete", view_delete, methods=["POST"], name="view_delete"),
    ]
