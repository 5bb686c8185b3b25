"""Rewrite the sources.yaml reference tables in README.md from the config models.

Run after adding a setting: ``.venv/bin/python tools/config_docs.py``. The test
``test_every_setting_and_key_is_documented_in_the_readme`` fails until you do.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from scraper.config.schema import Outlet, Settings, Source, format_interval

README = Path(__file__).resolve().parents[1] / "README.md"


def tables() -> str:
    out: list[str] = []
    for model, title in ((Settings, "settings"), (Outlet, "outlets"), (Source, "sources")):
        out += [f"#### `{title}`", "", "| key | default | meaning |", "|---|---|---|"]
        for name, field in model.model_fields.items():
            default: object = field.default
            if field.is_required():
                default = "required"
            elif field.default_factory is not None:
                default = "[]"
            elif isinstance(default, timedelta):
                default = format_interval(default)
            elif default is None or default == "":
                default = "—"
            out.append(f"| `{name}` | `{default}` | {field.description} |")
        out.append("")
    return "\n".join(out).strip()


def main() -> None:
    text = README.read_text(encoding="utf-8")
    new = re.sub(
        r"(<!-- config-reference:start -->\n).*?(\n<!-- config-reference:end -->)",
        lambda m: m.group(1) + tables() + m.group(2),
        text,
        flags=re.S,
    )
    README.write_text(new, encoding="utf-8")


if __name__ == "__main__":
    main()
