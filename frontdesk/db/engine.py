"""Opening a district database: engine set-up per backend, migrations, the key check."""

from __future__ import annotations

import logging
import random
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from frontdesk.db.district import ensure_district
from frontdesk.db.uow import Runtime, UnitOfWork
from frontdesk.errors import DomainError, safe_description

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic is imported only when migrating: its import alone costs a quarter of a second of
# every kiosk start (target: welcome screen within 1 s), and an up-to-date database needs
# only the revision numbers below.
_REVISION_LINE = re.compile(r"^(down_revision|revision)\b[^=]*=\s*['\"]?([\w-]+|None)", re.M)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
CHECKPOINT_WAIT_MS = 200
"""How long a WAL truncation may hold back writers while waiting for readers."""

log = logging.getLogger("frontdesk.db")
T = TypeVar("T")


_RETRYABLE = frozenset({"40P01", "40001"})
"""PostgreSQL's deadlock_detected and serialization_failure: the transaction was rolled back
whole and may simply be run again."""


def _retryable(error: DBAPIError) -> bool:
    return getattr(error.orig, "sqlstate", None) in _RETRYABLE


class DatabaseError(Exception):
    """The database cannot be used as it is; the message says what to do."""


class Database:
    """A district database: hands out units of work."""

    def __init__(self, engine: Engine, runtime: Runtime) -> None:
        self.engine = engine
        self.runtime = runtime
        self._reads = sessionmaker(engine, expire_on_commit=False)
        # SQLite takes the write lock at BEGIN for writes, so two writers queue on the busy
        # timeout instead of one failing when it upgrades a read lock mid-transaction.
        self._writes = sessionmaker(
            engine.execution_options(sqlite_begin="BEGIN IMMEDIATE"), expire_on_commit=False
        )
        self.checkpoint_owed = False
        """A wipe's earlier bytes may still be in SQLite's WAL (see :meth:`checkpoint`)."""

    @property
    def is_sqlite(self) -> bool:
        """Whether this is a SQLite file (one machine) rather than a shared server."""
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def write(self) -> Iterator[UnitOfWork]:
        """A unit of work that commits once when the block ends without an error.

        A *recorded* domain error (a failed attempt that rate limits must count) commits
        what was written before it is re-raised; any other error rolls everything back.
        """
        with self._writes() as session, session.begin() as transaction:
            try:
                yield UnitOfWork(session, self.runtime)
            except DomainError as error:
                if error.recorded:
                    transaction.commit()
                raise

    def transact(self, work: Callable[[UnitOfWork], T], *, attempts: int = 3) -> T:
        """``work`` in a write unit of work; run again from the start, up to ``attempts`` times
        in all, when PostgreSQL chose it as the victim of a deadlock or a serialization
        failure, so a clerk is not shown "try again" for what trying again resolves.

        Decisions take their rows in one order and should never deadlock: this is the net
        for a path that does not. Sound only for work whose every effect is in the
        transaction (mail goes through the outbox), which re-reads what it decides on.
        """
        for attempt in range(1, attempts + 1):
            try:
                with self.write() as uow:
                    return work(uow)
            except DBAPIError as error:
                if attempt == attempts or not _retryable(error):
                    raise
                log.warning("retrying a transaction: %s", safe_description(error))
                time.sleep(random.uniform(0, 0.02 * attempt))
        raise AssertionError("unreachable")

    @contextmanager
    def read(self) -> Iterator[UnitOfWork]:
        """A unit of work for reading; it never commits (closing it rolls back)."""
        with self._reads() as session:
            yield UnitOfWork(session, self.runtime)

    def checkpoint(self) -> bool:
        """On SQLite, move the write-ahead log into the database file and truncate it.

        ``secure_delete`` zeroes what a write removes, but only in the page it writes: earlier
        copies of that page stay in the WAL until it is truncated. Called after the outbox
        wipes a secret. A checkpoint holds back new writers while it waits for readers of an
        older snapshot, so it waits at most :data:`CHECKPOINT_WAIT_MS`; when it could not
        finish, ``checkpoint_owed`` stays set and the next delivery pass tries again. Returns
        whether the WAL is now empty; always ``True`` on PostgreSQL, which has no such file.
        """
        if not self.is_sqlite:
            return True
        with self.engine.connect() as connection:
            # On the DB-API connection: outside the transaction SQLAlchemy would begin, which
            # would hold a snapshot of its own and keep the checkpoint from finishing.
            raw = connection.connection.dbapi_connection
            assert raw is not None
            cursor = raw.cursor()
            try:
                (waited,) = cursor.execute("PRAGMA busy_timeout").fetchone()
                cursor.execute(f"PRAGMA busy_timeout = {CHECKPOINT_WAIT_MS}")
                try:
                    (busy, _, _) = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
                finally:
                    cursor.execute(f"PRAGMA busy_timeout = {int(waited)}")
            finally:
                cursor.close()
        self.checkpoint_owed = int(busy) != 0
        return not self.checkpoint_owed

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def make_engine(url: str, **options: Any) -> Engine:
    """An engine for ``url`` with the settings frontdesk relies on for each backend."""
    parsed = make_url(url)
    # Errors and logs must never carry what people typed (emails, hashes, names).
    options.setdefault("hide_parameters", True)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            parsed, connect_args={"check_same_thread": False, "timeout": 15}, **options
        )
        _configure_sqlite(engine)
        return engine
    return create_engine(parsed, pool_pre_ping=True, **options)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event (below) issue BEGIN, instead of pysqlite's own
        # implicit transactions, so writes can ask for BEGIN IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        # What is deleted or overwritten (a wiped reset mail) is zeroed in the file, not left
        # readable in free space; see Database.checkpoint for the write-ahead log.
        cursor.execute("PRAGMA secure_delete = ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql(connection.get_execution_options().get("sqlite_begin", "BEGIN"))


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration for the migrations shipped in this package."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def schema_revision(connection: Connection) -> str | None:
    """The migration revision the database is at (``None`` when empty)."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    revision = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    return str(revision) if revision is not None else None


def head_revision() -> str | None:
    """The newest migration shipped, read from the version files' revision lines."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        for kind, value in _REVISION_LINE.findall(path.read_text(encoding="utf-8")):
            if kind == "revision":
                revisions.add(value)
            elif value != "None":
                parents.add(value)
    heads = revisions - parents
    if len(heads) == 1:
        return heads.pop()
    from alembic.script import ScriptDirectory  # merges, tuples: let alembic decide

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def upgrade(engine: Engine) -> None:
    """Apply every migration not yet applied."""
    from alembic import command

    with engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")


def open_database(url: str, runtime: Runtime, *, upgrade_schema: bool | None = None) -> Database:
    """Open (and, where safe, create or upgrade) the district database at ``url``.

    A SQLite file is brought up to date on open. A shared PostgreSQL database is created when
    empty, but an existing one is only upgraded by ``frontdesk db upgrade``, so an old kiosk
    never migrates a database under newer ones.
    """
    engine = make_engine(url)
    with engine.connect() as connection:
        current = schema_revision(connection)
        empty = current is None and not inspect(connection).get_table_names()
    if current != head_revision():
        allowed = (
            upgrade_schema
            if upgrade_schema is not None
            else (engine.dialect.name == "sqlite" or empty)
        )
        if not allowed:
            engine.dispose()
            raise DatabaseError(
                f"The database is at schema {current or 'none'}, this frontdesk needs "
                f"{head_revision()}: run 'frontdesk db upgrade'."
            )
        upgrade(engine)
    database = Database(engine, runtime)
    with database.write() as uow:
        ensure_district(uow.session, runtime.keyring.fingerprint, uow.now())
    return database


__all__ = ["Database", "DatabaseError", "Runtime", "Session", "open_database"]
