"""`clippings doctor`: every check, its one-line fix, --json and the exit code."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from scraper.cli import doctor as doctor_module
from scraper.config.schema import parse_config
from tests.test_pipeline import clippings

SOURCES = """settings:
  allow_private_networks: true
sources:
  - id: local
    kind: feed
    url: http://127.0.0.1:9/feed.xml
"""


def run(tmp_path: Path, *args: str) -> tuple[int, list[dict[str, str]]]:
    env = {"CLIPPINGS_HOME": str(tmp_path / "home"), "CLIPPINGS_SECRET_KEY": ""}
    result = clippings(
        "doctor",
        "--json",
        "--sources",
        str(tmp_path / "sources.yaml"),
        "--db",
        f"sqlite:///{tmp_path / 'c.db'}",
        *args,
        env=env,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, [json.loads(line) for line in result.stdout.splitlines()]


def by_name(checks: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    return {c["name"]: c for c in checks}


def test_a_fresh_setup_warns_and_a_migrated_one_asks_for_an_account(tmp_path: Path) -> None:
    (tmp_path / "sources.yaml").write_text(SOURCES)
    code, checks = run(tmp_path)
    found = by_name(checks)
    assert code == 0, checks
    assert found["install"]["status"] == "ok"
    assert found["sources.yaml"]["status"] == "ok"
    assert found["database"]["status"] == "warn"
    assert "does not exist yet" in found["database"]["detail"]
    assert not (tmp_path / "c.db").exists()  # the doctor creates nothing
    assert found["secret key"]["status"] == "warn"
    assert found["DNS"] == {
        "name": "DNS",
        "status": "ok",
        "detail": "no source host to look up",
        "fix": "",
    }
    assert "accounts" not in found

    listed = clippings(
        "sources",
        "list",
        "--sources",
        str(tmp_path / "sources.yaml"),
        "--db",
        f"sqlite:///{tmp_path / 'c.db'}",
    )
    assert listed.returncode == 0, listed.stderr
    code, checks = run(tmp_path)
    found = by_name(checks)
    assert code == 1
    assert found["database"]["status"] == "ok"
    assert found["accounts"]["status"] == "fail"
    assert found["accounts"]["fix"].endswith(
        f"users add admin --admin --db sqlite:///{tmp_path / 'c.db'}"
    )


def test_an_invalid_sources_file_and_an_open_key_file_fail_with_a_fix(tmp_path: Path) -> None:
    (tmp_path / "sources.yaml").write_text(SOURCES + "    intervall: 2h\n")
    key = tmp_path / "home" / "secret.key"
    key.parent.mkdir()
    key.write_text("k" * 64)
    os.chmod(key, 0o644)
    code, checks = run(tmp_path)
    found = by_name(checks)
    assert code == 1
    assert found["sources.yaml"]["status"] == "fail"
    assert (
        ":7: source 'local': unknown key 'intervall' (did you mean 'interval'?)"
        in found["sources.yaml"]["detail"]
    )
    assert found["secret key"] == {
        "name": "secret key",
        "status": "fail",
        "detail": f"{key} has mode 0644",
        "fix": f"chmod 600 {key}",
    }


def test_plain_output_has_one_fix_line_per_problem(tmp_path: Path) -> None:
    result = clippings(
        "doctor",
        "--sources",
        str(tmp_path / "missing.yaml"),
        "--db",
        f"sqlite:///{tmp_path / 'c.db'}",
        env={"CLIPPINGS_HOME": str(tmp_path / "home")},
    )
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    failing = lines.index(next(line for line in lines if line.startswith("FAIL  sources.yaml:")))
    assert "no such file" in lines[failing]
    assert (
        lines[failing + 1]
        == "      fix: copy the shipped sources.yaml here, or pass --sources FILE"
    )


def test_dns_check_says_when_no_source_host_can_be_found(monkeypatch: pytest.MonkeyPatch) -> None:
    from scraper.cli import netcheck

    config = parse_config(
        "sources:\n  - id: a\n    kind: feed\n    url: https://www.wbez.org/rss\n"
        "  - id: b\n    kind: feed\n    url: https://www.cbsnews.com/rss\n"
    )
    monkeypatch.setattr(
        netcheck,
        "lookup_hosts",
        lambda hosts, **_: dict.fromkeys(hosts, "Name or service not known"),
    )
    check = doctor_module.check_dns(config)
    assert check.status == "fail"
    assert check.detail == (
        "cannot find the address of www.wbez.org or any other source host (Name or service not known)"
    )
    assert check.fix.startswith("check the network connection")
    monkeypatch.setattr(
        netcheck,
        "lookup_hosts",
        lambda hosts, **_: {h: None if "wbez" in h else "no" for h in hosts},
    )
    assert doctor_module.check_dns(config).status == "warn"


def test_a_short_secret_key_in_the_environment_fails() -> None:
    check = doctor_module.check_secret_key({"CLIPPINGS_SECRET_KEY": "short"})
    assert check.status == "fail"
    assert "shorter than 32 characters" in check.detail
