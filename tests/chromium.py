"""Debian's Chromium for the browser tests and screenshot tools (driven by Playwright).

The flags keep Chromium off the network it would otherwise try to reach at
start (this machine has none) and let it run as root in a container.
"""

from __future__ import annotations

from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def available() -> bool:
    return Path(CHROMIUM).exists()
