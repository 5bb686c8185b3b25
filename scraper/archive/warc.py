"""WARC/1.1 records of one snapshot, written and read with ``warcio``.

A snapshot is four records, each its own gzip member, in this order::

    request     GET of the page (the headers clippings sent)
    response    the HTTP status line, headers and body as fetched
    conversion  the extracted article text (text/plain), WARC-Refers-To the response
    metadata    clippings' fields: item id, headline, outlet, date, how the bytes came

The body is stored as the fetch layer decoded it; the response's
``Content-Encoding`` and ``Transfer-Encoding`` are therefore renamed to
``X-Clippings-Original-Content-Encoding`` / ``-Transfer-Encoding`` and
``Content-Length`` set to the stored length, so replay tools (pywb,
replayweb.page) serve the body as it is. Digests are SHA-1 in base32
(``sha1:...``), warcio's and the Wayback Machine's default.
"""

from __future__ import annotations

import base64
import hashlib
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

from scraper import __version__

WARC_VERSION = "WARC/1.1"
DROPPED = ("content-encoding", "transfer-encoding")  # the body is stored decoded
SOFTWARE = f"clippings/{__version__} (warcio)"


@dataclass(frozen=True, slots=True)
class CapturedPage:
    """An HTTP response as the fetch layer gave it, and how it was asked for."""

    url: str  # as requested (the story's link)
    target_url: str  # the URL that answered, after redirects
    status: int
    headers: Mapping[str, str]  # lower-case names
    body: bytes  # decoded (no Content-Encoding)
    fetched_at: datetime
    request_headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class StoryFields:
    """What the archived copy shows beside the page: clippings' reading of it."""

    item_id: int
    headline: str | None
    outlet: str | None
    published: str | None
    text: str
    origin: str  # collection | revalidated | fetched


@dataclass(frozen=True, slots=True)
class SnapshotRecords:
    """The serialised records of one snapshot and the response's payload digest."""

    data: bytes
    payload_digest: str


def sha1_digest(data: bytes) -> str:
    """``b"abc"`` -> ``"sha1:VGMT4NSHA2AWVOR6EVYXQUGCNSONBWE5"`` (WARC's base32 form)."""
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def warc_date(when: datetime) -> str:
    return str(datetime_to_iso_date(when.astimezone(UTC).replace(tzinfo=None), use_micros=True))


def _writer(out: io.BytesIO) -> Any:
    return WARCWriter(out, gzip=True, warc_version=WARC_VERSION)


def warcinfo(filename: str, *, description: str) -> bytes:
    """A ``warcinfo`` record naming the software and the format (the head of every file)."""
    out = io.BytesIO()
    writer = _writer(out)
    record = writer.create_warcinfo_record(
        filename,
        {
            "software": SOFTWARE,
            "format": "WARC File Format 1.1",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
            "description": description,
        },
    )
    writer.write_record(record)
    return out.getvalue()


def _response_headers(page: CapturedPage) -> list[tuple[str, str]]:
    headers: list[tuple[str, str]] = []
    for name, value in page.headers.items():
        lower = name.lower()
        if lower in DROPPED:
            headers.append((f"X-Clippings-Original-{name.title()}", value))
        elif lower != "content-length":
            headers.append((name, value))
    headers.append(("Content-Length", str(len(page.body))))
    return headers


def _request_headers(page: CapturedPage) -> list[tuple[str, str]]:
    parts = urlsplit(page.target_url)
    headers = [("Host", parts.netloc)]
    headers.extend((k, v) for k, v in page.request_headers.items() if k.lower() != "host")
    return headers


