"""Suggestions as you type in the edit form: cities from the gazetteer, outlets the desk knows.

``GET /desk/complete/cities?q=york`` and ``GET /desk/complete/outlets?q=har``
answer JSON ``{"values": [...]}``, at most ``LIMIT`` values: cities whose name
starts with what was typed, most populous first ("York, PA" before "York,
NE"); outlets whose name contains it, known outlets first. The edit form
also works without them (the outlet field keeps its ``<datalist>``).
"""

from __future__ import annotations

from functools import cache

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from scraper.text.gazetteer import gazetteer
from scraper.web.common import call, desk, guarded

LIMIT = 10
MAX_TYPED = 80  # characters of the query looked at


@cache
def _city_labels() -> tuple[tuple[str, str, int], ...]:
    """(folded name, "City, ST", population) of every gazetteer place, most populous first."""
    seen: dict[str, tuple[str, str, int]] = {}
    for places in gazetteer().places.values():
        for p in places:
            seen.setdefault(p.label, (p.name.casefold(), p.label, p.population))
    return tuple(sorted(seen.values(), key=lambda row: (-row[2], row[1])))


def complete_city(typed: str, *, limit: int = LIMIT) -> list[str]:
    """Cities named ``typed``, then those whose "City, ST" starts with it, then containing it;
    each group most populous first."""
    q = " ".join(typed.split())[:MAX_TYPED].casefold()
    if not q:
        return []
    labels = _city_labels()
    exact = [label for name, label, _ in labels if name == q]  # "york": every York first
    starts = [label for _, label, _ in labels if label.casefold().startswith(q)]
    inside = [label for name, label, _ in labels if q in name]
    return list(dict.fromkeys([*exact, *starts, *inside]))[:limit]


def complete_outlet(typed: str, known: list[str], *, limit: int = LIMIT) -> list[str]:
    """Known outlets that start with ``typed``, then those that contain it."""
    q = " ".join(typed.split())[:MAX_TYPED].casefold()
    if not q:
        return known[:limit]
    starts = [o for o in known if o.casefold().startswith(q)]
    inside = [o for o in known if q in o.casefold() and o not in starts]
    return [*starts, *inside][:limit]


@guarded()
async def cities(request: Request) -> Response:
    values = await call(complete_city, request.query_params.get("q", ""))
    return JSONResponse({"values": values})


@guarded()
async def outlets(request: Request) -> Response:
    known = (await call(desk(request).facets))["outlets"]
    return JSONResponse({"values": complete_outlet(request.query_params.get("q", ""), known)})
