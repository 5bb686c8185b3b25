"""A realistic News & Updates demo: 30 invented approved stories served on 127.0.0.1.

Used by the browser test (``tests/test_publish_browser.py``) and by
``tools/news_screenshots.py``, which photographs the page for the docs.
Every person, quote and outlet here is invented; cities and programs are real names.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

import uvicorn
from starlette.applications import Starlette

from scraper.config.schema import Config
from scraper.publish.web import public_routes
from storage.publishing import approve_items
from storage.store import Store
from tests.publishing_helpers import add_story, edit

GVI = "Group Violence Intervention"
PSN = "Project Safe Neighborhoods"
DMI = "Drug Market Intervention"
NI = "National Initiative for Building Community Trust and Justice"
RECON = "Reconciliation"
SO = "Support and Outreach"
HOSTILE = '<script>alert("owned")</script>Mayor &amp praises <b onmouseover="x()">outreach</b>'


@dataclass(frozen=True, slots=True)
class Demo:
    headline: str
    outlet: str
    month: tuple[int, int]  # (year, month)
    excerpt: str
    cities: tuple[str, ...] = ()
    programs: tuple[str, ...] = (GVI,)
    note: str = ""


STORIES: tuple[Demo, ...] = (
    Demo(
        "Police zone works to rebuild trust one block at a time",
        "Allegheny Evening Post",
        (2024, 3),
        "“It's about winning people over one conversation at a time,” said Commander Renata Solis.",
        ("Pittsburgh, PA",),
        (NI,),
    ),
    Demo(
        "Ten cities share federal grant for street outreach",
        "The Hartwell Report",
        (2024, 3),
        "A new round of federal money will pay for outreach workers in ten cities, "
        "the Justice Department said Tuesday.",
        ("Chicago, IL", "Gary, IN", "Oakland, CA", "York, PA"),
        (GVI, SO, PSN),
        note="Our network helped four of the ten cities prepare their applications.",
    ),
    Demo(
        HOSTILE, "Riverton Ledger", (2024, 2), "The mayor spoke at the council meeting.", (), (SO,)
    ),
    Demo(
        "Shootings fall for a second year",
        "WKRV Public Radio",
        (2024, 2),
        "“We told them the violence had to stop, and we offered a way out,” said outreach "
        "director Delia Marsh.",
        ("York, PA",),
        (GVI,),
    ),
    Demo(
        "What a decade of focused deterrence taught one Midwestern police department about "
        "listening, patience and the limits of enforcement",
        "The Lakeshore Review of Books",
        (2024, 1),
        "The essay argues that the strategy succeeds only where police accept that the "
        "community's moral voice carries more weight than any arrest.",
        (),
        (GVI, RECON),
    ),
    Demo(
        "Call-in meeting draws families",
        "Gary Courier",
        (2024, 1),
        "“My son heard it from his mother first, and that mattered,” said pastor Alvin Ruddock.",
        ("Gary, IN",),
        (GVI, SO),
    ),
    Demo(
        "Drug market closes after community meeting",
        "High Point Enterprise Weekly",
        (2023, 12),
        "Dealers were offered a second chance instead of a cell, detectives said.",
        ("High Point, NC",),
        (DMI,),
    ),
    Demo(
        "Reconciliation sessions bring officers and residents to the same table",
        "Milwaukee Signal",
        (2023, 12),
        "“Nobody expected an apology, and then there was one,” said resident Gloria Fenn.",
        ("Milwaukee, WI",),
        (RECON, NI),
    ),
    Demo(
        "Outreach workers on the night shift",
        "The Trace Line",
        (2023, 11),
        "From ten at night until four in the morning, Jamal Ortiz answers his phone.",
        ("Oakland, CA",),
        (SO,),
    ),
    Demo(
        "City council extends violence-reduction contract",
        "Cincinnati Herald-Tribune",
        (2023, 11),
        "The council voted 7-2 to fund the program for three more years.",
        ("Cincinnati, OH",),
        (GVI,),
    ),
    Demo(
        "Homicides down 30 percent",
        "KC Metro News",
        (2023, 10),
        "“The numbers are real, but every one of them is still a family,” said Chief Ana Whitlow.",
        ("Kansas City, MO",),
        (GVI, PSN),
    ),
    Demo(
        "Federal prosecutors join local partnership",
        "Dallas Morning Dispatch",
        (2023, 10),
        "The U.S. attorney's office will review gun cases with the county each week.",
        ("Dallas, TX",),
        (PSN,),
    ),
    Demo(
        "A New Orleans neighbourhood tries a different approach",
        "Crescent City Public Media",
        (2023, 9),
        "“We are not the police and we are not social services; we are neighbours,” said "
        "Lionel Batiste-Cole.",
        ("New Orleans, LA",),
        (GVI, SO),
    ),
    Demo(
        "Trust survey shows gains",
        "York Dispatch Weekly",
        (2023, 9),
        "Residents who said they trust police rose from 41 to 55 percent in two years.",
        ("York, PA",),
        (NI,),
    ),
    Demo(
        "Mothers lead a march for peace",
        "Chicago Southside Sun",
        (2023, 8),
        "“We walk so our children can,” said organiser Bernice Hollis.",
        ("Chicago, IL",),
        (SO,),
    ),
    Demo(
        "Indianapolis reports fewer group-involved shootings",
        "Circle City Courier",
        (2023, 8),
        "The number of shootings tied to street groups fell by a quarter, the city said.",
        ("Indianapolis, IN",),
        (GVI,),
    ),
    Demo(
        "Opinion: Enforcement alone failed us",
        "Riverton Ledger",
        (2023, 7),
        "For twenty years we arrested our way to nowhere.",
        (),
        (GVI, NI, RECON),
    ),
    Demo(
        "New York program expands to two more boroughs",
        "Metro Desk Daily",
        (2023, 7),
        "“What worked in one precinct deserves a chance in the next,” said deputy mayor "
        "Priya Castellano.",
        ("New York, NY",),
        (GVI,),
    ),
    Demo(
        "Street outreach gets a home",
        "Oakland Observer",
        (2023, 6),
        "The program moves into a former bank branch on International Boulevard.",
        ("Oakland, CA",),
        (SO,),
    ),
    Demo(
        "Police chief apologises for past wrongs",
        "Milwaukee Signal",
        (2023, 6),
        "“We have to own what happened before we can ask for anything,” the chief said.",
        ("Milwaukee, WI",),
        (RECON,),
    ),
    Demo(
        "Summer jobs for young people at risk",
        "Gary Courier",
        (2023, 5),
        "Two hundred teenagers will work in parks and libraries this summer.",
        ("Gary, IN",),
        (SO,),
    ),
    Demo(
        "Researchers measure the effect of call-ins",
        "The Hartwell Report",
        (2023, 5),
        "The study found a 31 percent drop in group-member-involved homicides.",
        ("Cincinnati, OH", "Chicago, IL", "New Orleans, LA"),
        (GVI,),
    ),
    Demo(
        "Pittsburgh officers train in procedural justice",
        "Allegheny Evening Post",
        (2023, 4),
        "“Respect is not soft; it is how we get safer,” said trainer Owen Kessler.",
        ("Pittsburgh, PA",),
        (NI,),
    ),
    Demo(
        "Drug market intervention marks five years",
        "High Point Enterprise Weekly",
        (2023, 4),
        "Not one of the open-air markets closed in 2018 has reopened.",
        ("High Point, NC",),
        (DMI, PSN),
    ),
    Demo(
        "Why this works",
        "The Lakeshore Review of Books",
        (2023, 3),
        "A long look at a strategy that asks communities to speak with one voice.",
        (),
        (GVI,),
    ),
    Demo(
        "Kansas City partners sign new agreement",
        "KC Metro News",
        (2023, 3),
        "Police, prosecutors and outreach workers signed a three-page pledge.",
        ("Kansas City, MO",),
        (GVI, PSN),
    ),
    Demo(
        "York honours outreach worker",
        "York Dispatch Weekly",
        (2023, 2),
        "“He picks up at 3 a.m. every time,” said neighbour Teresa Lyle.",
        ("York, PA",),
        (SO,),
    ),
    Demo(
        "Dallas starts call-ins",
        "Dallas Morning Dispatch",
        (2023, 2),
        "The first meeting brought 22 young men and their families to a church hall.",
        ("Dallas, TX",),
        (GVI,),
    ),
    Demo(
        "Chicago neighbourhood sees fewer shootings after community push",
        "WKRV Public Radio",
        (2023, 1),
        "“Everyone on this block knows somebody who was shot,” said resident Marcus Bell.",
        ("Chicago, IL",),
        (GVI, SO),
    ),
    Demo(
        "Indianapolis police and pastors meet monthly",
        "Circle City Courier",
        (2023, 1),
        "The meetings began after a summer of shootings and never stopped.",
        ("Indianapolis, IN",),
        (NI, RECON),
    ),
)


def add_demo_stories(store: Store, *, now: datetime) -> list[int]:
    """Store and approve every demo story; returns their ids (newest story first)."""
    ids: list[int] = []
    for n, demo in enumerate(STORIES):
        year, month = demo.month
        item_id = add_story(
            store,
            f"demo-{n}",
            headline=demo.headline,
            excerpt=demo.excerpt,
            programs=demo.programs,
            cities=demo.cities,
            published=datetime(year, month, 28 - n % 20, 12, 0, tzinfo=UTC),
            outlet=demo.outlet,
            now=now,
        )
        if demo.note:
            edit(store, item_id, now=now, public_note=demo.note)
        ids.append(item_id)
    approve_items(store, ids, now=now)
    return ids


def demo_config(site_url: str, **settings: object) -> Config:
    values = {
        "site_url": site_url,
        "site_title": "News & Updates",
        "site_description": "Press coverage of the Riverton Peace Network and its partner cities.",
        **settings,
    }
    return Config.model_validate({"settings": values})


@contextmanager
def serve_demo(store: Store) -> Iterator[str]:
    """The public routes in uvicorn on a free 127.0.0.1 port; yields the base URL (``/``-ended).

    The port is chosen first so that ``site_url`` (every link on the page is
    absolute from it) points at this server.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    base = f"http://127.0.0.1:{sock.getsockname()[1]}/"
    app = Starlette(routes=public_routes(demo_config(base), store, recheck_seconds=0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    try:
        yield base
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