def snapshot_records(page: CapturedPage, story: StoryFields) -> SnapshotRecords:
    """Serialise the four records of a snapshot (see the module docstring)."""
    out = io.BytesIO()
    writer = _writer(out)
    date = warc_date(page.fetched_at)
    reason = HTTPStatus(page.status).phrase if page.status in HTTPStatus._value2member_map_ else ""
    response = writer.create_warc_record(
        page.target_url,
        "response",
        payload=io.BytesIO(page.body),
        length=len(page.body),
        http_headers=StatusAndHeaders(
            f"{page.status} {reason}".strip(), _response_headers(page), protocol="HTTP/1.1"
        ),
        warc_headers_dict={"WARC-Date": date},
    )
    response_id = response.rec_headers.get_header("WARC-Record-ID")
    parts = urlsplit(page.target_url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    request = writer.create_warc_record(
        page.target_url,
        "request",
        payload=io.BytesIO(b""),
        length=0,
        http_headers=StatusAndHeaders(f"GET {path} HTTP/1.1", _request_headers(page)),
        warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": response_id},
    )
    text = story.text.encode("utf-8")
    conversion = writer.create_warc_record(
        page.target_url,
        "conversion",
        payload=io.BytesIO(text),
        length=len(text),
        warc_content_type="text/plain; charset=utf-8",
        warc_headers_dict={"WARC-Date": date, "WARC-Refers-To": response_id},
    )
    fields = {
        "clippings-item": str(story.item_id),
        "headline": story.headline or "",
        "outlet": story.outlet or "",
        "published": story.published or "",
        "requested-url": page.url,
        "origin": story.origin,
    }
    meta = "".join(f"{k}: {_one_line(v)}\r\n" for k, v in fields.items() if v).encode("utf-8")
    metadata = writer.create_warc_record(
        page.target_url,
        "metadata",
        payload=io.BytesIO(meta),
        length=len(meta),
        warc_content_type="application/warc-fields",
        warc_headers_dict={"WARC-Date": date, "WARC-Refers-To": response_id},
    )
    for record in (request, response, conversion, metadata):
        writer.write_record(record)
    return SnapshotRecords(data=out.getvalue(), payload_digest=sha1_digest(page.body))


def _one_line(value: str) -> str:
    return " ".join(value.split())


@dataclass(frozen=True, slots=True)
class ReadRecord:
    """One record read back: its type, headers, payload and whether its digests held."""

    rec_type: str
    target_uri: str
    warc_headers: dict[str, str]
    http_status: int | None
    http_headers: list[tuple[str, str]]
    payload: bytes
    digests_ok: bool | None  # None: the record carries no digest to check
    problems: tuple[str, ...] = ()


def read_records(data: bytes) -> Iterator[ReadRecord]:
    """Every record in ``data`` (gzip members or plain), digests checked on the way."""
    for record in ArchiveIterator(io.BytesIO(data), check_digests=True):
        payload = record.content_stream().read()
        http = record.http_headers
        status = None
        if http is not None and record.rec_type == "response":
            code = http.get_statuscode()
            status = int(code) if code and str(code).isdigit() else None
        checker = record.digest_checker
        yield ReadRecord(
            rec_type=str(record.rec_type),
            target_uri=str(record.rec_headers.get_header("WARC-Target-URI") or ""),
            warc_headers=dict(record.rec_headers.headers),
            http_status=status,
            http_headers=list(http.headers) if http is not None else [],
            payload=payload,
            digests_ok=checker.passed,
            problems=tuple(checker.problems),
        )


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A snapshot read back: the page as fetched and clippings' fields."""

    target_url: str
    status: int | None
    headers: list[tuple[str, str]]
    body: bytes
    text: str
    fields: dict[str, str]
    digests_ok: bool
    problems: tuple[str, ...]


def parse_snapshot(data: bytes) -> Snapshot:
    """The records of one snapshot (``snapshot_records``'s bytes) read back."""
    response: ReadRecord | None = None
    text, fields = "", {}
    ok, problems = True, list[str]()
    for record in read_records(data):
        if record.digests_ok is False:
            ok = False
            problems.extend(record.problems)
        if record.rec_type == "response":
            response = record
        elif record.rec_type == "conversion":
            text = record.payload.decode("utf-8", "replace")
        elif record.rec_type == "metadata":
            for line in record.payload.decode("utf-8", "replace").splitlines():
                key, _, value = line.partition(":")
                if key.strip():
                    fields[key.strip()] = value.strip()
    if response is None:
        raise ValueError("no response record in the snapshot")
    return Snapshot(
        target_url=response.target_uri,
        status=response.http_status,
        headers=response.http_headers,
        body=response.payload,
        text=text,
        fields=fields,
        digests_ok=ok,
        problems=tuple(problems),
    )
