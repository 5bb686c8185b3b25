"""clippings: a media-monitoring scraper and aggregator.

The ``scraper`` package holds collection (fetch, parse, dedup, pipeline,
schedule), article understanding (extract, quotes, match, analyze), the review
desk (``scraper.web``) and publishing (``scraper.publish``). Persistence lives
in the sibling ``storage`` package.
"""

__version__ = "0.1.0"
