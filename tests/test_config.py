"""sources.yaml validation: every problem named by file, line, source id and key, with a hint."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from scraper.config.schema import Config, Settings, load_config, parse_config, parse_interval
from scraper.models.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]

GOOD = """\
settings:
  default_interval: 45m
outlets:
  - name: Riverton Ledger
    homepage: https://ledger.example.org/
    city: Riverton, IL
sources:
  - id: ledger
    kind: feed
    url: https://ledger.example.org/feed.xml
    outlet: Riverton Ledger
  - id: ledger-crime
    kind: page
    url: https://ledger.example.org/crime/
    selector: "article h2 a"
    interval: 2h
    enabled: false
"""


def test_a_valid_file_loads_with_defaults() -> None:
    config = parse_config(GOOD)
    assert [s.id for s in config.sources] == ["ledger", "ledger-crime"]
    assert config.interval_for(config.sources[0]) == timedelta(minutes=45)
    assert config.interval_for(config.sources[1]) == timedelta(hours=2)
    assert config.settings.allow_private_networks is False
    assert config.outlet("Riverton Ledger") is not None
    assert config.outlet("Riverton Ledger").city == "Riverton, IL"  # type: ignore[union-attr]
    names = {p.name for p in config.programs}
    assert "Group Violence Intervention" in names


def test_the_shipped_sources_yaml_is_valid() -> None:
    config = load_config(ROOT / "sources.yaml")
    assert {o.name for o in config.outlets} >= {
        "CBS Pittsburgh",
        "York Dispatch",
        "WBEZ",
        "The Trace",
        "The New York Review of Books",
    }
    kinds = {s.kind for s in config.sources}
    assert kinds == {"feed", "page", "search"}
    assert {p.name for p in config.programs} == {
        "Group Violence Intervention",
        "Drug Market Intervention",
        "Intimate Partner Violence Intervention",
        "Project Safe Neighborhoods",
        "National Initiative for Building Community Trust and Justice",
        "Reconciliation",
        "Support and Outreach",
    }


BAD_CASES = [
    pytest.param(
        GOOD.replace(
            "    outlet: Riverton Ledger\n  - id: ledger-crime",
            "    outlet: Riverton Ledger\n    intervall: 5m\n  - id: ledger-crime",
        ),
        r"sources\.yaml:12: source 'ledger': unknown key 'intervall' \(did you mean 'interval'\?\)",
        id="mistyped source key suggests the nearest",
    ),
    pytest.param(
        GOOD.replace("  default_interval: 45m", "  user_agnet: x"),
        r"sources\.yaml:2: settings: unknown key 'user_agnet' \(did you mean 'user_agent'\?\)",
        id="mistyped settings key",
    ),
    pytest.param(
        GOOD.replace("    enabled: false", "    enabled: maybe"),
        r"sources\.yaml:17: source 'ledger-crime': 'enabled': .*bool",
        id="wrong type",
    ),
    pytest.param(
        GOOD.replace("id: ledger-crime", "id: ledger"),
        r"sources\.yaml:12: source 'ledger': 'id': duplicate id",
        id="duplicate id",
    ),
    pytest.param(
        GOOD.replace("    outlet: Riverton Ledger\n  - id", "    outlet: Riverton Legder\n  - id"),
        r"sources\.yaml:11: source 'ledger': 'outlet': unknown outlet 'Riverton Legder' \(did you mean 'Riverton Ledger'\?\)",
        id="unknown outlet",
    ),
    pytest.param(
        GOOD.replace(
            "url: https://ledger.example.org/feed.xml", "url: ftp://ledger.example.org/feed.xml"
        ),
        r"sources\.yaml:10: source 'ledger': 'url': 'ftp://ledger.example.org/feed.xml' is not an http\(s\) URL",
        id="bad URL scheme",
    ),
    pytest.param(
        GOOD.replace("interval: 2h", "interval: soon"),
        r"sources\.yaml:16: source 'ledger-crime': 'interval': 'soon' is not an interval",
        id="bad interval",
    ),
    pytest.param(
        GOOD.replace('    selector: "article h2 a"\n', ""),
        r"source 'ledger-crime': 'selector': a page source needs a CSS selector",
        id="page without selector",
    ),
    pytest.param(
        GOOD.replace('selector: "article h2 a"', 'selector: "article >> a["'),
        r"source 'ledger-crime': 'selector': invalid CSS selector",
        id="invalid selector",
    ),
    pytest.param(
        GOOD.replace("city: Riverton, IL", "city: Riverton Illinois"),
        r"sources\.yaml:6: outlet 'Riverton Ledger': 'city': .*\"City, ST\"",
        id="city not as City, ST",
    ),
    pytest.param(
        GOOD.replace("    kind: feed\n", "    kind: atom\n", 1),
        r"sources\.yaml:9: source 'ledger': 'kind': Input should be 'feed', 'page' or 'search'",
        id="unknown kind",
    ),
    pytest.param(
        GOOD + "sourcse: []\n",
        r"sources\.yaml:18: unknown key 'sourcse' \(did you mean 'sources'\?\)",
        id="mistyped top-level key",
    ),
    pytest.param(
        GOOD.replace("    kind: feed\n", "    kind: feed\n    kind: page\n", 1),
        r"sources\.yaml:10: duplicate key 'kind'",
        id="duplicate YAML key",
    ),
    pytest.param(
        "sources:\n  - id: x\n    kind: feed\n  url: [",
        r"sources\.yaml:\d+: not valid YAML",
        id="broken YAML",
    ),
    pytest.param(
        "sources:\n  - kind: feed\n    url: https://a.example/\n",
        r"sources\.yaml:2: source #1: missing required key 'id'",
        id="missing id",
    ),
]


@pytest.mark.parametrize(("text", "pattern"), BAD_CASES)
def test_bad_files_are_rejected_with_a_precise_message(text: str, pattern: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(text)
    message = "\n".join(caught.value.problems)
    assert re.search(pattern, message), message


def test_all_problems_are_reported_at_once() -> None:
    text = GOOD.replace("id: ledger-crime", "id: ledger").replace("interval: 2h", "interval: soon")
    with pytest.raises(ConfigError) as caught:
        parse_config(text)
    assert any("'interval'" in p for p in caught.value.problems)


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file"):
        load_config(tmp_path / "nope.yaml")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("30m", timedelta(minutes=30), id="minutes"),
        pytest.param("2h", timedelta(hours=2), id="hours"),
        pytest.param("1d", timedelta(days=1), id="days"),
        pytest.param("90s", timedelta(seconds=90), id="seconds"),
        pytest.param(600, timedelta(minutes=10), id="bare number is seconds"),
        pytest.param("1.5h", timedelta(minutes=90), id="fraction"),
    ],
)
def test_intervals(value: object, expected: timedelta) -> None:
    assert parse_interval(value) == expected


@pytest.mark.parametrize("value", ["0m", "-5m", "soon", True, "5 weeks"])
def test_bad_intervals(value: object) -> None:
    with pytest.raises(ValueError, match="interval"):
        parse_interval(value)


def test_every_setting_and_key_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    from scraper.config.schema import Outlet, Source

    for model in (Settings, Outlet, Source, Config):
        for key in model.model_fields:
            assert f"`{key}`" in readme, f"{model.__name__}.{key} is not documented in README.md"
