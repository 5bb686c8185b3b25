"""Persistence for clippings: the only package that talks to the database.

``storage.db`` opens a database (SQLite by default, PostgreSQL for larger
installs) and brings its schema up to date with Alembic; ``storage.tables``
declares the tables; ``storage.store`` is the one repository module the rest of
the program calls.
"""
