"""The table of resolved search-engine links (Google News tokens -> article URLs).

One row per link key (``google-news:<token>``): the article URL once known, or
the last failure and when to try again. It outlives restarts, so a token is
asked about once, and a link Google would not resolve today is tried again on
a later pass, not on every pass.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.tables import Base


class LinkResolutionRow(Base):
    """A search engine's link and the article URL behind it (or why that is not known)."""

    __tablename__ = "link_resolutions"

    key: Mapped[str] = mapped_column(String(600), primary_key=True)  # provider:token
    url: Mapped[str | None] = mapped_column(Text)  # the article URL; None while unresolved
    resolved_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # failed online attempts
    last_error: Mapped[str | None] = mapped_column(Text)
    retry_at: Mapped[datetime | None]  # no online attempt before this time
