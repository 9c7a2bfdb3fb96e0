"""The made-up languages, installed for every fit test, and a district on SQLite."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from frontdesk.db.engine import Database, Runtime, open_database
from tests.screens.fit.locales import install


@pytest.fixture(autouse=True)
def made_up_languages(monkeypatch: pytest.MonkeyPatch) -> None:
    """``pseudo`` and ``longest`` translate like shipped languages for the test."""
    install(monkeypatch)


@pytest.fixture
def one_db(sqlite_template: Path, tmp_path: Path, runtime: Runtime) -> Iterator[Database]:
    """A SQLite district: what a screen shows does not depend on the backend."""
    path = tmp_path / "district.db"
    shutil.copy(sqlite_template, path)
    database = open_database(f"sqlite:///{path}", runtime)
    yield database
    database.dispose()
