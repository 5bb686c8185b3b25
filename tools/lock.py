"""Refresh or check ``requirements.lock``, the pinned versions every install uses.

    .venv/bin/python tools/lock.py            # after changing dependencies in pyproject.toml
    .venv/bin/python tools/lock.py --upgrade  # move every pin to the newest allowed version
    .venv/bin/python tools/lock.py --check    # is the lock in step with pyproject.toml? (CI)

The lock is ``uv pip compile`` output over the dependencies and every extra, resolved
for all platforms and Python >= 3.11 at once (``--universal``), so one file serves
3.11, 3.12 and 3.13. It is a pip constraints file: the README's commands install with
``pip install -c requirements.lock ...``. A refresh keeps the current pins wherever
pyproject.toml still allows them (uv reads the existing lock as its preferences), so
adding one dependency moves nothing else.

Its header records a digest of the dependency declarations of pyproject.toml; the
check, which needs no network, recomputes it and also checks that every declared
requirement is pinned to a version it accepts. uv is installed into the running
Python's environment on first use.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = ROOT / "pyproject.toml"
LOCK = ROOT / "requirements.lock"
DIGEST_LINE = "# pyproject.toml dependencies sha256: "
REFRESH = ".venv/bin/python tools/lock.py"


def declarations(pyproject: Path = PYPROJECT) -> dict[str, Any]:
    """What the lock depends on: requires-python, dependencies and every extra."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    return {
        "requires-python": project.get("requires-python"),
        "dependencies": sorted(project.get("dependencies", [])),
        "optional-dependencies": {
            name: sorted(reqs) for name, reqs in project.get("optional-dependencies", {}).items()
        },
    }


def digest(pyproject: Path = PYPROJECT) -> str:
    text = json.dumps(declarations(pyproject), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def pins(lock_text: str) -> dict[str, list[str]]:
    """Normalised name -> pinned versions (several when a pin differs by Python version)."""
    found: dict[str, list[str]] = {}
    for line in lock_text.splitlines():
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", line)
        if match:
            found.setdefault(_normal(match.group(1)), []).append(match.group(2))
    return found


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def problems(pyproject: Path = PYPROJECT, lock: Path = LOCK) -> list[str]:
    """Why the lock is not in step with pyproject.toml (empty when it is)."""
    if not lock.exists():
        return [f"{lock.name} is missing: run {REFRESH}"]
    text = lock.read_text(encoding="utf-8")
    found: list[str] = []
    headers = [ln for ln in text.splitlines() if ln.startswith(DIGEST_LINE)]
    recorded = headers[0][len(DIGEST_LINE) :] if headers else None
    if recorded != digest(pyproject):
        found.append(
            f"{lock.name} was made from other dependencies than pyproject.toml declares now"
        )
    pinned = pins(text)
    wanted = declarations(pyproject)
    every = list(wanted["dependencies"])
    for reqs in wanted["optional-dependencies"].values():
        every += reqs
    for requirement in every:
        found += _unpinned(requirement, pinned)
    if found:
        found.append(f"run {REFRESH} and commit {lock.name}")
    return found


def _unpinned(requirement: str, pinned: dict[str, list[str]]) -> list[str]:
    try:
        from packaging.requirements import Requirement
    except ImportError:  # packaging comes with pytest; without it only the digest is checked
        return []
    req = Requirement(requirement.split("#")[0].strip())
    if req.marker is not None and not req.marker.evaluate({"extra": ""}):
        return []
    versions = pinned.get(_normal(req.name))
    if not versions:
        return [f"{req.name} is declared but not pinned"]
    if not any(req.specifier.contains(v, prereleases=True) for v in versions):
        return [f"{req.name}: pinned {', '.join(versions)} is outside {req.specifier}"]
    return []


def _uv() -> str:
    here = Path(sys.executable).parent / "uv"
    if here.exists():
        return str(here)
    found = shutil.which("uv")
    if found:
        return found
    print("tools/lock.py: installing uv into this environment", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "uv"], check=True)
    return str(here)


def refresh(*, upgrade: bool = False) -> None:
    command = [
        _uv(),
        "pip",
        "compile",
        "pyproject.toml",
        "--all-extras",
        "--universal",
        "--python-version",
        "3.11",
        "--quiet",
        "--custom-compile-command",
        REFRESH,
        "--output-file",
        LOCK.name,
    ]
    if upgrade:
        command.append("--upgrade")
    subprocess.run(command, check=True, cwd=ROOT)
    lines = LOCK.read_text(encoding="utf-8").splitlines()
    lines = [ln for ln in lines if not ln.startswith(DIGEST_LINE)]
    header = next((i for i, ln in enumerate(lines) if not ln.startswith("#")), len(lines))
    lines.insert(header, DIGEST_LINE + digest())
    LOCK.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {LOCK.name}: {len(pins(LOCK.read_text(encoding='utf-8')))} packages pinned")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="check only; exit 1 if stale")
    parser.add_argument("--upgrade", action="store_true", help="move every pin to the newest")
    args = parser.parse_args(argv)
    if args.check:
        found = problems()
        for line in found:
            print(f"requirements.lock: {line}", file=sys.stderr)
        if not found:
            print("requirements.lock is in step with pyproject.toml")
        return 1 if found else 0
    refresh(upgrade=args.upgrade)
    return 0


if __name__ == "__main__":
    sys.exit(main())
