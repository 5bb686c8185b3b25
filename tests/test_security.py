"""Security: schemes, non-public addresses (after DNS, on every redirect), XML tricks,
parsers that never return, and source text that must not run anywhere."""

from __future__ import annotations

import asyncio
import ipaddress
import time
from pathlib import Path

import pytest

from scraper.fetch.client import Fetcher, FetchOptions, Response
from scraper.fetch.netguard import AddressPolicy, IPAddress, is_public_address
from scraper.models.errors import BlockedURL, FetchError, ParseError
from scraper.sources.parse import parse_feed
from scraper.sources.sandbox import Sandbox
from scraper.text.markup import plain_text, safe_html
from tests.collecting import RSS_TYPE, make_config, open_store, run_pass
from tests.conftest import article_html
from tests.feedserver import FeedServer, Reply
from tests.hang import spin_forever, worker_pid

GUARDED = FetchOptions(allow_private=False, respect_robots=False, timeout=3, per_host_delay=0)


def fetch(
    url: str, *, options: FetchOptions = GUARDED, policy: AddressPolicy | None = None
) -> Response:
    async def go() -> Response:
        async with Fetcher(options, address_policy=policy) as fetcher:
            return await fetcher.fetch(url)

    return asyncio.run(go())


# --- schemes -----------------------------------------------------------------------

SCHEMES = [
    "file:///etc/passwd",
    "ftp://example.org/feed",
    "gopher://example.org/",
    "data:,hi",
    "javascript:alert(1)",
    "//example.org/feed",
    "unix:/var/run/docker.sock",
]


@pytest.mark.parametrize("url", SCHEMES, ids=SCHEMES)
def test_only_http_and_https_are_fetched(url: str) -> None:
    with pytest.raises(BlockedURL, match="only http and https"):
        fetch(url)


@pytest.mark.parametrize(
    "target", ["file:///etc/passwd", "ftp://example.org/x"], ids=["file", "ftp"]
)
def test_redirect_to_another_scheme_is_refused(target: str, server: FeedServer) -> None:
    server.route("/r", Reply(302, "", {"Location": target}))
    with pytest.raises(BlockedURL, match="only http and https"):
        fetch(server.url("/r"), options=FetchOptions(allow_private=True, respect_robots=False))


# --- addresses -------------------------------------------------------------------------

# The special ranges, IPv4 and IPv6, and the IPv6 forms that carry an IPv4 address.
ADDRESSES = {
    "8.8.8.8": True,
    "1.1.1.1": True,
    "2001:4860:4860::8888": True,
    "2620:4f:8000::1": True,
    "0.1.2.3": False,  # "this network"
    "127.0.0.1": False,
    "127.255.0.9": False,
    "10.1.2.3": False,
    "172.16.0.1": False,
    "172.31.255.254": False,
    "192.168.1.1": False,
    "100.64.0.1": False,  # carrier-grade NAT
    "169.254.169.254": False,  # cloud metadata
    "192.0.0.8": False,  # IETF protocol assignments
    "192.0.2.1": False,  # documentation
    "198.51.100.7": False,  # documentation
    "203.0.113.7": False,  # documentation
    "192.88.99.1": False,  # 6to4 relay anycast
    "198.18.0.1": False,  # benchmarking
    "0.0.0.0": False,
    "255.255.255.255": False,
    "224.0.0.1": False,
    "239.255.255.250": False,  # multicast (SSDP)
    "240.0.0.1": False,  # reserved
    "::": False,
    "::1": False,
    "fe80::1": False,  # link-local
    "fec0::1": False,  # site-local (deprecated, passed Python's is_global)
    "fc00::1": False,  # unique local
    "fd12:3456::1": False,  # unique local
    "ff02::1": False,  # multicast
    "100::1": False,  # discard-only
    "2001:db8::1": False,  # documentation
    "3fff::1": False,  # documentation (2024)
    "2001:2::1": False,  # benchmarking
    "2001:10::1": False,  # ORCHID
    "5f00::1": False,  # outside global unicast 2000::/3
    "::1.2.3.4": False,  # IPv4-compatible (deprecated)
    "::ffff:127.0.0.1": False,  # IPv4-mapped
    "::ffff:10.0.0.1": False,
    "::ffff:8.8.8.8": True,
    "2002:a00:1::": False,  # 6to4 wrapping 10.0.0.1
    "2002:7f00:1::1": False,  # 6to4 wrapping 127.0.0.1
    "2002:808:808::1": True,  # 6to4 wrapping 8.8.8.8
    "2001:0:4136:e378:8000:63bf:80ff:fffe": False,  # Teredo, client 127.0.0.1
    "2001:0:4136:e378:8000:63bf:f7f7:f7f7": True,  # Teredo, client 8.8.8.8
    "64:ff9b::a00:1": False,  # NAT64 of 10.0.0.1
    "64:ff9b::7f00:1": False,  # NAT64 of 127.0.0.1
    "64:ff9b::808:808": True,  # NAT64 of 8.8.8.8
    "64:ff9b:1::a00:1": False,  # local-use NAT64
}


