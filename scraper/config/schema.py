"""Load and validate ``sources.yaml``: settings, outlets, sources, programs, cities.

Every key is declared once here, with its type, default and help text (the
README's table is checked against these declarations by a test). Loading
rejects unknown keys, wrong types, duplicate ids, unknown outlets and bad URLs
with one message per problem, naming the file, line, source id and key and,
for a mistyped key, the nearest valid one::

    sources.yaml:41: source 'york-dispatch': unknown key 'intervall' (did you mean 'interval'?)
"""

from __future__ import annotations

import difflib
import ipaddress
import os
import re
from collections.abc import Sequence
from datetime import timedelta, tzinfo
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from scraper.config import search
from scraper.config.notify import AlertSpec, DigestSpec, EmailSettings
from scraper.config.vocab import (
    CitySpec,
    ProgramSpec,
    default_cities,
    default_keywords,
    default_programs,
)
from scraper.config.yamlpos import line_for, load_with_lines
from scraper.explain.times import check_zone_name, zone
from scraper.models.errors import ConfigError, DuplicateKey

DEFAULT_DATA_DIR = Path(os.environ.get("CLIPPINGS_HOME", Path.home() / ".local/share/clippings"))
DEFAULT_DATABASE_URL = f"sqlite:///{DEFAULT_DATA_DIR / 'clippings.db'}"

_INTERVAL_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|m|h|d)?\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, None: 1}


