"""``clippings doctor``: check the install and the setup, and say what to fix.

Each check gives ``ok``, ``warn`` (works, but look) or ``fail`` (something will not work),
one line of detail, and for anything not ok a one-line fix. Nothing is created or changed:
a database that does not exist yet is not made, a missing key file is not written.
"""

from __future__ import annotations

import importlib
import os
import shutil
import stat
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

import click

from scraper.cli._common import Context, common_options, json_line, main, pass_context
from scraper.config.schema import Config, load_config
from scraper.models.errors import ConfigError

Status = Literal["ok", "warn", "fail"]
INSTALL = ".venv/bin/pip install -c requirements.lock -e ."


@dataclass(frozen=True)
class Check:
    name: str
    status: Status
    detail: str
    fix: str = ""


def check_install() -> Check:
    """Everything the code imports is there (lxml_html_clean is the one stock pip missed)."""
    missing = []
    for module in ("lxml_html_clean", "lxml.html.clean", "trafilatura", "httpx", "sqlalchemy"):
        try:
            importlib.import_module(module)
        except ImportError as exc:
            missing.append(f"{module} ({exc})")
    if missing:
        return Check("install", "fail", "cannot import " + "; ".join(missing), INSTALL)
    version = ".".join(map(str, sys.version_info[:3]))
    return Check("install", "ok", f"Python {version}, every package imports")


def check_sources(path: str) -> tuple[Check, Config | None]:
    try:
        config = load_config(path)
    except ConfigError as exc:
        first = exc.problems[0]
        more = f" (and {len(exc.problems) - 1} more)" if len(exc.problems) > 1 else ""
        if "no such file" in first:
            fix = "copy the shipped sources.yaml here, or pass --sources FILE"
        else:
            fix = "fix the line named; `clippings sources list` lists every problem"
        return Check("sources.yaml", "fail", f"{first}{more}", fix), None
    enabled = sum(1 for s in config.sources if s.enabled)
    if not enabled:
        return (
            Check("sources.yaml", "warn", f"{path}: valid, but no enabled source", "add sources"),
            config,
        )
    return Check("sources.yaml", "ok", f"{path}: valid, {enabled} enabled source(s)"), config


