"""``Store``: every read and write the collector, the desk and the publisher make.

One object over one engine, put together from one module per aggregate:
``storage.sources`` (sources and their fetch log) and ``storage.items``
(stories, their keys and sightings). Story operations live in
``storage.stories``, the desk's in ``storage.review``, ``storage.users`` and
``storage.audit``, publishing in ``storage.publishing``.
"""

from __future__ import annotations

from storage.items import ItemTable
from storage.sources import SourceTable


class Store(SourceTable, ItemTable):
    """Reads and writes of clippings, over one engine (see the aggregates it is made of)."""
