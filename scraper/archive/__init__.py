"""The archive: snapshots of approved stories, link checks, Save Page Now, WARC export.

::

    approve ─► snapshot job (jobs.py) ─► bytes: kept collection fetch (recent.py)
                                               or a new one through scraper.fetch.client
                                        ─► WARC records (warc.py) appended to this
                                           month's file (files.py) ─► index row (storage)
    weekly  ─► link check (linkcheck.py): HEAD, then GET ─► gone? flag + switch outputs
    option  ─► Save Page Now (wayback.py), retried, never blocking
    CLI     ─► export / verify (export.py); desk and public views read warc.py

Nothing here blocks or fails an approval: the work is found from the
database (``storage.snapshots``) by a job that records failures and retries.
"""
