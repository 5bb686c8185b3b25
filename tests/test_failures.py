"""Failures in plain words: the pure explanation, the shared-outage line, and the two
80-column tables (`clippings collect`, `clippings sources list`) as real processes."""

from __future__ import annotations

import os
import re
import socket
from pathlib import Path

import pytest

from scraper.explain.failures import Failure, explain, group
from tests.conftest import write_sources
from tests.feedserver import FeedServer, Reply
from tests.test_pipeline import ROOT, clippings

DNS = (
    "refused: robots.txt could not be read (could not connect: cannot resolve host "
    "'www.wbez.org': Name or service not known); the site is left alone for now"
)


@pytest.mark.parametrize(
    ("reason", "status", "kind", "words", "refused"),
    [
        (DNS, None, "dns", "cannot find the address of www.wbez.org (DNS)", False),
        (
            "could not connect: [Errno 101] Network is unreachable",
            None,
            "offline",
            "no network route to www.wbez.org",
            False,
        ),
        (
            "refused: robots.txt could not be read (could not connect: All connection attempts "
            "failed); the site is left alone for now",
            None,
            "connection-refused",
            "www.wbez.org refused the connection (nothing listening there)",
            True,
        ),
        ("HTTP 404 Not Found", 404, "http", "the address is gone (not found) (HTTP 404)", True),
        (
            "HTTP 503 Service Unavailable",
            None,
            "http",
            "the site is unavailable for now (HTTP 503)",
            False,
        ),
        (
            "HTTP 429 Too Many Requests",
            429,
            "http",
            "the site asks us to slow down (HTTP 429)",
            True,
        ),
        (
            "refused by robots.txt (disallowed for clippings); set robots: false on the source "
            "if the site has allowed it",
            None,
            "robots",
            "refused by the site's robots.txt (set robots: false if the site allowed it)",
            True,
        ),
        (
            "timed out after 20.0 s (the whole answer must arrive within `timeout`)",
            None,
            "timeout",
            "www.wbez.org did not answer in time",
            False,
        ),
        (
            "could not connect: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: "
            "self-signed certificate (_ssl.c:1006)",
            None,
            "tls",
            "the secure connection to www.wbez.org failed (TLS: self-signed certificate)",
            False,
        ),
        (
            "not a readable RSS, Atom or JSON feed (mismatched tag)",
            None,
            "parse",
            "cannot read what www.wbez.org sent: not a readable RSS, Atom or JSON feed "
            "(mismatched tag)",
            False,
        ),
        (
            "connection broken: server closed the connection",
            None,
            "broken-connection",
            "www.wbez.org broke off the connection",
            False,
        ),
    ],
)
def test_explain_says_what_happened_and_who_refused(
    reason: str, status: int | None, kind: str, words: str, refused: bool
) -> None:
    failure = explain(reason, url="https://www.wbez.org/rss", status=status)
    assert failure is not None
    assert (failure.kind, failure.words, failure.site_refused) == (kind, words, refused)
    assert failure.detail == reason
    assert not failure.words.startswith("refused") or failure.site_refused


def test_no_error_is_no_failure() -> None:
    assert explain(None) is None
    assert explain("") is None


def test_a_shared_outage_is_said_once() -> None:
    dns = {f"s{i}": explain(DNS.replace("www.wbez.org", f"h{i}.org")) for i in range(13)}
    failures: dict[str, Failure] = {k: v for k, v in dns.items() if v is not None}
    grouped = group(failures, total=13)
    assert (
        grouped.shared
        == "no network: 13 sources could not be reached (DNS: no name can be looked up)"
    )
    assert grouped.each == {}
    assert grouped.shared_ids == frozenset(failures)
    some = dict(list(failures.items())[:4])
    gone = explain("HTTP 404 Not Found", status=404)
    assert gone is not None
    some["broken"] = gone
    partly = group(some, total=6)
    assert (
        partly.shared
        == "no network: 4 of 6 sources could not be reached (DNS: no name can be looked up)"
    )
    assert list(partly.each) == ["broken"]
    few = group(dict(list(failures.items())[:2]), total=13)  # two of thirteen: the sites, not us
    assert few.shared is None
    assert len(few.each) == 2


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _check_80_columns(text: str, reasons: list[str]) -> None:
    for line in text.splitlines():
        assert len(line) <= 80, line
    flat = re.sub(r"\s+", " ", text)
    for reason in reasons:
        assert reason in flat, (reason, text)  # wrapped between words, never cut
        assert flat.count(reason) == 1, (reason, text)  # each error once