def check_database(url: str) -> tuple[Check, bool]:
    """Reachable and at the newest schema; True when the account check can run."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    from storage.db import is_current

    parsed = make_url(url)
    shown = parsed.render_as_string(hide_password=True)
    file = parsed.database if parsed.get_backend_name() == "sqlite" else None
    if file not in (None, "", ":memory:") and not Path(str(file)).expanduser().exists():
        return (
            Check(
                "database",
                "warn",
                f"{shown} does not exist yet",
                "it is created by the first `clippings collect` or `clippings run`",
            ),
            False,
        )
    try:
        engine = create_engine(url)  # not make_engine: that would fix file modes
        try:
            current = is_current(engine)
        finally:
            engine.dispose()
    except Exception as exc:
        reason = str(exc).splitlines()[0][:200]
        return (
            Check(
                "database", "fail", f"cannot reach {shown}: {reason}", "check --db / database_url"
            ),
            False,
        )
    if not current:
        return (
            Check(
                "database",
                "fail",
                f"{shown} is not migrated to this version",
                "run `clippings sources list` once: migrations apply on start",
            ),
            False,
        )
    return Check("database", "ok", f"{shown}, schema up to date"), True


def check_secret_key(env: dict[str, str] | None = None) -> Check:
    from scraper.web.secret_key import ENV_KEY, KEY_FILE, MIN_KEY_CHARS, clippings_home

    env = dict(os.environ) if env is None else env
    value = env.get(ENV_KEY, "").strip()
    if value:
        if len(value) < MIN_KEY_CHARS:
            return Check(
                "secret key",
                "fail",
                f"{ENV_KEY} is shorter than {MIN_KEY_CHARS} characters",
                'set it to: python3 -c "import secrets; print(secrets.token_urlsafe(48))"',
            )
        return Check("secret key", "ok", f"from {ENV_KEY}")
    path = clippings_home(env) / KEY_FILE
    if not path.exists():
        return Check(
            "secret key",
            "warn",
            f"{path} does not exist yet",
            "it is created (mode 0600) by the first `clippings serve` or `run --serve`",
        )
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        return Check("secret key", "fail", f"{path} has mode {mode:04o}", f"chmod 600 {path}")
    if len(path.read_text(encoding="utf-8").strip()) < MIN_KEY_CHARS:
        return Check("secret key", "fail", f"{path} is too short", f"rm {path} (a new one is made)")
    return Check("secret key", "ok", f"{path}, mode 0600")


def check_dns(config: Config | None) -> Check:
    from scraper.cli.netcheck import lookup_hosts, source_hosts

    urls = [s.url for s in config.sources if s.enabled] if config else []
    hosts = source_hosts(urls)
    if not hosts:
        return Check("DNS", "ok", "no source host to look up")
    found = lookup_hosts(hosts)
    bad = {h: why for h, why in found.items() if why is not None}
    if len(bad) == len(hosts):
        host, why = next(iter(bad.items()))
        return Check(
            "DNS",
            "fail",
            f"cannot find the address of {host} or any other source host ({why})",
            "check the network connection and /etc/resolv.conf (try: getent hosts " + host + ")",
        )
    if bad:
        names = ", ".join(sorted(bad))
        return Check(
            "DNS",
            "warn",
            f"{len(hosts) - len(bad)} of {len(hosts)} source hosts found; not: {names}",
            "check those sources' URLs (`clippings sources check`)",
        )
    return Check("DNS", "ok", f"{len(hosts)} source host(s) found")


def check_accounts(url: str, *, program: str) -> Check:
    from sqlalchemy import create_engine

    from scraper.cli.welcome import account_command
    from scraper.pipeline.wiring import store_for
    from storage.review import ReviewStore

    engine = create_engine(url)
    try:
        users = ReviewStore(store_for(engine)).users()
    finally:
        engine.dispose()
    if not users:
        command = account_command(program=program, database_url=url)
        return Check("accounts", "fail", "no desk account: nobody can log in", command)
    admins = sum(1 for u in users if u.is_admin)
    return Check("accounts", "ok", f"{len(users)} account(s), {admins} admin(s)")


def check_chromium() -> Check:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return Check("chromium", "ok", f"{found} (the browser tests use it)")
    return Check(
        "chromium",
        "warn",
        "not found; only the browser tests need it",
        "apt-get install chromium (for the tests only)",
    )


@main.command()
@common_options
@click.option("--json", "as_json", is_flag=True, help="One JSON object per check.")
@pass_context
def doctor(ctx: Context, as_json: bool) -> None:
    """Check the install and the setup, and print what to fix, one line each.

    Checks: the packages import, sources.yaml is valid, the database is reachable
    and migrated, the secret key exists with safe permissions, DNS finds the
    sources' hosts, a desk account exists, and Chromium (tests only). Exit 1 if
    any check fails; nothing is created or changed.
    """
    checks = [check_install()]
    sources, config = check_sources(ctx.sources_path)
    checks.append(sources)
    from scraper.config.schema import database_url

    url = ctx.db_url or database_url(config)
    database, usable = check_database(url)
    checks += [database, check_secret_key(), check_dns(config)]
    if usable:
        checks.append(check_accounts(url, program=sys.argv[0]))
    checks.append(check_chromium())
    if as_json:
        for check in checks:
            json_line(asdict(check))
    else:
        mark = {"ok": "ok  ", "warn": "warn", "fail": "FAIL"}
        for check in checks:
            click.echo(f"{mark[check.status]}  {check.name}: {check.detail}")
            if check.fix:
                click.echo(f"      fix: {check.fix}")
    if any(c.status == "fail" for c in checks):
        sys.exit(1)
