"""The desk's sources page says failures in plain words, and a shared outage once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from scraper.models.stored import FetchRecord, SourceSpec
from tests.desk_fixtures import http_client, live_server, make_world, sign_in

DNS = (
    "refused: robots.txt could not be read (could not connect: cannot resolve host "
    "'{host}': Name or service not known); the site is left alone for now"
)


def test_sources_page_explains_failures_and_says_an_outage_once(tmp_path: Path) -> None:
    world = make_world(tmp_path)
    now = datetime.now(UTC)
    hosts = ["www.wbez.org", "www.cbsnews.com", "www.yorkdispatch.com", "www.thetrace.org"]
    specs = [
        SourceSpec(f"s{i}", "feed", f"https://{h}/rss", None, None, True, 1800)
        for i, h in enumerate(hosts)
    ]
    world.store.sync_sources(specs, now=now)
    records = [
        FetchRecord(
            source_id=spec.id,
            url=spec.url,
            started_at=now,
            duration_ms=5,
            outcome="error",
            next_check_at=now + timedelta(minutes=25),
            error=DNS.format(host=host),
        )
        for spec, host in zip(specs, hosts, strict=True)
    ]
    world.store.record_fetches(records[:1])
    with live_server(world.app) as base, http_client(base) as c:
        sign_in(c, world, "alice")
        one = c.get("/desk/sources").text
        world.store.record_fetches(records[1:])
        every = c.get("/desk/sources").text
    assert "cannot find the address of www.wbez.org (DNS)" in one
    assert "no network" not in one
    assert "no network: 4 sources could not be reached (DNS: no name can be looked up)" in every
    # the technical reason stays available on hover, not as the text
    assert ">refused: robots.txt" not in every
