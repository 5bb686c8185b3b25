"""Photograph the News & Updates page with the demo stories (headless Chromium).

    .venv/bin/python tools/news_screenshots.py [OUT_DIR]    # default docs/screenshots

Builds a temporary SQLite database with ``tests/publishing_demo.py``'s 30
invented stories, serves the public routes on 127.0.0.1 and writes one PNG
per view: the first page, a program page, a city page, page 2, the embed
fragment inside a stand-in host page, a 390 px phone view and an empty city.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scraper.pipeline.wiring import open_store
from tests.chromium import ARGS, CHROMIUM
from tests.publishing_demo import add_demo_stories, serve_demo

# A host page with its own typeface and colours, to see what the fragment inherits.
HOST = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<link rel="stylesheet" href="data:text/css,{css}"></head><body>
<header>Riverton Peace Network &nbsp; About &nbsp; Programs &nbsp; News</header>
<main><h1>In the news</h1>{fragment}</main><footer>Riverton Peace Network</footer></body></html>"""
HOST_CSS = (
    "body{margin:0;font:17px/1.6 Georgia,serif;color:#222;background:#faf7f0}"
    "header,footer{background:#123;color:#fff;padding:1rem 2rem}"
    "main{max-width:44rem;margin:0 auto;padding:1rem 2rem} a{color:#8a1538}"
)

SHOTS = (  # (file, path, viewport width, height, scrolled to the end)
    ("news-page.png", "news/", 1000, 760, False),
    ("news-program.png", "news/programs/drug-market-intervention/", 1000, 560, False),
    ("news-city.png", "news/cities/york-pa/", 1000, 560, False),
    ("news-page-2.png", "news/page/2/", 1000, 420, True),
    ("news-phone.png", "news/", 390, 760, False),
    ("news-empty.png", "news/cities/washington-dc/", 1000, 320, False),
)
EMBED = ("news-embed.png", 1000, 620)


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(f"sqlite:///{tmp}/demo.db")
        add_demo_stories(store, now=datetime(2024, 3, 30, 12, 0, tzinfo=UTC))
        with serve_demo(store) as base, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            for name, path, width, height, to_end in SHOTS:
                page = browser.new_page(viewport={"width": width, "height": height})
                page.goto(base + path)
                if to_end:
                    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
                page.screenshot(path=str(out / name))
                page.close()
            name, width, height = EMBED
            page = browser.new_page(viewport={"width": width, "height": height})
            fragment = page.request.get(base + "news/?embed=1").text()
            page.set_content(HOST.format(css=quote(HOST_CSS), fragment=fragment))
            page.screenshot(path=str(out / name))
            browser.close()
    for name in [*(s[0] for s in SHOTS), EMBED[0]]:
        print(out / name, (out / name).stat().st_size, "bytes")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/screenshots"))
