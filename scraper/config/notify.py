"""The ``email``, ``digests`` and ``alerts`` sections of sources.yaml.

Secrets never sit in sources.yaml: the SMTP password and a webhook's signing
secret come from an environment variable or a file, and a webhook URL that is
itself a secret (Slack's) may come from an environment variable too::

    email:
      host: smtp.example.org
      port: 587
      security: starttls
      user: clippings@example.org
      password_env: CLIPPINGS_SMTP_PASSWORD
      sender: "Clippings <clippings@example.org>"
    digests:
      - {name: morning, to: reviewers, every: daily, at: "08:00"}
    alerts:
      - {name: gvi-slack, when: new, programs: [Group Violence Intervention],
         url_env: SLACK_WEBHOOK_URL, format: slack}
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from scraper.models.errors import ConfigError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_EMAIL = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+$")
_NAME = r"^[a-z0-9][a-z0-9._-]*$"


def _check_time(value: object) -> str:
    text = str(value).strip()
    match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", text)
    if not match:
        raise ValueError(f"{value!r} is not a time as HH:MM (24-hour), e.g. 08:00")
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def _check_day(value: object) -> str:
    text = str(value).strip().lower()[:3]
    if text not in DAYS:
        raise ValueError(f"{value!r} is not a day (mon, tue, wed, thu, fri, sat, sun)")
    return text


def _check_email(value: object) -> str:
    text = str(value).strip()
    if not _EMAIL.match(text):
        raise ValueError(f"{value!r} is not an e-mail address")
    return text


def _check_url(value: object) -> str:
    text = str(value).strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{value!r} is not an http(s) URL")
    return text


def is_email(value: str) -> bool:
    return bool(_EMAIL.match(value.strip()))


Clock = Annotated[str, BeforeValidator(_check_time)]
Day = Annotated[str, BeforeValidator(_check_day)]
Email = Annotated[str, BeforeValidator(_check_email)]
WebURL = Annotated[str, BeforeValidator(_check_url)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def read_secret(*, env: str | None, file: str | None, what: str) -> str | None:
    """A secret from the environment variable ``env``, else the file ``file`` (stripped)."""
    if env and os.environ.get(env):
        return os.environ[env]
    if file:
        try:
            return Path(file).expanduser().read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError([f"{what}: cannot read {file}: {exc.strerror or exc}"]) from exc
    return None


class EmailSettings(_Strict):
    """``email:`` — the SMTP server digests are sent through."""

    host: str = Field(description="SMTP server host name.")
    port: int = Field(587, gt=0, lt=65536, description="SMTP port (587 STARTTLS, 465 TLS).")
    security: Literal["starttls", "tls", "none"] = Field(
        "starttls",
        description="`starttls` (upgrade after connecting), `tls` (TLS from the start) or "
        "`none` (plain: only for a server on this machine).",
    )
    user: str | None = Field(None, description="Login name; none: send without logging in.")
    password_env: str | None = Field(
        "CLIPPINGS_SMTP_PASSWORD", description="Environment variable holding the password."
    )
    password_file: str | None = Field(
        None, description="File holding the password (used when the variable is not set)."
    )
    sender: Email | str = Field(
        description='The From address, e.g. "Clippings <clippings@example.org>".'
    )
    timeout: float = Field(30.0, gt=0, description="Seconds an SMTP conversation may take.")

    def password(self) -> str | None:
        return read_secret(env=self.password_env, file=self.password_file, what="email")


class DigestSpec(_Strict):
    """``digests:`` — one scheduled e-mail."""

    name: str = Field(pattern=_NAME, description="Unique name (a-z, 0-9, . _ -).")
    to: Literal["reviewers", "readers"] = Field(
        description="`reviewers`: new candidates, to every desk user whose digest is on; "
        "`readers`: approved stories, to `readers`."
    )
    readers: list[Email] = Field(
        default_factory=list, description="Addresses of a `readers` digest."
    )
    every: Literal["daily", "weekly"] = Field("daily", description="`daily` or `weekly`.")
    at: Clock = Field("08:00", description="Time of day (HH:MM) in `settings.timezone`.")
    days: list[Day] = Field(
        default_factory=list,
        description="Days it goes out (mon ... sun); default: every day (daily) or mon (weekly).",
    )
    view: str | None = Field(None, description="Only stories of this saved view (its name).")
    subject: str | None = Field(None, description="Subject line (default: from the name).")

    @model_validator(mode="after")
    def _readers_needed(self) -> DigestSpec:
        if self.to == "readers" and not self.readers:
            raise ValueError("a `to: readers` digest needs a list of `readers` addresses")
        return self

    def weekdays(self) -> tuple[int, ...]:
        """Days as numbers, Monday = 0."""
        if self.days:
            return tuple(sorted({DAYS.index(d) for d in self.days}))
        return (0,) if self.every == "weekly" else tuple(range(7))


class AlertSpec(_Strict):
    """``alerts:`` — a webhook called for every event that matches."""

    name: str = Field(pattern=_NAME, description="Unique name (a-z, 0-9, . _ -).")
    when: Literal["new", "approved"] = Field(
        "new", description="`new` (a new story in the queue) or `approved` (any approval)."
    )
    programs: list[str] = Field(
        default_factory=list, description="Only stories with one of these programs."
    )
    cities: list[str] = Field(
        default_factory=list, description='Only stories in one of these cities ("City, ST").'
    )
    outlets: list[str] = Field(default_factory=list, description="Only these outlets.")
    view: str | None = Field(None, description="Only stories of this saved view (its name).")
    url: WebURL | None = Field(None, description="Where to POST.")
    url_env: str | None = Field(
        None, description="Environment variable holding the URL (for secret URLs such as Slack's)."
    )
    format: Literal["json", "slack"] = Field(
        "json", description="`json` (the item's fields) or `slack` (incoming-webhook message)."
    )
    secret_env: str | None = Field(
        None, description="Environment variable holding the HMAC-SHA256 signing secret."
    )
    secret_file: str | None = Field(None, description="File holding the signing secret.")
    allow_private: bool = Field(
        False, description="Allow a private or loopback target (an intranet receiver)."
    )

    @model_validator(mode="after")
    def _target_needed(self) -> AlertSpec:
        if not self.url and not self.url_env:
            raise ValueError("an alert needs `url` or `url_env`")
        return self

    def target(self) -> str | None:
        """The URL to post to (None when its variable is unset)."""
        if self.url:
            return self.url
        value = os.environ.get(self.url_env or "", "").strip()
        return _check_url(value) if value else None

    def secret(self) -> str | None:
        return read_secret(env=self.secret_env, file=self.secret_file, what=f"alert {self.name!r}")
