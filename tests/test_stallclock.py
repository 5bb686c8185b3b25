"""Deadlines count network time, not time the event loop was held (scraper.fetch.stallclock)."""

from __future__ import annotations

import asyncio
import time

import pytest

from scraper.fetch.client import Fetcher, FetchOptions
from scraper.fetch.stallclock import NetworkTimeout, StallClock
from scraper.models.errors import TransportError
from tests.feedserver import FeedServer, Reply


def hold_loop(seconds: float) -> None:
    """A callback that holds the loop, as a long database call on its thread would."""
    time.sleep(seconds)


def test_a_held_loop_is_measured() -> None:
    async def go() -> tuple[float, float]:
        clock = StallClock(tick=0.02)
        clock.start()
        await asyncio.sleep(0.1)
        before = clock.stalled()
        hold_loop(0.4)
        during = clock.stalled()  # counted while the heartbeat is still late
        await asyncio.sleep(0.1)
        await clock.stop()
        return before, during

    before, during = asyncio.run(go())
    assert before < 0.1
    assert during - before >= 0.3


@pytest.mark.parametrize(
    ("network", "held", "timeout", "finishes"),
    [
        pytest.param(0.3, 1.0, 0.8, True, id="held-loop-does-not-count"),
        pytest.param(0.3, 0.0, 0.8, True, id="fast-enough"),
        pytest.param(5.0, 0.0, 0.3, False, id="slow-network-times-out"),
        pytest.param(5.0, 0.4, 0.3, False, id="slow-network-times-out-even-when-held"),
    ],
)
def test_within_counts_network_time(
    network: float, held: float, timeout: float, finishes: bool
) -> None:
    async def go() -> str:
        clock = StallClock(tick=0.02)
        loop = asyncio.get_running_loop()
        if held:
            loop.call_later(0.05, hold_loop, held)

        async def request() -> str:
            await asyncio.sleep(network)
            return "answer"

        try:
            return await clock.within(request(), timeout=timeout)
        finally:
            await clock.stop()

    if finishes:
        assert asyncio.run(go()) == "answer"
    else:
        with pytest.raises(NetworkTimeout):
            asyncio.run(go())


def test_wall_clock_deadline_would_blame_the_site() -> None:
    """The contrast: with the loop held 0.6 s, a 1.2 s answer misses a 1 s wall-clock deadline."""

    async def request() -> str:
        await asyncio.sleep(1.2)
        return "answer"

    async def go(network_time: bool) -> str:
        clock = StallClock(tick=0.02)
        clock.start()
        asyncio.get_running_loop().call_later(0.1, hold_loop, 0.6)
        try:
            if network_time:
                return await clock.within(request(), timeout=1.0)
            return await asyncio.wait_for(request(), timeout=1.0)
        finally:
            await clock.stop()

    with pytest.raises(TimeoutError):
        asyncio.run(go(network_time=False))
    assert asyncio.run(go(network_time=True)) == "answer"


def test_fetch_deadline_ignores_a_held_loop(server: FeedServer) -> None:
    # The answer takes 3.4 s; the loop is held 2.4 s of it: 1 s of network time of 3 (the
    # margin is wide: on a loaded machine the server's thread is slow too).
    server.route("/slowish.xml", Reply(200, "<rss/>", {"Content-Type": "text/xml"}, delay=3.4))
    options = FetchOptions(timeout=3.0, per_host_delay=0, allow_private=True, respect_robots=False)

    async def go() -> bytes:
        async with Fetcher(options) as fetcher:
            asyncio.get_running_loop().call_later(0.2, hold_loop, 2.4)
            response = await fetcher.fetch(server.url("/slowish.xml"))
            return response.body

    assert asyncio.run(go()) == b"<rss/>"


def test_fetch_still_times_out_a_silent_server(server: FeedServer) -> None:
    server.route("/silent.xml", Reply(200, "<rss/>", {"Content-Type": "text/xml"}, delay=3))
    options = FetchOptions(timeout=0.5, per_host_delay=0, allow_private=True, respect_robots=False)

    async def go() -> None:
        async with Fetcher(options) as fetcher:
            await fetcher.fetch(server.url("/silent.xml"))

    with pytest.raises(TransportError, match=r"timed out after 0\.[5-9] s"):
        asyncio.run(go())
