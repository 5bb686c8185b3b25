"""Submit a story by hand (``/desk/add``): headline, outlet, date, excerpt, tags, link.

For a story the desk cannot fetch (a paywall, print, a site that refuses
robots): the form is validated like the edit form, and the story is stored
with the source ``manual`` as a candidate, so it lands in the queue like any
other. A link already known leads to the stored story instead.
"""

from __future__ import annotations

from datetime import datetime

from starlette.requests import Request
from starlette.responses import Response

from scraper.pipeline.manual_entry import MANUAL_SOURCE, HandEntry, hand_entered
from scraper.web.common import call, desk, field_value, form_of, guarded, now, redirect, render
from scraper.web.forms import check_link, parse_edit


def _choices(request: Request) -> list[str]:
    return [p.name for p in desk(request).config.programs]


def _context(
    request: Request, values: dict[str, object], errors: dict[str, str]
) -> dict[str, object]:
    return {
        "values": values,
        "errors": errors,
        "program_choices": _choices(request),
        "outlets": desk(request).facets()["outlets"],
    }


@guarded()
async def entry_page(request: Request) -> Response:
    values: dict[str, object] = {"url": request.query_params.get("url", "")[:2000], "programs": []}
    return render(request, "add.html", _context(request, values, {}))


@guarded()
async def entry_post(request: Request) -> Response:
    state = desk(request)
    programs = [str(p) for p in form_of(request).getlist("programs")]
    fields = {
        k: field_value(request, k)
        for k in ("headline", "excerpt", "published", "outlet", "cities", "url")
    }
    parsed = parse_edit(fields, programs, program_choices=_choices(request))
    errors = dict(parsed.errors)
    link = check_link(fields["url"], errors)
    if not parsed.values["outlet"]:
        errors["outlet"] = "Name the outlet (newspaper, station or site)."
    if errors:
        values: dict[str, object] = {**fields, "programs": programs}
        return render(request, "add.html", _context(request, values, errors), status=400)
    published = parsed.values["published"]
    story = hand_entered(
        HandEntry(
            headline=parsed.values["headline"],
            outlet=parsed.values["outlet"],
            published=datetime.fromisoformat(published) if published else None,
            excerpt=parsed.values["excerpt"],
            programs=parsed.values["programs"],
            cities=parsed.values["cities"],
            url=link,
        ),
        user=request.state.user.name,
    )
    when = now()
    outcome, item_id = await call(
        state.store.save_story, story, source_id=MANUAL_SOURCE, seen_url=story.url, now=when
    )
    await call(
        state.review.record,
        user=request.state.user.name,
        action="submit",
        now=when,
        item_id=item_id,
        detail=f"entered by hand: {link}" if link else "entered by hand",
    )
    state.forget_facets()
    if outcome != "new":
        return redirect(
            request, f"/desk/items/{item_id}", message=f"Already in the desk as item {item_id}."
        )
    return redirect(
        request, "/desk/?status=candidate", message=f"Added to the queue: {story.headline}"
    )
