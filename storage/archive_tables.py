"""Tables of the archive: the snapshot index and the link checks of approved stories.

A snapshot's bytes live in a WARC file (one a month, under the archive
folder); ``snapshots`` is the index that finds them: the file, the offset and
length of the snapshot's records there, and the payload digest of its HTTP
response, so ``clippings archive verify`` can tell a damaged file. One row
per item: a story is snapshotted once, when it is first approved, and never
overwritten (the copy is the story *as it ran*).

The same row carries the work still to do and its retries: ``state`` is
``pending`` (to do, or failed and waiting for ``next_attempt_at``), ``ok``
or ``failed`` (gave up after ``MAX_ATTEMPTS``); the Save Page Now request
(``archive_org_*``) has its own state and retries. ``claimed_until`` is a
short lease so two processes (``clippings run`` and ``clippings serve``)
never take the same snapshot at once.

``link_checks`` holds the last check of each public story's link and when the
next one is due; ``gone`` stories are flagged on the desk and linked to their
archived copy on the public page and in the feeds.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables import Base


class SnapshotRow(Base):
    """The archived copy of one approved story, and the work still to do for it."""

    __tablename__ = "snapshots"

    item_id: Mapped[int] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
    )
    state: Mapped[str] = mapped_column(String(10), index=True)  # pending | ok | failed
    url: Mapped[str] = mapped_column(Text)  # the story's link, as requested
    target_url: Mapped[str | None] = mapped_column(Text)  # the URL that answered (after redirects)
    captured_at: Mapped[datetime | None] = mapped_column(index=True)  # when the bytes were fetched
    http_status: Mapped[int | None] = mapped_column(Integer)
    content_type: Mapped[str | None] = mapped_column(String(200))
    origin: Mapped[str | None] = mapped_column(String(20))  # collection | revalidated | fetched
    warc_file: Mapped[str | None] = mapped_column(String(200))  # name inside the archive folder
    warc_offset: Mapped[int | None] = mapped_column(BigInteger)
    warc_length: Mapped[int | None] = mapped_column(BigInteger)  # bytes of all its records
    payload_digest: Mapped[str | None] = mapped_column(String(100))  # "sha1:BASE32" (response)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(index=True)
    claimed_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    archive_org_state: Mapped[str] = mapped_column(
        String(10), default="off"
    )  # off|pending|ok|failed
    archive_org_url: Mapped[str | None] = mapped_column(Text)
    archive_org_attempts: Mapped[int] = mapped_column(Integer, default=0)
    archive_org_next_at: Mapped[datetime | None]
    archive_org_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class LinkCheckRow(Base):
    """The last check of a public story's link."""

    __tablename__ = "link_checks"

    item_id: Mapped[int] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
    )
    checked_at: Mapped[datetime]
    next_check_at: Mapped[datetime] = mapped_column(index=True)
    gone: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    gone_since: Mapped[datetime | None]
    outcome: Mapped[str] = mapped_column(String(10))  # ok | gone | unknown
    http_status: Mapped[int | None] = mapped_column(Integer)
    final_url: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[str | None] = mapped_column(Text)  # in words: "HTTP 404 not found"
