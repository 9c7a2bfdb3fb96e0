"""Fixtures every test shares. One fixture decides the database: each storage test runs on
SQLite and on PostgreSQL (``FRONTDESK_TEST_DB=sqlite|postgresql|all``, default all).

PostgreSQL runs in a schema of its own per test session, made and dropped here, so parallel
runs on one server do not collide (``FRONTDESK_TEST_POSTGRES_URL`` names the server).
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from frontdesk.db.engine import Database, Runtime, make_engine, open_database, upgrade
from frontdesk.db.models import Base
from frontdesk.i18n import set_language
from frontdesk.security import Keyring, PasswordHasher

POSTGRES_URL = os.environ.get(
    "FRONTDESK_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
WHICH = os.environ.get("FRONTDESK_TEST_DB", "all")
BACKENDS = ["sqlite", "postgresql"] if WHICH == "all" else [WHICH]
START = datetime(2026, 10, 1, 14, 0, tzinfo=UTC)


@dataclass
class FakeClock:
    """A clock the test moves by hand."""

    now: datetime = field(default=START)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="session")
def hasher() -> PasswordHasher:
    return PasswordHasher()


@pytest.fixture(scope="session")
def keyring() -> Keyring:
    return Keyring(b"k" * 32)


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    set_language("en")
    yield
    set_language("en")


@pytest.fixture(scope="session")
def postgres_schema_url() -> Iterator[str]:
    """A fresh, migrated schema on the PostgreSQL server, dropped at the end."""
    schema = f"fd_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    try:
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as error:
        admin.dispose()
        if WHICH == "postgresql":
            raise
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL}: {error}")
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    rendered = url.render_as_string(hide_password=False)
    engine = make_engine(rendered)
    upgrade(engine)
    engine.dispose()
    yield rendered
    with admin.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file that each test copies (faster than migrating each time)."""
    path = tmp_path_factory.mktemp("template") / "district.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


def _empty_postgres(url: str) -> None:
    engine = create_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty, migrated district database on the backend under test."""
    if request.param == "sqlite":
        path = tmp_path / "district.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("postgres_schema_url")
    _empty_postgres(url)
    return url


@pytest.fixture
def runtime(keyring: Keyring, hasher: PasswordHasher, clock: FakeClock) -> Runtime:
    return Runtime(keyring=keyring, hasher=hasher, workstation="kiosk-1", clock=clock)


@pytest.fixture
def database(database_url: str, runtime: Runtime) -> Iterator[Database]:
    """An opened district database with the default settings and nothing else."""
    db = open_database(database_url, runtime)
    yield db
    db.dispose()