@pytest.mark.parametrize(("address", "public"), ADDRESSES.items(), ids=ADDRESSES.keys())
def test_is_public_address(address: str, public: bool) -> None:
    assert is_public_address(ipaddress.ip_address(address)) is public


def _targets(port: int) -> dict[str, str]:
    return {
        "loopback by IP": f"http://127.0.0.1:{port}/feed.xml",
        "loopback by name (after DNS)": f"http://localhost:{port}/feed.xml",
        "IPv6 loopback": f"http://[::1]:{port}/feed.xml",
        "IPv4-mapped IPv6": f"http://[::ffff:127.0.0.1]:{port}/feed.xml",
        "decimal IPv4": f"http://2130706433:{port}/feed.xml",
        "link-local metadata": "http://169.254.169.254/latest/meta-data/",
        "private 10/8": "http://10.255.255.1/feed.xml",
        "unspecified": f"http://0.0.0.0:{port}/feed.xml",
    }


TARGET_NAMES = list(_targets(0))


@pytest.mark.parametrize("name", TARGET_NAMES, ids=TARGET_NAMES)
def test_non_public_addresses_are_refused(name: str, server: FeedServer) -> None:
    server.route("/feed.xml", Reply(200, "<rss/>", RSS_TYPE))
    with pytest.raises(FetchError) as refused:
        fetch(_targets(server.port)[name])
    assert isinstance(refused.value, BlockedURL) or "resolve" in refused.value.reason
    assert not server.requests  # nothing reached the server


def loopback_by_ip_only(host: str, address: IPAddress) -> bool:
    return host == "127.0.0.1" or is_public_address(address)


@pytest.mark.parametrize("name", TARGET_NAMES[1:], ids=TARGET_NAMES[1:])
def test_every_redirect_is_checked_again(name: str, server: FeedServer) -> None:
    """The first hop is allowed (127.0.0.1 by IP); where it redirects to is not."""
    server.route("/start", Reply(302, "", {"Location": _targets(server.port)[name]}))
    server.route("/feed.xml", Reply(200, "<rss/>", RSS_TYPE))
    with pytest.raises(FetchError) as refused:
        fetch(server.url("/start"), policy=loopback_by_ip_only)
    assert isinstance(refused.value, BlockedURL) or "resolve" in refused.value.reason
    assert [r.path for r in server.requests] == ["/start"]


# --- XML tricks ---------------------------------------------------------------------

LAUGHS = "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
XML_TRICKS = {
    "billion laughs": (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol0 "lol">{LAUGHS}]>'
        '<rss version="2.0"><channel><title>&lol9;</title><item><title>T &lol9;</title>'
        "<link>https://a.example/1</link></item></channel></rss>"
    ),
    "external entity (file)": (
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">]>'
        '<rss version="2.0"><channel><title>T</title><item><title>A &xxe;</title>'
        "<link>https://a.example/1</link><description>&xxe;</description></item></channel></rss>"
    ),
    "external parameter entity": (
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY % p SYSTEM "file://{secret}"> %p;]>'
        '<rss version="2.0"><channel><title>T</title><item><title>A</title>'
        "<link>https://a.example/1</link></item></channel></rss>"
    ),
    "external DTD over the network": (
        '<?xml version="1.0"?><!DOCTYPE rss SYSTEM "http://127.0.0.1:9/evil.dtd">'
        '<rss version="2.0"><channel><title>T</title><item><title>A</title>'
        "<link>https://a.example/1</link></item></channel></rss>"
    ),
}


