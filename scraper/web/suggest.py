"""Accepting a suggestion on the desk: one click makes a suggested program or city a tag.

The analysis keeps programs and cities below the confidence thresholds as
suggestions (``item_json``'s ``suggestions``, from the stored evidence). The
card shows each with its confidence and an "Add" button that posts here;
accepting is an ordinary edit of the item's tags (kept in the audit log, undone
by editing the tags again), so the item's original tags stay as collected.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from scraper.models.errors import Conflict, NotAllowed, NotFound
from scraper.web.common import call, desk, error_page, field_value, guarded, now
from scraper.web.queue import _conflict, _done, _item_id, _version

FIELD_OF = {"program": "programs", "city": "cities"}


@guarded()
async def accept(request: Request) -> Response:
    """POST /desk/items/{id}/suggestion with ``pick=kind|label``: add it as a tag."""
    state = desk(request)
    item = await call(state.store.item, _item_id(request))
    if item is None:
        return error_page(request, 404, "Not found", "There is no such item.")
    kind, _, label = field_value(request, "pick").partition("|")
    offered = {(s["kind"], s["label"]) for s in item.get("suggestions", [])}
    if kind not in FIELD_OF or (kind, label) not in offered:
        return error_page(
            request, 400, "Not a suggestion", f"{label!r} is not suggested for this item."
        )
    field = FIELD_OF[kind]
    try:
        updated = await call(
            state.review.edit,
            item["id"],
            {field: [*item[field], label]},
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
    return _done(request, updated, f"Added {label}: {updated['headline'] or updated['url']}")
