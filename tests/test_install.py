"""The install a new user runs: declared dependencies, the lock, the README's commands."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import lock  # noqa: E402  (tools/lock.py)

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _declared() -> set[str]:
    names = set()
    for requirement in PYPROJECT["project"]["dependencies"]:
        names.add(re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0].lower().replace("_", "-"))
    return names


def _imported() -> set[str]:
    found = set()
    for package in ("scraper", "storage"):
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    found |= {alias.name.split(".")[0] for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    found.add(node.module.split(".")[0])
    return {
        m for m in found if m not in sys.stdlib_module_names and m not in ("scraper", "storage")
    }


def test_every_imported_package_is_declared_directly() -> None:
    """A package reached only through another's dependency (or its extra) can vanish."""
    owners = packages_distributions()
    missing = {
        module: owners.get(module, ["?"])
        for module in _imported()
        if not any(d.lower().replace("_", "-") in _declared() for d in owners.get(module, []))
    }
    assert not missing, f"imported but not declared in pyproject.toml: {missing}"
    assert "lxml-html-clean" in _declared()  # stock pip 23.2 skips lxml[html_clean]


def test_license_is_an_spdx_string_with_a_setuptools_that_reads_it() -> None:
    assert PYPROJECT["project"]["license"] == "MIT"
    (requirement,) = PYPROJECT["build-system"]["requires"]
    assert re.fullmatch(r"setuptools>=(\d+),<\d+", requirement)
    assert int(re.findall(r">=(\d+)", requirement)[0]) >= 77  # PEP 639 license strings


def test_lock_is_in_step_with_pyproject() -> None:
    assert lock.problems() == []


def test_lock_check_notices_a_new_dependency(tmp_path: Path) -> None:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    changed = text.replace(
        "dependencies = [\n", 'dependencies = [\n    "not-a-real-dependency>=1.7",\n', 1
    )
    assert changed != text
    (tmp_path / "pyproject.toml").write_text(changed, encoding="utf-8")
    found = lock.problems(tmp_path / "pyproject.toml", ROOT / "requirements.lock")
    assert "not-a-real-dependency is declared but not pinned" in found
    assert found[-1] == "run .venv/bin/python tools/lock.py and commit requirements.lock"
    missing = lock.problems(ROOT / "pyproject.toml", tmp_path / "nothing.lock")
    assert missing == ["nothing.lock is missing: run .venv/bin/python tools/lock.py"]


def test_lock_check_notices_a_pin_outside_the_range(tmp_path: Path) -> None:
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    stale = re.sub(r"^httpx==\S+", "httpx==0.20.0", text, flags=re.M)
    (tmp_path / "requirements.lock").write_text(stale, encoding="utf-8")
    found = lock.problems(ROOT / "pyproject.toml", tmp_path / "requirements.lock")
    assert any(line.startswith("httpx: pinned 0.20.0 is outside") for line in found)


def first_command() -> str:
    match = re.search(
        r"<!-- first-command:start -->\n```sh\n(.+?)\n```\n<!-- first-command:end -->", README
    )
    assert match, "README.md lost its first-command markers (.ci/first-run.sh reads them)"
    return match.group(1)


def test_both_readme_commands_install_the_pinned_versions_with_stock_pip() -> None:
    assert "pip install -q -c requirements.lock -e ." in first_command()
    assert "--upgrade pip" not in first_command()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "bash .ci/first-run.sh" in ci
    assert '-c requirements.lock -e ".[test,postgres]"' in ci
    assert "upgrade pip" not in ci
    assert "pip install -q --upgrade" not in ci
    assert "trap stop_postgres EXIT" in ci
    assert "tools/lock.py --check" in ci


def test_first_run_script_reads_the_command_from_the_readme_not_a_copy() -> None:
    script = (ROOT / ".ci" / "first-run.sh").read_text(encoding="utf-8")
    assert "<!-- first-command:start -->" in script
    assert first_command() not in script
    assert "pip install" not in script  # whatever the README says is what runs