def parse_interval(value: object) -> timedelta:
    """``"30m"`` -> 30 minutes; ``"2h"``, ``"1d"``, ``"45s"``; a bare number is seconds."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, bool):
        raise ValueError("an interval such as 30m, 2h or 1d")
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        match = _INTERVAL_RE.match(str(value))
        if not match:
            raise ValueError(f"{value!r} is not an interval such as 30m, 2h or 1d")
        seconds = float(match.group(1)) * _UNITS[match.group(2)]
    if seconds <= 0:
        raise ValueError("an interval must be positive")
    return timedelta(seconds=seconds)


def format_interval(value: timedelta) -> str:
    seconds = int(value.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def _check_http_url(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError("a URL must be a string")
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https"):
        raise ValueError(f"{value!r} is not an http(s) URL")
    if not parts.hostname:
        raise ValueError(f"{value!r} has no host")
    return value.strip()


def _check_city(value: object) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[^,]+, [A-Z]{2}", value.strip()):
        raise ValueError(f'{value!r} is not a city as "City, ST" (e.g. "York, PA")')
    return value.strip()


Interval = Annotated[timedelta, BeforeValidator(parse_interval)]
HttpURL = Annotated[str, BeforeValidator(_check_http_url)]


def _check_network(value: Any) -> str:
    """``"10.0.0.5"`` or ``"10.0.0.0/8"`` (IPv4 or IPv6), as text; ValueError otherwise."""
    text = str(value).strip()
    try:
        return str(ipaddress.ip_network(text, strict=False))
    except ValueError as exc:
        raise ValueError(f"{text!r} is not an IP address or network like 10.0.0.0/8") from exc


def _check_host_pattern(value: Any) -> str:
    """``"news.example.org"`` or ``"*.example.org"``, lower-cased; ValueError otherwise."""
    text = str(value).strip().lower()
    name = text.removeprefix("*.")
    if not name or any(c in name for c in "/@?# "):
        raise ValueError(f"{text!r} is not a host name like news.example.org or *.example.org")
    return text


Network = Annotated[str, BeforeValidator(_check_network)]
HostPattern = Annotated[str, BeforeValidator(_check_host_pattern)]
CityName = Annotated[str, BeforeValidator(_check_city)]
ZoneName = Annotated[str, BeforeValidator(check_zone_name)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Settings(_Strict):
    """``settings:`` — how clippings fetches, stores and publishes."""

    user_agent: str = Field(
        "clippings/0.1 (media monitoring; +https://github.com/clippings)",
        description="User-Agent sent with every request: say who you are and how to reach you.",
    )
    default_interval: Interval = Field(
        timedelta(minutes=30),
        description="How often a source is checked unless it sets `interval`.",
    )
    min_interval: Interval = Field(
        timedelta(minutes=5), description="Lower bound for adaptive check intervals."
    )
    max_interval: Interval = Field(
        timedelta(hours=24), description="Upper bound for adaptive check intervals."
    )
    timeout: float = Field(
        20.0, gt=0, description="Seconds a whole request may take, body included."
    )
    connect_timeout: float = Field(10.0, gt=0, description="Seconds to wait for a connection.")
    max_body_bytes: int = Field(
        10_000_000,
        gt=0,
        description="Cap on a decoded response body, in bytes; larger is an error.",
    )
    max_redirects: int = Field(5, ge=0, description="Redirects followed per request.")
    concurrency: int = Field(
        16, gt=0, description="Requests in flight at once, all hosts together."
    )
    per_host_concurrency: int = Field(
        2, gt=0, description="Requests in flight at once to one host."
    )
    per_host_delay: float = Field(
        1.0, ge=0, description="Minimum seconds between two requests to one host."
    )
    fetch_articles: bool = Field(
        True, description="Fetch each new story's page to extract text, date, quotes and tags."
    )
    max_articles_per_pass: int = Field(
        50, ge=0, description="Article pages fetched per source per pass (the rest keep feed data)."
    )
    resolve_google_news_links: bool = Field(
        False,
        description="Ask Google for the article URL behind a Google News link that does not "
        'carry it (see "Search sources": what Google\'s terms allow, what is sent).',
    )
    excerpt_length: int = Field(320, gt=40, description="Longest excerpt, in characters.")
    program_threshold: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Confidence a program needs to be a tag; below it, evidence makes a "
        "suggestion the desk offers for one click.",
    )
    city_threshold: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Confidence a city needs to be a tag; below it, a suggestion "
        "(a wrong city costs more than a missing one).",
    )
    relevance_keywords: list[str] = Field(
        default_factory=default_keywords,
        description="Organisation names and keywords that make a story relevant besides programs.",
    )
    database_url: str | None = Field(
        None,
        description="SQLAlchemy URL; `CLIPPINGS_DATABASE_URL` and `--db` override it. "
        "Default: a SQLite file under `$CLIPPINGS_HOME` (~/.local/share/clippings/clippings.db).",
    )
    timezone: ZoneName | None = Field(
        None,
        description="Time zone of the times shown to people (an IANA name such as "
        "America/Chicago); default: the machine's.",
    )
    allow_private_networks: bool = Field(
        False,
        description="Allow fetching private, loopback and link-local addresses (tests, intranets).",
    )
    trusted_proxies: list[Network] = Field(
        default_factory=list,
        description="Addresses (or networks) of reverse proxies whose X-Forwarded-For and "
        "X-Forwarded-Proto are believed; empty: the connecting address is the client's.",
    )
    allowed_hosts: list[HostPattern] = Field(
        default_factory=list,
        description="Host names the web app answers to (`*.example.org` for subdomains); "
        "others get 400. Empty: the host of `site_url`, 127.0.0.1, ::1 and localhost.",
    )
    session_idle: Interval = Field(
        timedelta(days=3),
        description="A desk session nobody used for this long ends (besides 14 days after login).",
    )
    max_request_bytes: int = Field(
        1_000_000,
        gt=0,
        description="Largest request body the web app reads, in bytes; larger gets 413 unread.",
    )
    respect_robots: bool = Field(True, description="Obey robots.txt (a source may override).")
    adaptive_intervals: bool = Field(
        True,
        description="Check sources that publish often more often and quiet ones less, between "
        "`min_interval` and `max_interval` (a source's own `interval` is kept as set).",
    )
    unhealthy_after: int = Field(
        5, ge=1, description="Consecutive failures after which a source is marked unhealthy."
    )
    unhealthy_interval: Interval = Field(
        timedelta(hours=24),
        description="How often an unhealthy source is still checked (it recovers by itself).",
    )
    parse_time_limit: float = Field(
        30.0, gt=0, description="Seconds parsing one feed or page may take before it is stopped."
    )
    parse_workers: int = Field(
        2, ge=1, description="Worker processes that parse feeds and pages (isolated, time-limited)."
    )
    analysis_workers: int = Field(
        0, ge=0, description="Worker processes that analyse new stories (0: one per CPU core)."
    )
    site_title: str = Field("News & Updates", description="Title of the published feeds and page.")
    site_description: str = Field(
        "Press coverage of our work.", description="Description of the published feeds."
    )
    site_url: str = Field(
        "http://127.0.0.1:8000/", description="Public address where the news page is served."
    )
    site_language: str = Field(
        "en", description="Language of the published page and feeds (a BCP 47 tag such as en-US)."
    )
    page_size: int = Field(20, gt=0, description="Stories per page of the published news page.")
    feed_length: int = Field(
        50, gt=0, description="Newest stories in each published feed (the page lists them all)."
    )
    archive_dir: str | None = Field(
        None,
        description="Folder of the snapshots of approved stories (one WARC file a month). "
        "Default: `$CLIPPINGS_HOME/snapshots`.",
    )
    link_check_interval: Interval = Field(
        timedelta(days=7),
        description="How often the link of each published story is checked (HEAD, then GET).",
    )
    archive_org: bool = Field(
        False,
        description="Also ask the Internet Archive's Save Page Now to capture each approved story.",
    )
    archive_org_endpoint: HttpURL = Field(
        "https://web.archive.org/save/",
        description="The Save Page Now address the story's URL is appended to (tests: a fake).",
    )

    def tz(self) -> tzinfo:
        """The zone of ``timezone``, else the machine's (see scraper.explain.times)."""
        return zone(self.timezone)


