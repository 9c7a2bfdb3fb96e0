"""Fixtures of the kiosk's screen tests."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from frontdesk.db.engine import Database, Runtime, open_database


@pytest.fixture
def one_db(sqlite_template: Path, tmp_path: Path, runtime: Runtime) -> Iterator[Database]:
    """A SQLite district, for tests of what a screen shows and where keys go: neither depends
    on the backend (the services' tests cover both)."""
    path = tmp_path / "district.db"
    shutil.copy(sqlite_template, path)
    database = open_database(f"sqlite:///{path}", runtime)
    yield database
    database.dispose()
