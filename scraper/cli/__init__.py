"""The ``clippings`` command.

Each group of subcommands lives in its own module and registers itself on
``main`` at import; ``COMMAND_MODULES`` lists them in the order of ``--help``.
"""

from __future__ import annotations

import importlib

from scraper.cli._common import main

COMMAND_MODULES = (
    "scraper.cli.collect",
    "scraper.cli.sources",
    "scraper.cli.search_url",
    "scraper.cli.items",
    "scraper.cli.stories",
    "scraper.cli.inspect",
    "scraper.cli.publish",
    "scraper.cli.add",
    "scraper.cli.review",
    "scraper.cli.archive",
    "scraper.cli.users",
    "scraper.cli.serve",
    "scraper.cli.doctor",
    "scraper.cli.digest",
    "scraper.cli.alerts",
    "scraper.cli.report",
)

for _module in COMMAND_MODULES:
    importlib.import_module(_module)

__all__ = ["main"]