class Outlet(_Strict):
    """``outlets:`` — publications stories come from."""

    name: str = Field(description="The publication's name as the news page shows it.")
    homepage: HttpURL | None = Field(None, description="The outlet's home page.")
    city: CityName | None = Field(None, description='Home city as "City, ST".')
    domains: list[str] = Field(
        default_factory=list,
        description="Extra host names of this outlet (its homepage host counts already).",
    )


# The kinds of ``scraper.sources.registry.KINDS`` (tests/test_registries.py checks they agree).
SourceKindName = Literal["feed", "page", "search"]


class Source(_Strict):
    """``sources:`` — one feed, listing page or search feed to collect."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$", description="Unique id (a-z, 0-9, . _ -).")
    kind: SourceKindName = Field(
        description="`feed` (RSS/Atom/JSON Feed), `page` (HTML listing + selector) or `search`."
    )
    url: HttpURL = Field(
        "",
        description="Address of the feed or page (required, unless a `search` gives `provider`).",
    )
    provider: str | None = Field(
        None,
        description="Search provider (kind `search`): `google-news`, `bing-news` or `gdelt`; "
        "with `query` instead of a `url` (with a `url`: read in that provider's format).",
    )
    query: str | None = Field(
        None, description="The search words for `provider`, e.g. '\"Group Violence Intervention\"'."
    )
    language: str | None = Field(
        None,
        description="Provider locale: `en-US` style for google-news and bing-news (default "
        "en-US); a GDELT source language such as `english` for gdelt (default: all).",
    )
    outlet: str | None = Field(None, description="Name of an outlet in `outlets:`.")
    selector: str | None = Field(
        None, description="CSS selector of article links (kind `page` only)."
    )
    interval: Interval | None = Field(None, description="How often to check, e.g. 30m, 2h, 1d.")
    enabled: bool = Field(True, description="Set false to keep the entry but stop collecting.")
    city: CityName | None = Field(None, description='City the source covers, "City, ST".')
    robots: bool | None = Field(
        None, description="Override `respect_robots` for this source (false: ignore robots.txt)."
    )

    @model_validator(mode="before")
    @classmethod
    def _search_url(cls, data: Any) -> Any:
        """A search source with a valid ``provider`` and ``query`` fetches their URL."""
        if isinstance(data, dict) and data.get("provider") and "url" not in data:
            provider, query, language = data["provider"], data.get("query"), data.get("language")
            try:
                url = search.search_url(
                    str(provider),
                    query if isinstance(query, str) else "",
                    language=language if isinstance(language, str) else None,
                )
            except ValueError:
                return data  # reported by _cross_checks with the entry's line
            return {**data, "url": url}
        return data


class Config(_Strict):
    """The whole ``sources.yaml``."""

    settings: Settings = Field(default_factory=Settings)
    outlets: list[Outlet] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)
    programs: list[ProgramSpec] = Field(default_factory=default_programs)
    cities: list[CitySpec] = Field(default_factory=default_cities)
    email: EmailSettings | None = None
    digests: list[DigestSpec] = Field(default_factory=list)
    alerts: list[AlertSpec] = Field(default_factory=list)

    def outlet(self, name: str | None) -> Outlet | None:
        if name is None:
            return None
        return next((o for o in self.outlets if o.name == name), None)

    def outlet_for_url(self, url: str) -> Outlet | None:
        """The configured outlet whose homepage host or ``domains`` serve ``url``."""
        host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
        for outlet in self.outlets:
            hosts = {d.lower().removeprefix("www.") for d in outlet.domains}
            if outlet.homepage:
                hosts.add((urlsplit(outlet.homepage).hostname or "").lower().removeprefix("www."))
            if host in hosts or any(host.endswith("." + h) for h in hosts if h):
                return outlet
        return None

    def source(self, source_id: str) -> Source | None:
        return _sources_by_id(self.sources).get(source_id)

    def interval_for(self, source: Source) -> timedelta:
        return source.interval or self.settings.default_interval


_index: tuple[list[Source], dict[str, Source]] | None = None


def _sources_by_id(sources: list[Source]) -> dict[str, Source]:
    """Sources by id, for the last list asked about (a pass asks about every source
    several times: a scan each time made a pass over 20,000 sources quadratic)."""
    global _index
    if _index is None or _index[0] is not sources:
        _index = (sources, {s.id: s for s in sources})
    return _index[1]


_MODELS_AT: dict[str, type[BaseModel]] = {
    "settings": Settings,
    "outlets": Outlet,
    "sources": Source,
    "programs": ProgramSpec,
    "cities": CitySpec,
    "email": EmailSettings,
    "digests": DigestSpec,
    "alerts": AlertSpec,
}


def _model_for(loc: Sequence[str | int]) -> type[BaseModel]:
    """The model whose keys are valid at ``loc`` (for "did you mean")."""
    model: type[BaseModel] = Config
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        if field is None:
            break
        candidate = _MODELS_AT.get(part) if model is Config else None
        annotation = field.annotation
        if candidate is not None:
            model = candidate
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
            model = annotation
    return model


def _where(loc: Sequence[str | int], data: Any) -> str:
    """``"source 'york-dispatch': "`` style prefix for an error at ``loc``."""
    if len(loc) >= 2 and isinstance(loc[1], int) and isinstance(data, dict):
        section = loc[0]
        entries = data.get(section)
        entry: Any = (
            entries[loc[1]] if isinstance(entries, list) and loc[1] < len(entries) else None
        )
        noun = {
            "sources": "source",
            "outlets": "outlet",
            "programs": "program",
            "cities": "city",
            "digests": "digest",
            "alerts": "alert",
        }.get(str(section), str(section))
        if isinstance(entry, dict):
            name = entry.get("id") if section == "sources" else entry.get("name")
            if name is not None:
                return f"{noun} {name!r}: "
        return f"{noun} #{loc[1] + 1}: "
    if loc and loc[0] in ("settings", "email"):
        return f"{loc[0]}: "
    return ""


def _describe(error: Any, data: Any) -> tuple[tuple[str | int, ...], str]:
    loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    key = next((p for p in reversed(loc) if isinstance(p, str)), None)
    if error["type"] == "extra_forbidden":
        valid = list(_model_for(loc).model_fields)
        hint = difflib.get_close_matches(str(key), valid, n=1, cutoff=0.5)
        suggestion = (
            f" (did you mean {hint[0]!r}?)" if hint else f" (valid keys: {', '.join(valid)})"
        )
        return loc, f"{_where(loc, data)}unknown key {key!r}{suggestion}"
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "missing":
        return loc, f"{_where(loc, data)}missing required key {key!r}"
    keyname = f"{key!r}: " if key and not (loc and isinstance(loc[-1], int)) else ""
    return loc, f"{_where(loc, data)}{keyname}{message}"


def _cross_checks(config: Config, lines: dict[Any, int], name: str) -> list[str]:
    problems: list[str] = []

    def at(path: tuple[str | int, ...]) -> str:
        line = line_for(lines, path)
        return f"{name}:{line}" if line else name

    seen: dict[str, int] = {}
    outlets = {o.name for o in config.outlets}
    for i, source in enumerate(config.sources):
        if source.id in seen:
            problems.append(
                f"{at(('sources', i, 'id'))}: source {source.id!r}: 'id': duplicate id "
                f"(first used by source #{seen[source.id] + 1})"
            )
        seen.setdefault(source.id, i)
        if source.outlet is not None and source.outlet not in outlets:
            hint = difflib.get_close_matches(source.outlet, sorted(outlets), n=1, cutoff=0.5)
            suffix = f" (did you mean {hint[0]!r}?)" if hint else " (add it under outlets:)"
            problems.append(
                f"{at(('sources', i, 'outlet'))}: source {source.id!r}: 'outlet': "
                f"unknown outlet {source.outlet!r}{suffix}"
            )
        if source.kind == "page" and not source.selector:
            problems.append(
                f"{at(('sources', i))}: source {source.id!r}: 'selector': a page source needs a "
                "CSS selector for its article links"
            )
        if source.selector:
            problems.extend(
                _check_selector(source.selector, at(("sources", i, "selector")), source.id)
            )
        problems.extend(
            f"{at(('sources', i, key))}: source {source.id!r}: {message}"
            for key, message in _search_problems(source)
        )
    names: set[str] = set()
    for i, outlet in enumerate(config.outlets):
        if outlet.name in names:
            problems.append(f"{at(('outlets', i, 'name'))}: outlet {outlet.name!r}: duplicate name")
        names.add(outlet.name)
    programs: set[str] = set()
    for i, program in enumerate(config.programs):
        if program.name in programs:
            problems.append(
                f"{at(('programs', i, 'name'))}: program {program.name!r}: duplicate name"
            )
        programs.add(program.name)
    problems.extend(_notify_checks(config, at))
    return problems


def _notify_checks(config: Config, at: Any) -> list[str]:
    """Digests need ``email:``; digest and alert names are unique."""
    problems: list[str] = []
    if config.digests and config.email is None:
        problems.append(f"{at(('digests',))}: digests need an `email:` section (the SMTP server)")
    for section in ("digests", "alerts"):
        names: set[str] = set()
        entries: list[Any] = list(getattr(config, section))
        for i, entry in enumerate(entries):
            if entry.name in names:
                problems.append(
                    f"{at((section, i, 'name'))}: {section[:-1]} {entry.name!r}: duplicate name"
                )
            names.add(entry.name)
    return problems


def _search_problems(source: Source) -> list[tuple[str, str]]:
    """``(key, message)`` for each problem with a source's url / provider / query / language."""
    if source.provider is None:
        extra = [k for k in ("query", "language") if getattr(source, k) is not None]
        if extra:
            return [(extra[0], f"{extra[0]!r}: only a search source with a 'provider' takes it")]
        if not source.url:
            return [("url", "missing required key 'url' (or, for kind search, 'provider')")]
        return []
    if source.kind != "search":
        return [("provider", "'provider': only a source of kind search takes it")]
    if source.provider not in search.PROVIDERS:
        hint = search.suggest_provider(source.provider)
        return [("provider", f"'provider': unknown provider {source.provider!r}{hint}")]
    if source.query is None and source.url:
        return []  # a URL read in the provider's format (a mirror, a saved query)
    if not source.query or not source.query.strip():
        return [("provider", "missing required key 'query' (the words to search for)")]
    if source.language is not None:
        problem = search.language_problem(source.provider, source.language)
        if problem:
            return [("language", f"'language': {problem}")]
    expected = search.search_url(source.provider, source.query, language=source.language)
    if source.url != expected:
        return [("url", "give either 'url' or 'query', not both")]
    return []


