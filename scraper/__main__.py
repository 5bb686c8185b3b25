"""``python -m scraper`` is the ``clippings`` command."""

from scraper.cli import main

# Guarded: parser worker processes (scraper.sources.sandbox) import the main module again.
if __name__ == "__main__":
    main(prog_name="clippings")
