"""``clippings archive export`` and ``verify``: one standard WARC out, every digest checked.

Export writes a ``warcinfo`` record, then each snapshot's records exactly as
they are stored (the same gzip members, byte for byte), so the export's
digests are the snapshot's digests. pywb (``wb-manager add``) and
replayweb.page open the file as it is. Verify re-reads every indexed
snapshot and checks, record by record, the WARC block and payload digests,
and that the response's payload digest is the one in the index.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from scraper.archive.files import read_range
from scraper.archive.warc import read_records, warcinfo
from scraper.models.errors import ArchiveError
from storage.snapshots import SnapshotInfo


def snapshot_bytes(folder: Path, info: SnapshotInfo) -> bytes:
    """The stored records of one snapshot; ArchiveError when they cannot be read."""
    if info.warc_file is None or info.warc_offset is None or info.warc_length is None:
        raise ArchiveError(f"item {info.item_id}: the snapshot is not written yet ({info.state})")
    if "/" in info.warc_file or info.warc_file.startswith("."):
        raise ArchiveError(f"item {info.item_id}: bad file name in the index: {info.warc_file!r}")
    try:
        return read_range(folder, info.warc_file, info.warc_offset, info.warc_length)
    except OSError as exc:
        raise ArchiveError(f"item {info.item_id}: cannot read {info.warc_file}: {exc}") from exc


@dataclass(frozen=True, slots=True)
class Exported:
    path: Path
    snapshots: int
    bytes: int


def export(
    folder: Path,
    rows: Iterable[SnapshotInfo],
    out: Path,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Exported:
    """Write ``rows``' snapshots into one ``.warc.gz`` at ``out`` (atomically)."""
    span = f"from {since:%Y-%m-%d} " if since else ""
    span += f"to {until:%Y-%m-%d}" if until else ""
    header = warcinfo(out.name, description=f"clippings: snapshots of approved stories {span}")
    temporary = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    count = 0
    try:
        with temporary.open("wb") as file:
            file.write(header)
            for info in rows:
                file.write(snapshot_bytes(folder, info))
                count += 1
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, out)
    finally:
        temporary.unlink(missing_ok=True)
    return Exported(path=out, snapshots=count, bytes=out.stat().st_size)


@dataclass(frozen=True, slots=True)
class Verdict:
    item_id: int
    ok: bool
    problem: str = ""

    def to_json(self) -> dict[str, object]:
        return {"item": self.item_id, "ok": self.ok, "problem": self.problem}


def verify_one(folder: Path, info: SnapshotInfo) -> Verdict:
    """Check one snapshot's records against their digests and the index."""
    try:
        data = snapshot_bytes(folder, info)
        records = list(read_records(data))
    except ArchiveError as exc:
        return Verdict(info.item_id, False, str(exc))
    except Exception as exc:  # warcio raises many kinds on damaged bytes
        return Verdict(info.item_id, False, f"unreadable records: {type(exc).__name__}: {exc}")
    responses = [r for r in records if r.rec_type == "response"]
    if len(responses) != 1:
        return Verdict(info.item_id, False, f"{len(responses)} response records, expected 1")
    for record in records:
        if record.digests_ok is False:
            return Verdict(info.item_id, False, f"{record.rec_type}: " + "; ".join(record.problems))
    stated = responses[0].warc_headers.get("WARC-Payload-Digest")
    if stated != info.payload_digest:
        return Verdict(
            info.item_id,
            False,
            f"payload digest {stated} differs from the index's {info.payload_digest}",
        )
    return Verdict(info.item_id, True)


def verify(folder: Path, rows: Iterable[SnapshotInfo]) -> Iterator[Verdict]:
    for info in rows:
        yield verify_one(folder, info)
