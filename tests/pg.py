"""PostgreSQL for tests: a fresh schema per test on the server of ``CLIPPINGS_TEST_POSTGRES_URL``.

``.ci/postgres.sh`` starts a throwaway server and prints the variable. A test
gets its own schema (``search_path`` set in the URL), so tests never see each
other's rows and the schema is dropped afterwards with everything in it::

    with fresh_schema(server_url()) as url:   # postgresql+psycopg://...?options=-csearch_path%3Dt_1a2b
        store = open_store(url)
"""

from __future__ import annotations

import contextlib
import os
import uuid
import weakref
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

POSTGRES_URL_ENV = "CLIPPINGS_TEST_POSTGRES_URL"
SKIP_REASON = f'{POSTGRES_URL_ENV} not set (start a server with: eval "$(.ci/postgres.sh)")'


def server_url() -> str | None:
    return os.environ.get(POSTGRES_URL_ENV) or None


@contextlib.contextmanager
def fresh_schema(base_url: str) -> Iterator[str]:
    """A URL whose tables live in a new, empty schema; dropped (and its engines closed) after."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base_url, poolclass=NullPool)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{name}"'))
    url = (
        make_url(base_url)
        .update_query_dict({"options": f"-csearch_path={name}"})
        .render_as_string(hide_password=False)
    )
    # Engines the test opens keep pooled connections: close them before the schema
    # goes, so connections do not pile up over the suite and DROP waits for no one.
    engines: weakref.WeakSet[Engine] = weakref.WeakSet()

    def remember(connection: Any) -> None:
        engine = connection.engine
        if engine.url.query.get("options") == f"-csearch_path={name}":
            engines.add(engine)

    event.listen(Engine, "engine_connect", remember)
    try:
        yield url
    finally:
        event.remove(Engine, "engine_connect", remember)
        for engine in list(engines):
            engine.dispose()
        with contextlib.suppress(OperationalError), admin.begin() as connection:
            connection.execute(text("SET LOCAL lock_timeout = '10s'"))
            connection.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()