def test_collect_and_sources_list_fit_80_columns_with_each_reason_once(
    server: FeedServer, tmp_path: Path
) -> None:
    server.route("/gone.xml", Reply(404, "no"))
    closed = f"http://127.0.0.1:{_closed_port()}/feed.xml"
    sources = write_sources(
        tmp_path,
        f"- id: a-source-with-a-rather-long-identifier\n  kind: feed\n  url: {server.url('/gone.xml')}\n"
        f"- id: closed-port\n  kind: feed\n  url: {closed}\n  interval: 2h\n",
        extra_settings="fetch_articles: false\ntimezone: America/Chicago\n",
    )
    db = f"sqlite:///{tmp_path / 'c.db'}"
    env = {**os.environ, "COLUMNS": "80"}
    result = clippings("collect", "--sources", str(sources), "--db", db, env=env)
    assert result.returncode == 0, result.stderr
    _check_80_columns(
        result.stdout,
        [
            "a-source-with-a-rather-long-identifier: the address is gone (not found) (HTTP 404)",
            "closed-port: 127.0.0.1 refused the connection (nothing listening there)",
        ],
    )
    assert "0 new item(s) from 2 source(s); 2 failed." in result.stdout
    assert "Traceback" not in result.stderr
    assert "robots.txt" not in result.stdout  # the technical wrapper stays out of sight

    listed = clippings("sources", "list", "--sources", str(sources), "--db", db, env=env)
    assert listed.returncode == 0, listed.stderr
    _check_80_columns(
        listed.stdout,
        ["the address is gone (not found) (HTTP 404)", "127.0.0.1 refused the connection"],
    )
    assert "2h (fixed)" in listed.stdout  # interval in force and its bounds
    assert "30m (5m-1d)" in listed.stdout
    assert re.search(
        r"closed-port: .*; next try (in \d+ min|\d\d:\d\d)", re.sub(r"\s+", " ", listed.stdout)
    )


def test_sources_list_json_has_the_words_and_the_interval(
    server: FeedServer, tmp_path: Path
) -> None:
    server.route("/gone.xml", Reply(410, "no"))
    sources = write_sources(
        tmp_path,
        f"- id: gone\n  kind: feed\n  url: {server.url('/gone.xml')}\n",
        extra_settings="fetch_articles: false\n",
    )
    db = f"sqlite:///{tmp_path / 'c.db'}"
    assert clippings("collect", "--sources", str(sources), "--db", db).returncode == 0
    listed = clippings("sources", "list", "--json", "--sources", str(sources), "--db", db)
    assert '"problem": "the address is gone for good (HTTP 410)"' in listed.stdout
    assert '"interval_in_force": "30m (5m-1d)"' in listed.stdout
    assert ROOT.exists()


def test_dns_outage_is_one_line_and_a_hanging_resolver_delays_nothing() -> None:
    import time

    from scraper.cli.netcheck import dns_outage, lookup_hosts

    def no_dns(host: str, port: int, **_: object) -> object:
        raise socket.gaierror(-2, "Name or service not known")

    urls = ["https://www.wbez.org/rss", "https://www.cbsnews.com/x", "http://127.0.0.1:9/f"]
    assert dns_outage(urls, resolve=no_dns) == (
        "no network: cannot find the address of www.wbez.org or any other source host "
        "(DNS: Name or service not known); sources will fail until the network is back"
    )

    def only_cbs(host: str, port: int, **_: object) -> object:
        if host != "www.cbsnews.com":
            raise socket.gaierror(-2, "Name or service not known")
        return []

    assert dns_outage(urls, resolve=only_cbs) is None  # one host down is that host's problem
    assert dns_outage(["http://127.0.0.1:9/f"], resolve=no_dns) is None  # nothing to look up

    def hangs(host: str, port: int, **_: object) -> object:
        time.sleep(5)
        return []

    started = time.monotonic()
    assert lookup_hosts(["a.example"], resolve=hangs, timeout=0.3) == {"a.example": "timed out"}
    assert time.monotonic() - started < 2


def test_the_log_says_a_shared_outage_once(caplog: pytest.LogCaptureFixture) -> None:
    from types import SimpleNamespace

    from scraper.pipeline.collector import SourceReport
    from scraper.schedule.loop import log_failures

    hosts = [f"www.outlet{i}.org" for i in range(5)]
    store = SimpleNamespace(
        sources=lambda: [
            SimpleNamespace(id=f"s{i}", url=f"https://{h}/") for i, h in enumerate(hosts)
        ]
    )
    failed = [
        SourceReport(f"s{i}", outcome="error", error=DNS.replace("www.wbez.org", h))
        for i, h in enumerate(hosts)
    ]
    failed.append(SourceReport("gone", outcome="error", error="HTTP 404 Not Found", status=404))
    with caplog.at_level("WARNING", logger="scraper.schedule.loop"):
        log_failures(failed, store=store, total=6)  # type: ignore[arg-type]
    assert [r.getMessage() for r in caplog.records] == [
        "no network: 5 of 6 sources could not be reached (DNS: no name can be looked up)",
        "source gone: the address is gone (not found) (HTTP 404)",
    ]
