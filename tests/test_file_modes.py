"""The data folder is private (0700) and so are the database and its -wal/-shm (0600)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from storage.db import open_database
from storage.files import private_dir


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> object:
    """A permissive umask, as on many desktops: the modes must not depend on it."""
    old = os.umask(0o002)
    yield None
    os.umask(old)


def test_new_data_folder_and_database_are_private(tmp_path: Path, open_umask: object) -> None:
    home = tmp_path / "home" / "clippings"
    database = home / "clippings.db"
    engine = open_database(f"sqlite:///{database}")
    try:
        with engine.connect() as connection:  # WAL mode: the -wal and -shm files exist now
            connection.execute(text("SELECT 1"))
            wal = database.with_name("clippings.db-wal")
            shm = database.with_name("clippings.db-shm")
            assert wal.exists()
            assert shm.exists()
            assert _mode(wal) == 0o600
            assert _mode(shm) == 0o600
    finally:
        engine.dispose()
    assert _mode(home) == 0o700
    assert _mode(database) == 0o600


def test_an_open_database_file_is_tightened(tmp_path: Path, open_umask: object) -> None:
    database = tmp_path / "old.db"
    database.touch(mode=0o644)
    os.chmod(database, 0o644)
    open_database(f"sqlite:///{database}").dispose()
    assert _mode(database) == 0o600


def test_an_existing_folder_is_left_as_it_is(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o755)
    private_dir(shared)
    assert _mode(shared) == 0o755
