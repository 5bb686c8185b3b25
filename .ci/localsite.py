"""A tiny local news site for the first-run check (.ci/first-run.sh): a feed and two stories.

    python3 .ci/localsite.py      # prints http://127.0.0.1:PORT/ then serves until killed

Standard library only (it runs on the system python3 before anything is installed).
Written for this check; no third-party text.
"""

from __future__ import annotations

import sys
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

STORY = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta property="og:site_name" content="Harbor City Ledger">
<meta property="article:published_time" content="2026-11-30T09:00:00Z"></head>
<body><article><h1>{title}</h1><p class="byline">By Ada Quill</p>
<p>York, Pa. &mdash; Community leaders met on Monday to review the Group Violence
Intervention program, which the city started two years ago with outreach workers and
local clergy.</p>
<p>"We sit down with the young men most at risk and tell them the shooting has to stop,"
said Lena Ortiz, who leads the outreach team. "Then we offer real help."</p>
<p>{body}</p></article></body></html>
"""

FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Harbor City Ledger</title><link>{base}</link>
<description>Local news</description>
<item><title>York reviews its Group Violence Intervention program</title>
<link>{base}story-1.html</link><guid>{base}story-1.html</guid>
<pubDate>Mon, 30 Nov 2026 09:00:00 GMT</pubDate></item>
<item><title>Outreach workers join clergy for a night walk in York</title>
<link>{base}story-2.html</link><guid>{base}story-2.html</guid>
<pubDate>Tue, 01 Dec 2026 20:00:00 GMT</pubDate></item>
</channel></rss>
"""


class Site(SimpleHTTPRequestHandler):
    base = ""

    def do_GET(self) -> None:
        pages = {
            "/feed.xml": ("application/rss+xml", FEED.format(base=self.base)),
            "/story-1.html": (
                "text/html; charset=utf-8",
                STORY.format(
                    title="York reviews its Group Violence Intervention program",
                    body="Shootings fell in the first year, the police chief said.",
                ),
            ),
            "/story-2.html": (
                "text/html; charset=utf-8",
                STORY.format(
                    title="Outreach workers join clergy for a night walk in York",
                    body="About forty people walked through the east end on Tuesday.",
                ),
            ),
        }
        if self.path not in pages:
            self.send_error(404)
            return
        kind, text = pages[self.path]
        body = text.encode()
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass


def main() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    Site.base = f"http://127.0.0.1:{server.server_address[1]}/"
    print(Site.base, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
