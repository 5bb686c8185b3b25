"""The layout's rules, read from the code with ``ast``: import direction and module size.

``docs/architecture.md`` draws the same rules. A new package of ``scraper``
must be given its place in ``ALLOWED`` (what it may import), so that the
direction of every dependency is a decision, not an accident.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

STAGES = (
    "scraper.explain",
    "scraper.text",
    "scraper.config",
    "scraper.identity",
    "scraper.understand",
    "scraper.sources",
)
SHARED = ("scraper.models", "scraper")  # ``scraper`` itself: only its __version__
# What each layer may import from the project (prefixes of module names). A layer
# always may import itself.
ALLOWED: dict[str, tuple[str, ...]] = {
    "scraper.models": (),
    "scraper.explain": SHARED,  # failures and times in words a person can act on
    "scraper.text": SHARED,
    "scraper.config": (*SHARED, "scraper.text", "scraper.explain"),
    "scraper.identity": (*SHARED, "scraper.text", "scraper.config"),
    "scraper.understand": (*SHARED, "scraper.text", "scraper.config", "scraper.identity"),
    "scraper.sources": (*SHARED, "scraper.text", "scraper.config", "scraper.identity"),
    "scraper.fetch": (*SHARED, "scraper.config", "scraper.identity"),
    "storage": ("scraper.models",),
    # The pipeline joins the stages, the network and storage; of the scheduler it
    # uses only the pure due-ness policy (the loop, in turn, runs the pipeline).
    "scraper.pipeline": (
        *SHARED,
        *STAGES,
        "scraper.fetch",
        "storage",
        "scraper.schedule.policy",
    ),
    "scraper.schedule": (*SHARED, *STAGES, "scraper.fetch", "storage", "scraper.pipeline"),
    "scraper.publish": (*SHARED, *STAGES, "storage"),
    "scraper.report": (*SHARED, *STAGES, "storage", "scraper.publish"),
    # Snapshots of approved stories: fetched like articles, kept in storage.
    "scraper.archive": (*SHARED, *STAGES, "scraper.fetch", "storage", "scraper.pipeline"),
    # Digests and alerts: the news page's rendering, the queue's saved filters.
    "scraper.notify": (
        *SHARED,
        *STAGES,
        "scraper.fetch",
        "storage",
        "scraper.publish",
        "scraper.web.forms",
    ),
    "scraper.web": (
        *SHARED,
        *STAGES,
        "scraper.fetch",
        "storage",
        "scraper.pipeline",
        "scraper.schedule",
        "scraper.publish",
        "scraper.report",
        "scraper.archive",
        "scraper.notify",
    ),
    "scraper.cli": ("scraper", "storage"),  # the top: anything
    "scraper.__main__": ("scraper.cli",),
}
# Stages are pure: no network, no database.
FORBIDDEN_IN_STAGES = ("httpx", "httpcore", "socket", "sqlalchemy", "urllib.request", "storage")
MAX_LINES = 400
# Modules still over MAX_LINES, each with the reason it waits. Keep this empty.
OVERSIZE: dict[str, str] = {
    "scraper/config/schema.py": "being split (issue 11)",
    "scraper/fetch/client.py": "being split (issue 11)",
}


def _modules() -> Iterator[tuple[str, Path]]:
    for package in ("scraper", "storage"):
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = path.relative_to(ROOT)
            if "migrations" in rel.parts:
                continue
            name = ".".join(rel.with_suffix("").parts).removesuffix(".__init__")
            yield name, path


def _imports(path: Path) -> Iterator[tuple[int, str]]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module


def _layer(module: str) -> str | None:
    """The longest key of ``ALLOWED`` that ``module`` belongs to."""
    best = None
    for layer in ALLOWED:
        if (module == layer or module.startswith(layer + ".")) and (
            best is None or len(layer) > len(best)
        ):
            best = layer
    return best


def _within(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def _project(module: str) -> bool:
    return _within(module, ("scraper", "storage"))


def test_every_package_has_a_place() -> None:
    unplaced = sorted(
        {name for name, _ in _modules() if _layer(name) in (None, "scraper")} - {"scraper"}
    )
    assert not unplaced, f"give these a place in ALLOWED (tests/test_architecture.py): {unplaced}"


def test_imports_point_one_way() -> None:
    wrong: list[str] = []
    for name, path in _modules():
        layer = _layer(name)
        if layer is None or layer == "scraper":
            continue
        allowed = (layer, *ALLOWED[layer])
        for line, target in _imports(path):
            if not _project(target):
                continue
            if layer == "scraper.cli" or _within(target, allowed):
                if target == "scraper" and layer not in ("scraper.cli", "scraper.__main__"):
                    continue  # the package root holds only __version__
                continue
            wrong.append(f"{path.relative_to(ROOT)}:{line} ({layer}) imports {target}")
    assert not wrong, "imports against the layering:\n" + "\n".join(wrong)


def test_storage_imports_only_the_shared_records() -> None:
    wrong = [
        f"{path.relative_to(ROOT)}:{line} imports {target}"
        for name, path in _modules()
        if name.startswith("storage")
        for line, target in _imports(path)
        if _within(target, ("scraper",)) and not _within(target, ("scraper.models",))
    ]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("stage", STAGES)
def test_stages_touch_neither_network_nor_database(stage: str) -> None:
    wrong = [
        f"{path.relative_to(ROOT)}:{line} imports {target}"
        for name, path in _modules()
        if _within(name, (stage,))
        for line, target in _imports(path)
        if _within(target, FORBIDDEN_IN_STAGES)
    ]
    assert not wrong, "\n".join(wrong)


def test_modules_stay_small() -> None:
    big = {
        str(path.relative_to(ROOT)): n
        for _, path in _modules()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    unexplained = {k: v for k, v in big.items() if k not in OVERSIZE}
    assert not unexplained, f"modules over {MAX_LINES} lines (split them by concern): {unexplained}"
    stale = sorted(set(OVERSIZE) - set(big))
    assert not stale, f"remove from OVERSIZE, they are small now: {stale}"


def test_the_rules_catch_a_wrong_import(tmp_path: Path) -> None:
    """The checker itself: a stage importing storage is reported."""
    bad = tmp_path / "bad.py"
    bad.write_text("from storage.store import Store\nimport httpx\n", encoding="utf-8")
    targets = [t for _, t in _imports(bad)]
    assert [t for t in targets if _within(t, FORBIDDEN_IN_STAGES)] == ["storage.store", "httpx"]
    assert not _within("storage.store", ("scraper.understand", *ALLOWED["scraper.understand"]))
    assert _layer("scraper.understand.tags.cities") == "scraper.understand"
    assert _layer("scraper.schedule.policy") == "scraper.schedule"
