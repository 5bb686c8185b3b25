"""Snapshots on approve, against a local news site: bytes reused, kept unchanged, retried."""

from __future__ import annotations

import base64
import gzip
import hashlib
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from scraper.archive.export import export, verify
from scraper.archive.files import read_range
from scraper.archive.warc import parse_snapshot
from storage import snapshots
from tests.archive_world import ArchiveWorld, NewsSite


@pytest.fixture
def site() -> NewsSite:
    with NewsSite() as running:
        yield running


def stored(world: ArchiveWorld, item_id: int) -> bytes:
    info = snapshots.snapshot_of(world.store, item_id)
    assert info is not None
    assert info.state == "ok", info
    assert info.warc_file
    assert info.warc_offset is not None
    assert info.warc_length
    return read_range(world.folder, info.warc_file, info.warc_offset, info.warc_length)


def test_approving_keeps_the_collected_bytes_and_the_copy_survives_the_page(
    site: NewsSite, tmp_path: Path, db_url: str
) -> None:
    path = site.add("one")
    world = ArchiveWorld.make(site, tmp_path, db_url=db_url)
    world.collect()
    item_id = world.item_id(path)
    original = site.pages[path]
    hits_before = len(site.server.hits(path))
    world.approve(item_id)

    report = world.archive(links=False)

    assert report.snapshots == {"collection": 1}
    assert len(site.server.hits(path)) == hits_before, "fresh collection bytes are reused"
    site.pages[path] = "<html><body>Rewritten by the outlet</body></html>"
    world.archive(links=False)  # approved stories are snapshotted once, never overwritten
    snap = parse_snapshot(stored(world, item_id))
    assert snap.body.decode("utf-8") == original
    assert snap.status == 200
    assert "Tomas Greer" in snap.text
    assert snap.fields["headline"].startswith("Outreach walk number one")
    assert snap.fields["outlet"] == "Riverton Ledger"
    assert snap.digests_ok
    site.pages[path] = None  # deleted: the copy does not care
    assert parse_snapshot(stored(world, item_id)).body.decode("utf-8") == original


def test_old_kept_bytes_are_revalidated_with_their_etag(site: NewsSite, tmp_path: Path) -> None:
    path = site.add("two")
    world = ArchiveWorld.make(site, tmp_path)
    world.collect()
    item_id = world.item_id(path)
    world.approve(item_id)
    world.archiver.clock = lambda: datetime.now(UTC) + timedelta(days=2)  # older than a day

    report = world.archive(links=False)

    assert report.snapshots == {"revalidated": 1}
    last = site.server.hits(path)[-1]
    assert last.headers.get("if-none-match"), "the kept ETag is sent"
    assert parse_snapshot(stored(world, item_id)).body.decode() == site.pages[path]


def test_without_kept_bytes_the_page_is_fetched_again(site: NewsSite, tmp_path: Path) -> None:
    path = site.add("three")
    world = ArchiveWorld.make(site, tmp_path)
    world.collect()
    item_id = world.item_id(path)
    for kept in (world.folder / "recent").iterdir():
        kept.unlink()
    world.approve(item_id)

    report = world.archive(links=False)

    assert report.snapshots == {"fetched": 1}
    assert snapshots.snapshot_of(world.store, item_id).origin == "fetched"  # type: ignore[union-attr]


def test_a_failing_snapshot_never_blocks_the_approval_and_is_retried(
    site: NewsSite, tmp_path: Path, db_url: str
) -> None:
    path = site.add("four")
    world = ArchiveWorld.make(site, tmp_path, db_url=db_url)
    world.collect()
    item_id = world.item_id(path)
    for kept in (world.folder / "recent").iterdir():
        kept.unlink()
    site.pages[path] = None  # the outlet answers 404 at approval time
    world.approve(item_id)

    report = world.archive(links=False)

    assert world.store.item(item_id)["status"] == "approved"
    assert report.snapshots == {"failed": 1}
    info = snapshots.snapshot_of(world.store, item_id)
    assert info is not None
    assert info.state == "pending"
    assert info.attempts == 1
    assert "404" in (info.last_error or "")
    assert world.archive(links=False).snapshots == {}, "not retried before its time"
    site.pages[path] = "<html><body>back</body></html>"
    world.archiver.clock = lambda: datetime.now(UTC) + timedelta(hours=1)
    assert world.archive(links=False).snapshots == {"fetched": 1}
    assert snapshots.snapshot_of(world.store, item_id).state == "ok"  # type: ignore[union-attr]