def _check_selector(selector: str, where: str, source_id: str) -> list[str]:
    import soupsieve

    try:
        soupsieve.compile(selector)
    except Exception as exc:  # soupsieve raises its own SelectorSyntaxError
        first_line = str(exc).splitlines()[0]
        return [f"{where}: source {source_id!r}: 'selector': invalid CSS selector ({first_line})"]
    return []


def parse_config(text: str, *, name: str = "sources.yaml") -> Config:
    """Validate the text of a sources.yaml; raise ConfigError listing every problem."""
    try:
        data, lines = load_with_lines(text)
    except DuplicateKey as exc:
        raise ConfigError([f"{name}:{exc.line}: duplicate key {exc.key!r}"]) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError([f"{name}{line}: not valid YAML: {problem}"]) from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(
            [f"{name}:1: the file must be a mapping with settings, outlets, sources ..."]
        )
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc, message = _describe(error, data)
            where = line_for(lines, loc)
            problems.append(f"{name}:{where}: {message}" if where else f"{name}: {message}")
        raise ConfigError(problems) from exc
    problems = _cross_checks(config, lines, name)
    if problems:
        raise ConfigError(problems)
    return config


def load_config(path: str | os.PathLike[str]) -> Config:
    """Read and validate a sources.yaml file."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigError([f"{file}: no such file (pass --sources FILE)"]) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([f"{file}: cannot read: {exc}"]) from exc
    return parse_config(text, name=str(file))


def database_url(config: Config | None, override: str | None = None) -> str:
    """The database: ``--db``, then ``CLIPPINGS_DATABASE_URL``, then settings, then default."""
    if override:
        return override
    env = os.environ.get("CLIPPINGS_DATABASE_URL")
    if env:
        return env
    if config is not None and config.settings.database_url:
        return config.settings.database_url
    return DEFAULT_DATABASE_URL
