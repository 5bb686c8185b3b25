"""Load YAML while remembering the line of every key and list item.

``load_with_lines(text)`` returns ``(data, lines)`` where ``lines`` maps a path
such as ``("sources", 2, "interval")`` to the 1-based line where that value
stands. Config validation uses it so every message can name its line.

Duplicate keys in one mapping are an error here (PyYAML silently keeps the
last one, which would hide a typo'd second ``url:``).
"""

from __future__ import annotations

from typing import Any

import yaml

from scraper.models.errors import DuplicateKey

Path = tuple[str | int, ...]


def _walk(node: yaml.Node, path: Path, lines: dict[Path, int]) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = yaml.safe_load(yaml.serialize(key_node))
            if key in out:
                raise DuplicateKey(str(key), key_node.start_mark.line + 1)
            out[key] = _walk(value_node, (*path, str(key)), lines)
            # a key's own line wins over its value's (a block value starts below it)
            lines[(*path, str(key))] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_walk(item, (*path, i), lines) for i, item in enumerate(node.value)]
    return yaml.safe_load(yaml.serialize(node))


def load_with_lines(text: str) -> tuple[Any, dict[Path, int]]:
    """Parse ``text`` (one YAML document) and return ``(data, lines)``."""
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    lines: dict[Path, int] = {}
    if node is None:
        return None, lines
    return _walk(node, (), lines), lines


def line_for(lines: dict[Path, int], path: Path) -> int | None:
    """The line of ``path`` or of its nearest ancestor that has one."""
    for cut in range(len(path), -1, -1):
        found = lines.get(path[:cut])
        if found is not None:
            return found
    return None
