"""A digest e-mail: the stories as on the news page, as HTML and plain text.

Every story goes through ``scraper.publish.model.public_item`` first, the one
place where text from the web is cleaned, and the HTML part is rendered by
Jinja2 with autoescaping, so a headline such as ``<script>alert(1)</script>``
reaches the reader as those characters, never as markup. Links are kept only
when they are absolute http(s) URLs. Each story shows::

    Second call-in warns York groups: violence must end      (linked to the story)
    May 2019 | The Example Courier
    “We are not here to trick you,” said Louisa Marchetti.
    York, PA · Group Violence Intervention
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from jinja2 import Environment, FileSystemLoader

from scraper.publish.model import PublicItem, public_item

_ENV = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,  # every value from the web is escaped in the HTML part
    trim_blocks=True,
    lstrip_blocks=True,
)

HTML = _ENV.get_template("digest.html")


@dataclass(frozen=True, slots=True)
class Story:
    item: PublicItem
    desk_url: str | None  # reviewers' digests link each story to its desk page


@dataclass(frozen=True, slots=True)
class Digest:
    """What one digest e-mail says, before it is addressed."""

    subject: str
    title: str
    intro: str
    stories: tuple[Story, ...]
    footer: str
    more: int = 0  # stories left out (the list is capped)


def build_digest(
    items: Sequence[Mapping[str, Any]],
    *,
    audience: str,
    name: str,
    window: tuple[datetime, datetime],
    site_url: str,
    site_title: str,
    zone: tzinfo,
    subject: str | None = None,
    total: int | None = None,
) -> Digest:
    """The digest of ``items`` for ``audience`` (``reviewers`` or ``readers``)."""
    host = urlsplit(site_url).hostname or "localhost"
    reviewers = audience == "reviewers"
    stories = tuple(
        Story(
            item=public_item(item, host=host),
            desk_url=urljoin(site_url, f"/desk/items/{int(item['id'])}") if reviewers else None,
        )
        for item in items
    )
    start, end = (w.astimezone(zone) for w in window)
    span = f"{start:%a %-d %b %H:%M} – {end:%a %-d %b %H:%M} ({end.tzname()})"
    count = total if total is not None else len(stories)
    what = "new stories waiting for review" if reviewers else "stories approved"
    title = (
        f"{count} {what}"
        if count != 1
        else ("1 new story waiting for review" if reviewers else "1 story approved")
    )
    default_subject = f"[{site_title}] {title}, {end:%-d %b %Y}"
    footer = (
        f"Digest '{name}' from clippings. Turn it off on the desk: {urljoin(site_url, '/desk/me')}"
        if reviewers
        else f"Digest '{name}' from clippings ({site_url})."
    )
    return Digest(
        subject=subject or default_subject,
        title=title,
        intro=span,
        stories=stories,
        footer=footer,
        more=max(0, count - len(stories)),
    )


def text_part(digest: Digest) -> str:
    """The plain-text part: the same stories, one block each."""
    lines = [digest.title, digest.intro, ""]
    for story in digest.stories:
        item = story.item
        lines.append(item.headline)
        if item.url:
            lines.append(item.url)
        lines.append(item.byline)
        lines.extend(item.excerpt)
        tags = " · ".join(name for _kind, name in item.tags())
        if tags:
            lines.append(tags)
        if story.desk_url:
            lines.append(f"Review: {story.desk_url}")
        lines.append("")
    if digest.more:
        lines.append(f"… and {digest.more} more.")
    lines += ["-- ", digest.footer]
    return "\n".join(lines) + "\n"


def html_part(digest: Digest) -> str:
    return HTML.render(
        subject=digest.subject,
        title=digest.title,
        intro=digest.intro,
        stories=digest.stories,
        more=digest.more,
        footer=digest.footer,
    )


def email_message(digest: Digest, *, sender: str, to: str, now: datetime) -> EmailMessage:
    """A multipart/alternative e-mail (text first, HTML preferred) to one recipient."""
    message = EmailMessage()
    message["Subject"] = " ".join(digest.subject.split())  # no header injection by newline
    message["From"] = sender
    message["To"] = to
    message["Date"] = format_datetime(now)
    domain = sender.rpartition("@")[2].strip("> ") or "clippings.invalid"
    message["Message-ID"] = make_msgid("digest", domain=domain)
    message.set_content(text_part(digest))
    message.add_alternative(html_part(digest), subtype="html")
    return message