def test_export_reads_back_record_by_record_with_matching_digests(
    site: NewsSite, tmp_path: Path
) -> None:
    paths = [site.add(slug) for slug in ("five", "six")]
    world = ArchiveWorld.make(site, tmp_path)
    world.collect()
    ids = [world.item_id(p) for p in paths]
    for item_id in ids:
        world.approve(item_id)
    world.archive(links=False)
    rows = snapshots.list_snapshots(world.store)
    out = tmp_path / "export.warc.gz"

    done = export(world.folder, rows, out)

    assert done.snapshots == 2
    types, bodies = [], {}
    with out.open("rb") as stream:
        for record in ArchiveIterator(stream):
            types.append(record.rec_type)
            if record.rec_type == "response":
                body = record.content_stream().read()
                digest = "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode()
                assert record.rec_headers.get_header("WARC-Payload-Digest") == digest
                assert record.rec_headers.get_header("WARC-Target-URI") in {
                    site.url(p) for p in paths
                }
                bodies[record.rec_headers.get_header("WARC-Target-URI")] = digest
            assert record.rec_headers.protocol == "WARC/1.1"
    assert types[0] == "warcinfo"
    assert types.count("request") == 2
    assert types.count("response") == 2
    assert sorted(bodies.values()) == sorted(r.payload_digest for r in rows)
    assert all(v.ok for v in verify(world.folder, rows))


def test_verify_finds_a_damaged_snapshot(site: NewsSite, tmp_path: Path) -> None:
    path = site.add("seven")
    world = ArchiveWorld.make(site, tmp_path)
    world.collect()
    world.approve(world.item_id(path))
    world.archive(links=False)
    info = snapshots.list_snapshots(world.store)[0]
    assert info.warc_file
    assert info.warc_offset is not None
    assert info.warc_length
    file = world.folder / info.warc_file
    data = bytearray(file.read_bytes())
    members = gzip_members(bytes(data[info.warc_offset : info.warc_offset + info.warc_length]))
    # The same records, each still its own gzip member, with one word of the page changed.
    tampered = b"".join(gzip.compress(m.replace(b"Tomas Greer", b"Tomas Gree!")) for m in members)
    data[info.warc_offset : info.warc_offset + info.warc_length] = tampered
    file.write_bytes(bytes(data))
    bad = dataclass_replace(info, warc_length=len(tampered))

    verdicts = list(verify(world.folder, [bad]))

    assert not verdicts[0].ok
    assert "digest" in verdicts[0].problem


def gzip_members(data: bytes) -> list[bytes]:
    out = []
    while data:
        inflater = zlib.decompressobj(31)
        out.append(inflater.decompress(data))
        data = inflater.unused_data
    return out


def test_verify_finds_a_truncated_file(site: NewsSite, tmp_path: Path) -> None:
    path = site.add("one")
    world = ArchiveWorld.make(site, tmp_path)
    world.collect()
    world.approve(world.item_id(path))
    world.archive(links=False)
    info = snapshots.list_snapshots(world.store)[0]
    assert info.warc_file
    file = world.folder / info.warc_file
    file.write_bytes(file.read_bytes()[:-100])

    verdicts = list(verify(world.folder, [info]))

    assert not verdicts[0].ok
    assert "cannot read" in verdicts[0].problem


def dataclass_replace(info: snapshots.SnapshotInfo, **changes: object) -> snapshots.SnapshotInfo:
    import dataclasses

    return dataclasses.replace(info, **changes)  # type: ignore[arg-type]
