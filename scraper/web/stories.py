"""Stories on the desk: link another copy, split a wrongly grouped copy off, merge two stories.

One form POST, ``/desk/items/{id}/story`` with ``op``:

- ``primary``: item ``id`` becomes the copy the story shows and links to
  (the home-town paper rather than the wire); the review state moves to it;
- ``split``: item ``id`` leaves its story and becomes a new candidate;
- ``merge``: the story of item ``other`` (a number typed by the reviewer)
  joins the story of item ``id``.

Each is recorded in the audit log and answered like the other desk actions
(a redirect back, or JSON for the desk's script).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from scraper.models.errors import Conflict, StoryError
from scraper.web.common import (
    call,
    desk,
    error_page,
    field_value,
    guarded,
    now,
    redirect,
    wants_json,
)
from scraper.web.forms import safe_next
from scraper.web.guards import MAX_ID_DIGITS
from storage import stories

OPS = {
    "primary": "Now linking this copy",
    "split": "Split off into a story of its own",
    "merge": "Merged the two stories",
}


@guarded()
async def story_action(request: Request) -> Response:
    """POST /desk/items/{id}/story: op = primary | split | merge (with ``other``)."""
    state = desk(request)
    item_id = int(request.path_params["item_id"])
    op = field_value(request, "op")
    if op not in OPS:
        return error_page(request, 400, "Unknown action", f"Unknown story action {op!r}.")
    other: int | None = None
    if op == "merge":
        raw = field_value(request, "other").strip().lstrip("#")
        if not raw.isdigit() or len(raw) > MAX_ID_DIGITS:
            return error_page(request, 400, "Which story?", "Type the number of an item.")
        other = int(raw)
    version = field_value(request, "version")
    try:
        # The change and its audit row are one transaction (storage.stories.act_on_story).
        result = await call(
            stories.act_on_story,
            state.store,
            op,
            item_id,
            user=request.state.user.name,
            now=now(),
            other=other,
            expected_version=int(version) if version.isdigit() and len(version) < 10 else None,
        )
    except (StoryError, Conflict) as exc:
        return error_page(request, 409, "Not possible", str(exc))
    message = OPS[op]
    if wants_json(request):
        return JSONResponse({"ok": True, "message": message, "story": result})
    return redirect(request, safe_next(field_value(request, "next")), message=message)
