"""The review desk and the public pages, as one Starlette app (``create_app``)."""

from scraper.web.app import create_app

__all__ = ["create_app"]
