"""The roster import's way to the database: raw SQL on the driver, for SQLite and PostgreSQL.

Where the import handles a whole roster, SQLAlchemy's per-row handling of parameters and
results would cost more than the work itself, so these go to the driver directly: bulk
inserts (one COPY kept open on PostgreSQL, executemany on SQLite), lookups of many rows at
once, and reads of a whole table a batch at a time. What the import asks of a few rows it
asks through SQLAlchemy, where it decides.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from datetime import date
from itertools import islice
from typing import Any, Final, NamedTuple, TypeVar, cast

from sqlalchemy import Connection, Table, bindparam, insert, update

from frontdesk.db.models import Contact, Student
from frontdesk.roster.reading import CHUNK

STREAM_BATCH: Final = 50_000
"""Rows fetched at a time when a whole table is read: few round trips, a few MB at most."""


def _table(model: type[Any]) -> Table:
    return cast(Table, model.__table__)


STUDENTS = _table(Student)
CONTACTS = _table(Contact)
STUDENT_VALUES: Final = (
    "school_id",
    "first_name",
    "last_name",
    "name_key",
    "birthdate",
    "grade",
    "active",
    "ssn_last4_digest",
    "has_photo",
)
NEW_STUDENT_COLUMNS: Final = ("student_number", *STUDENT_VALUES, "roster_digest")
CONTACT_VALUES: Final = ("email", "phone", "portal_access")
NEW_CONTACT_COLUMNS: Final = (
    "student_id",
    "first_name",
    "last_name",
    "relationship",
    *CONTACT_VALUES,
    "roster_digest",
)


class SqlitePageCache:
    """SQLite's page cache, made bigger while rows are inserted in bulk and given back after.

    Each new row goes into indexes (student numbers, emails...) at scattered places: with
    the default 2 MB of cache most of those pages are read again for every chunk; 32 MB holds
    them. A re-import that only reads does not grow it.
    """

    BULK_KIB: Final = 32 * 1024

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self._before: int | None = None

    def grow(self) -> None:
        """Make the cache big enough for bulk inserts (once; SQLite only)."""
        if self._before is None and self.connection.dialect.name == "sqlite":
            self._before = int(self.connection.exec_driver_sql("PRAGMA cache_size").scalar_one())
            self.connection.exec_driver_sql(f"PRAGMA cache_size = -{self.BULK_KIB}")

    def restore(self) -> None:
        """Give the cache its size back."""
        if self._before is not None:
            self.connection.exec_driver_sql(f"PRAGMA cache_size = {self._before}")
            self._before = None


class NewRowWriter:
    """New rows of one table, written a chunk at a time the fastest way each database has.

    On PostgreSQL they go through one COPY that stays open from chunk to chunk: the server
    stores a chunk while the next one is read and checked (a COPY per chunk would wait for
    it). Nothing else can use the connection meanwhile: :meth:`close` ends the COPY first.
    On SQLite each chunk is one driver executemany. Both go past SQLAlchemy's per-row
    parameter handling, which would cost more than the insert itself; the values are
    already what the columns hold (dates as ISO text).
    """

    def __init__(
        self, connection: Connection, table: Table, columns: Sequence[str], cache: SqlitePageCache
    ) -> None:
        self.connection = connection
        self.cache = cache
        self.driver: Any = connection.connection.driver_connection
        self.columns = columns
        self.names = f"{table.name} ({', '.join(columns)})"
        self.table = table
        self._copying = ExitStack()
        self._copy: Any = None

    def write(self, rows: list[tuple[Any, ...]]) -> None:
        """Insert ``rows`` (values in the writer's column order)."""
        if not rows:
            return
        dialect = self.connection.dialect.name
        if dialect == "postgresql":
            if self._copy is None:
                cursor = self._copying.enter_context(self.driver.cursor())
                self._copy = self._copying.enter_context(
                    cursor.copy(f"COPY {self.names} FROM STDIN")
                )
            for row in rows:
                self._copy.write_row(row)
        elif dialect == "sqlite":
            self.cache.grow()
            marks = ", ".join("?" * len(self.columns))
            self.driver.executemany(f"INSERT INTO {self.names} VALUES ({marks})", rows)
        else:
            values = [dict(zip(self.columns, row, strict=True)) for row in rows]
            self.connection.execute(insert(self.table), values)

    def close(self, error: BaseException | None = None) -> None:
        """End the open COPY (waiting for the server to store what it was sent)."""
        self._copy = None
        if error is None:
            self._copying.close()
        else:
            self._copying.__exit__(type(error), error, error.__traceback__)


def _bulk_update(
    connection: Connection, table: Table, columns: Sequence[str], rows: list[dict[str, Any]]
) -> None:
    """Update ``columns`` of the rows whose ``id`` is given as ``_id``."""
    if rows:
        statement = (
            update(table)
            .where(table.c.id == bindparam("_id"))
            .values({c: bindparam(c) for c in columns})
        )
        connection.execute(statement, rows)


T = TypeVar("T")


def in_chunks(items: Iterator[T], size: int = CHUNK) -> Iterator[list[T]]:
    """``items`` in lists of ``size``: few enough values for one statement's parameters."""
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class StoredStudent(NamedTuple):
    """A student as stored, straight from the driver (dates may be text, booleans 0/1)."""

    id: int
    student_number: str
    school_id: int
    first_name: str
    last_name: str
    name_key: str
    birthdate: Any
    grade: str
    active: Any
    ssn_last4_digest: str | None
    has_photo: Any
    roster_digest: str | None


class StoredContact(NamedTuple):
    """A contact as stored, straight from the driver."""

    id: int
    student_id: int
    first_name: str
    last_name: str
    relationship: str
    email: str | None
    phone: str | None
    portal_access: Any
    roster_digest: str | None


def _select_in(connection: Connection, sql: str, values: Sequence[object]) -> list[Any]:
    """Rows (plain tuples) of ``sql`` whose ``{in_values}`` is the condition "in ``values``".

    This goes to the driver directly: SQLAlchemy's per-row result handling costs more than
    the lookup itself when a whole roster is compared (compare with :func:`same_value`).
    PostgreSQL gets the values as one array (``= ANY``), which spares psycopg parsing a query
    with thousands of placeholders.
    """
    if not values:
        return []
    driver: Any = connection.connection.driver_connection
    parameters: tuple[object, ...]
    if connection.dialect.name == "postgresql":
        statement, parameters = sql.format(in_values="= ANY(%s)"), (list(values),)
    else:
        marks = ", ".join(["?"] * len(values))
        statement, parameters = sql.format(in_values=f"IN ({marks})"), tuple(values)
    cursor = driver.cursor()
    try:
        cursor.execute(statement, parameters)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def _fetch_batches(connection: Connection, sql: str) -> Iterator[list[tuple[Any, ...]]]:
    """The rows of ``sql`` a batch at a time, without holding them all."""
    driver: Any = connection.connection.driver_connection
    if connection.dialect.name == "postgresql":
        yield from _postgresql_batches(driver, sql)
        return
    cursor = driver.cursor()
    try:
        cursor.execute(sql)
        while batch := cursor.fetchmany(STREAM_BATCH):
            yield batch
    finally:
        cursor.close()


def _postgresql_batches(driver: Any, sql: str) -> Iterator[list[tuple[Any, ...]]]:
    """The server sends the rows in chunks while they are taken (libpq 17's chunked mode),
    or, with an older libpq, a server-side cursor fetches them a batch at a time."""
    from psycopg import capabilities

    if capabilities.has_stream_chunked():
        with driver.cursor() as cursor:
            rows = cursor.stream(sql, size=STREAM_BATCH)
            while batch := list(islice(rows, STREAM_BATCH)):
                yield batch
        return
    with driver.cursor(name="frontdesk_roster_stream") as cursor:
        cursor.itersize = STREAM_BATCH
        cursor.execute(sql)
        while batch := cursor.fetchmany(STREAM_BATCH):
            yield batch


def _fetch_rows(connection: Connection, sql: str) -> Iterator[tuple[Any, ...]]:
    """The rows of ``sql`` one by one, read a batch at a time."""
    for batch in _fetch_batches(connection, sql):
        yield from batch


def same_value(stored: object, new: object) -> bool:
    """Whether a stored value (as the driver returns it) is ``new``."""
    if isinstance(new, bool):
        return bool(stored) is new
    if isinstance(stored, date):  # PostgreSQL's dates; SQLite gives the ISO text
        return stored.isoformat() == new
    return stored == new


_STORED_STUDENTS: Final = (
    f"SELECT {', '.join(StoredStudent._fields)} FROM students WHERE student_number {{in_values}}"
)
_STORED_CONTACTS: Final = (
    f"SELECT {', '.join(StoredContact._fields)} FROM contacts WHERE student_id {{in_values}}"
)


class RosterStore:
    """The tables of one import's transaction: the bulk writes, and the reads of many rows.

    New rows of a table go through one :class:`NewRowWriter` for the whole import; while
    one is writing, nothing else may use the connection: :meth:`settle` first.
    """

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.page_cache = SqlitePageCache(connection)
        self.new_students = NewRowWriter(connection, STUDENTS, NEW_STUDENT_COLUMNS, self.page_cache)
        self.new_contacts = NewRowWriter(connection, CONTACTS, NEW_CONTACT_COLUMNS, self.page_cache)

    def settle(self, error: BaseException | None = None) -> None:
        """End the COPYs of new rows: the connection is free for other statements."""
        self.new_students.close(error)
        self.new_contacts.close(error)

    def update_students(self, columns: Sequence[str], rows: list[dict[str, Any]]) -> None:
        """Update ``columns`` of the students whose ``id`` is given as ``_id``."""
        _bulk_update(self.connection, STUDENTS, columns, rows)

    def update_contacts(self, columns: Sequence[str], rows: list[dict[str, Any]]) -> None:
        """Update ``columns`` of the contacts whose ``id`` is given as ``_id``."""
        _bulk_update(self.connection, CONTACTS, columns, rows)

    def all_students(self) -> Iterator[list[tuple[Any, ...]]]:
        """The (number, id, active, roster digest) of every student, a batch at a time."""
        sql = "SELECT student_number, id, active, roster_digest FROM students"
        return _fetch_batches(self.connection, sql)

    def students_after(self, last_id: int) -> Iterator[list[tuple[Any, ...]]]:
        """The (number, id) of the students stored after ``last_id``, a batch at a time."""
        sql = f"SELECT student_number, id FROM students WHERE id > {int(last_id)}"
        return _fetch_batches(self.connection, sql)

    def stored_students(self, numbers: Sequence[str]) -> Iterator[StoredStudent]:
        """The students with these numbers, as stored."""
        return map(StoredStudent._make, _select_in(self.connection, _STORED_STUDENTS, numbers))

    def contacts_with_digest(self) -> Iterator[list[tuple[Any, ...]]]:
        """The (roster digest, id) of every contact that has a digest, a batch at a time."""
        sql = "SELECT roster_digest, id FROM contacts WHERE roster_digest IS NOT NULL"
        return _fetch_batches(self.connection, sql)

    def contact_digests_of(self, student_ids: Sequence[int]) -> list[tuple[Any, ...]]:
        """The roster digest of each contact of these students (``None``: it has none)."""
        sql = "SELECT roster_digest FROM contacts WHERE student_id {in_values}"
        return _select_in(self.connection, sql, student_ids)

    def stored_contacts(self, student_ids: Sequence[int]) -> Iterator[StoredContact]:
        """The contacts of these students, as stored."""
        return map(StoredContact._make, _select_in(self.connection, _STORED_CONTACTS, student_ids))

    def contacts_up_to(self, last_id: int) -> Iterator[tuple[Any, ...]]:
        """The (id, student id) of each contact stored up to ``last_id``, one by one."""
        sql = f"SELECT id, student_id FROM contacts WHERE id <= {int(last_id)}"
        return _fetch_rows(self.connection, sql)
