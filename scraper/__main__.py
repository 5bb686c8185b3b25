"""``python -m scraper`` is the ``clippings`` command."""

from scraper.cli import main

main(prog_name="clippings")