@pytest.mark.parametrize("body", XML_TRICKS.values(), ids=XML_TRICKS.keys())
def test_xml_entities_do_nothing_harmful(body: str, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-7f3a", encoding="utf-8")
    started = time.monotonic()
    try:
        parsed = parse_feed(
            body.replace("{secret}", str(secret)).encode(), url="https://a.example/f"
        )
    except ParseError:
        return  # refusing is harmless too
    assert time.monotonic() - started < 5
    text = repr(parsed)
    assert "SECRET-7f3a" not in text
    assert "lollollol" not in text
    assert len(text) < 10_000


# --- a parser that never returns -------------------------------------------------------


def test_a_stuck_parser_is_stopped_and_its_worker_killed() -> None:
    sandbox = Sandbox(workers=1, time_limit=30.0)

    async def go() -> tuple[int, float, int]:
        pid = await sandbox.run(worker_pid, b"")  # the worker starts
        sandbox.time_limit = 1.0
        started = time.monotonic()
        with pytest.raises(ParseError, match="longer than 1 s"):
            await sandbox.run(spin_forever, b"")
        took = time.monotonic() - started
        sandbox.time_limit = 30.0
        after = await sandbox.run(worker_pid, b"")  # a fresh worker answers
        return pid, took, after

    try:
        pid, took, after = asyncio.run(go())
    finally:
        sandbox.close()
    assert took < 3
    assert after != pid
    assert sandbox.recycled == 1
    assert not _running(pid)


def _running(pid: int) -> bool:
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except FileNotFoundError:
            return False
        if "State:\tZ" in status:
            return False
        time.sleep(0.05)
    return True


# --- text from sources ------------------------------------------------------------------

HOSTILE_FEED = """<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>
<title>Harbor Weekly</title><link>https://harbor.example/</link>
<item><title>&lt;script&gt;alert(1)&lt;/script&gt;Council &lt;b&gt;votes&lt;/b&gt; on outreach</title>
<link>{base}/story</link>
<description>&lt;img src=x onerror=alert(2)&gt;Residents &lt;a href="javascript:alert(3)"&gt;spoke&lt;/a&gt;
&lt;iframe src="https://evil.example/"&gt;&lt;/iframe&gt;&lt;style&gt;body{{display:none}}&lt;/style&gt;</description></item>
<item><title>Not a web link</title><link>javascript:alert(4)</link></item>
</channel></rss>"""


@pytest.mark.parametrize("fetch_articles", [False, True], ids=["feed data only", "with article"])
def test_text_from_sources_is_stored_as_plain_text(
    fetch_articles: bool, server: FeedServer, db_url: str
) -> None:
    server.route(
        "/feed.xml", Reply(200, HOSTILE_FEED.format(base=server.url("").rstrip("/")), RSS_TYPE)
    )
    server.route(
        "/story",
        Reply(
            200,
            article_html(
                "Council votes on outreach",
                [
                    "<script>alert(5)</script>The council voted on Tuesday to fund street outreach "
                    "workers for the coming year, officials said.",
                    '<img src=x onerror="alert(6)">"We finally have the people we need," said '
                    'Marta Velez, who leads the program. <a href="javascript:alert(7)">more</a>',
                ],
            ),
            {"Content-Type": "text/html; charset=utf-8"},
        ),
    )
    config = make_config(
        f"- id: harbor\n  kind: feed\n  url: {server.url('/feed.xml')}\n",
        settings=f"fetch_articles: {str(fetch_articles).lower()}",
    )
    report = run_pass(config, db_url)["harbor"]
    assert report.outcome == "ok", report.error
    items = open_store(config, db_url).items()
    assert len(items) == 1
    assert report.entries == 1  # the entry with a javascript: link was never read
    item = items[0]
    assert "Council" in item["headline"]
    stored = " ".join(
        str(item[k]) for k in ("headline", "summary", "excerpt", "text", "quotes", "authors")
    )
    for bad in ("<script", "<img", "<iframe", "onerror", "javascript:", "<style", "<b>", "alert("):
        assert bad not in stored, (bad, stored)


SANITISE = {
    "script": ("<p>Hi<script>alert(1)</script></p>", "<p>Hi</p>"),
    "event handler": ('<a href="https://a.example/" onclick="x()">a</a>', "onclick"),
    "javascript link": ('<a href="javascript:alert(1)">a</a>', "javascript"),
    "style": ("<style>p{}</style><p>t</p>", "<style"),
    "iframe": ('<iframe src="https://evil.example/"></iframe>', "<iframe"),
}


@pytest.mark.parametrize(("markup", "absent"), SANITISE.values(), ids=SANITISE.keys())
def test_safe_html_and_plain_text(markup: str, absent: str) -> None:
    cleaned = safe_html(markup)
    if absent.startswith("<p>"):
        assert cleaned == absent
    else:
        assert absent not in cleaned
    assert "<" not in plain_text(markup)


def test_without_processes_parsing_falls_back_to_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where worker processes cannot start (a locked-down container), parsing still works."""
    import multiprocessing

    def refuse(_method: str) -> None:
        raise OSError("no processes here")

    monkeypatch.setattr(multiprocessing, "get_context", refuse)
    sandbox = Sandbox(time_limit=5)
    body = (
        b'<rss version="2.0"><channel><item><link>https://a.example/1</link></item></channel></rss>'
    )
    parsed = asyncio.run(sandbox.run(parse_feed, body, url="https://a.example/f"))
    assert [e.url for e in parsed.entries] == ["https://a.example/1"]
    assert sandbox.degraded
