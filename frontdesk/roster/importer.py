"""Roster import from the SIS (A2): schools, students with photos, and their contacts.

The three files are the whole roster. Re-running the import updates rows in place and never
duplicates: students are matched by ``student_id``, contacts by (student, first name, last
name, relationship). A student missing from ``students.csv`` becomes inactive. Bad rows are
reported with file, line, column and reason; good rows are imported.

It is built for 400,000 students. Rows are read a chunk at a time and handled a column at a
time: each column of a chunk is checked and converted in a few passes that run in C (see
``roster_checks``), rows equal to what is stored cost no write, and new rows go in as plain
tuples with bulk inserts (one ``COPY`` kept open from chunk to chunk on PostgreSQL).
Everything happens in one transaction, so a strict or dry run rolls back whole and a failure
leaves the roster as it was.

Each stored row keeps a keyed digest of the CSV row it was last imported from
(``roster_digest``, see ``Keyring.roster_hasher``): a row read again with the same digest is
skipped after a look at that one column, which is what makes a nightly re-import cheap. Rows
without one (from before digests, from the demo, with a photo, inactivated) are compared value
by value, and given the digest when they turn out equal.

The contacts go further (they are two rows in three): when an import took the whole of
contacts.csv, ``roster_files`` keeps a keyed digest of the file's bytes and what the import
left in the table. A re-import of the same bytes that finds the contacts as they were left
neither reads the file nor compares a contact.
"""

from __future__ import annotations

import codecs
import csv
import gc
import io
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date
from itertools import compress, islice, repeat
from operator import itemgetter
from pathlib import Path
from typing import Any, Final, NamedTuple, TypeVar, cast

from sqlalchemy import Connection, Table, bindparam, delete, exists, func, insert, select, update

from frontdesk.db.engine import Database
from frontdesk.db.models import Contact, RosterFile, School, Student, StudentPhoto
from frontdesk.db.uow import UnitOfWork
from frontdesk.i18n import Msg
from frontdesk.names import fold_name
from frontdesk.roster.checks import (
    CONTACT_CHECKS,
    SCHOOL_CHECKS,
    STUDENT_CHECKS,
    Problems,
    checked,
)
from frontdesk.roster.files import CONTACTS_COLUMNS, FILES, SCHOOLS_COLUMNS, STUDENTS_COLUMNS
from frontdesk.services.audit import Actor, AuditAction, record
from frontdesk.services.registration import normalize_email
from frontdesk.text import STUDENT_ID, is_clean

CHUNK: Final = 5000
"""Rows read, compared and written together: big enough for bulk statements, small enough
to keep memory flat and to stay under SQLite's limit of bound parameters."""

STREAM_BATCH: Final = 50_000
"""Rows fetched at a time when a whole table is read: few round trips, a few MB at most."""

MAX_PHOTO_BYTES: Final = 2 * 1024 * 1024
MAX_PROBLEMS_KEPT: Final = 10_000
"""Problems kept for the report; beyond that they are only counted."""

PHOTO_TYPES: Final = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}

Progress = Callable[[str, int, int], None]
"""``progress(file name, bytes read, file size)``, called now and then while reading."""


# --- what the import reports -----------------------------------------------------------------


@dataclass(frozen=True)
class RowProblem:
    """Why a row (or a whole file) was not imported."""

    file: str
    line: int
    column: str
    reason: Msg

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" + (f": {self.column}" if self.column else "")
        return f"{where}: {self.reason}"


@dataclass
class ImportReport:
    """What an import did (or, dry or refused, would have done)."""

    schools_added: int = 0
    schools_updated: int = 0
    students_added: int = 0
    students_updated: int = 0
    students_inactivated: int = 0
    contacts_added: int = 0
    contacts_updated: int = 0
    contacts_removed: int = 0
    rejected_rows: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    file_error: bool = False
    """A whole file was unusable (missing, empty, wrong header): nothing was imported."""
    written: bool = False
    """Whether the changes were committed (not a dry run, not refused)."""

    def summary(self) -> str:
        """The one-line summary the command ends with."""
        return (
            f"students: {self.students_added} added, {self.students_updated} updated, "
            f"{self.students_inactivated} inactivated; contacts: {self.contacts_added} added, "
            f"{self.contacts_updated} updated, {self.contacts_removed} removed; "
            f"rejected rows: {self.rejected_rows}"
        )

    def counts(self) -> dict[str, int]:
        """The counts, for the audit trail."""
        return {
            name: getattr(self, name)
            for name in (
                "schools_added",
                "schools_updated",
                "students_added",
                "students_updated",
                "students_inactivated",
                "contacts_added",
                "contacts_updated",
                "contacts_removed",
                "rejected_rows",
            )
        }

    @property
    def complete(self) -> bool:
        """Every row was imported."""
        return not self.file_error and self.rejected_rows == 0

    def reject(self, file: str, line: int, column: str, reason: Msg) -> None:
        """Count a refused row and keep why (up to a limit)."""
        self.rejected_rows += 1
        self.note(file, line, column, reason)

    def note(self, file: str, line: int, column: str, reason: Msg) -> None:
        if len(self.problems) < MAX_PROBLEMS_KEPT:
            self.problems.append(RowProblem(file, line, column, reason))


class RosterFileError(Exception):
    """A roster file cannot be used at all; nothing is imported."""

    def __init__(self, problem: RowProblem) -> None:
        super().__init__(str(problem))
        self.problem = problem


class _Discard(Exception):
    """Raised inside the transaction to roll it back (dry run, strict with problems)."""


# --- reading the files -----------------------------------------------------------------------


@dataclass
class _Chunk:
    """Rows as read, their values in the file's contract order, and the line each ends on."""

    lines: list[int] = field(default_factory=list)
    rows: list[Sequence[str]] = field(default_factory=list)

    def in_order(self, reorder: Callable[[Sequence[str]], Sequence[str]] | None) -> _Chunk:
        """The chunk with each row's values in the contract's order (``reorder`` a row)."""
        if reorder is not None:
            self.rows = list(map(reorder, self.rows))
        return self

    def only(self, places: Sequence[int]) -> _Chunk:
        """The rows at ``places``, in that order."""
        return _Chunk([self.lines[i] for i in places], [self.rows[i] for i in places])


# Where each column sits in a row (the contract's order, whatever the file's header order).
S_ID, S_SCHOOL, S_FIRST, S_LAST, S_BORN, S_GRADE, S_STATUS, S_SSN, S_PHOTO = range(9)
C_STUDENT, C_FIRST, C_LAST, C_RELATIONSHIP, C_EMAIL, C_PHONE, C_ACCESS = range(7)


def _header(name: str, reader: Any, columns: Sequence[str]) -> list[int]:
    """Where each of ``columns`` sits in the file's header row; a file without them is refused."""
    try:
        header = next(reader)
    except StopIteration:
        raise RosterFileError(RowProblem(name, 1, "", Msg("the file is empty"))) from None
    except csv.Error as error:
        raise RosterFileError(
            RowProblem(name, 1, "", Msg("not a readable CSV file: {reason}", reason=str(error)))
        ) from None
    header = [h.strip().lower() for h in header]
    missing = [c for c in columns if c not in header]
    if missing:
        raise RosterFileError(
            RowProblem(
                name,
                1,
                ", ".join(missing),
                Msg(
                    "the header lacks these columns; expected: {columns}",
                    columns=", ".join(columns),
                ),
            )
        )
    return [header.index(c) for c in columns] + [len(header)]


def _open_csv(folder: Path, name: str) -> tuple[io.BufferedReader, Any]:
    path = folder / name
    if not path.is_file():
        raise RosterFileError(RowProblem(name, 0, "", Msg("the file is missing")))
    raw = path.open("rb")
    # surrogateescape keeps reading past bad bytes, so the row (not the file) is refused.
    text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="surrogateescape", newline="")
    return raw, csv.reader(text)


def _first_row(folder: Path, name: str, columns: Sequence[str]) -> list[str] | None:
    """Check the header of a file; its first row, unchecked (enough to tell it is not empty)."""
    raw, reader = _open_csv(folder, name)
    with raw:
        _header(name, reader, columns)
        try:
            return next(reader, None)
        except csv.Error:
            return []  # a row is there; reading the file tells what is wrong with it


def _read_chunks(
    folder: Path,
    name: str,
    columns: Sequence[str],
    report: ImportReport,
    progress: Progress | None,
    refused: Callable[[dict[str, str]], None] | None = None,
) -> Iterator[_Chunk]:
    """The rows of one file, a chunk at a time; bytes that are not UTF-8 reject the row.

    ``refused`` hears what could be read of each row refused here, so the importer can leave
    that row's student alone.
    """
    raw, reader = _open_csv(folder, name)
    with raw:
        *positions, width = _header(name, reader, columns)
        size = (folder / name).stat().st_size
        # The values in the contract's order, when the header has them in another.
        exact = positions == list(range(width))
        reorder = None if exact else itemgetter(*positions)
        # Most files are clean: checking the bytes once up front spares a check on every row.
        check_bytes = not _is_utf8(folder / name)
        sift = _Sift(name, columns, positions, width, check_bytes, report, refused)
        errors: list[tuple[int, str]] = []
        records = _records(reader, errors)
        start = reader.line_num
        while rows := list(islice(records, CHUNK)):
            end = reader.line_num
            if (
                end - start == len(rows)
                and not check_bytes
                and None not in rows
                and set(map(len, cast(list[list[str]], rows))) == {width}
            ):
                # The usual stretch: a line a row, each row whole.
                chunk = _Chunk(list(range(start + 1, end + 1)), cast(list[Sequence[str]], rows))
            else:
                chunk = sift(rows, start, errors)
            start = end
            if progress is not None:
                progress(name, raw.tell(), size)
            yield chunk.in_order(reorder)
        if sift.oversized:
            sift.report_oversized(folder / name)
        if progress is not None:
            progress(name, size, size)


def _records(reader: Any, errors: list[tuple[int, str]]) -> Iterator[list[str] | None]:
    """The reader's rows, and ``None`` for each record it cannot read (its line and why are
    added to ``errors``): the reader goes on with the next line."""
    while True:
        try:
            yield from reader
            return
        except csv.Error as error:
            errors.append((reader.line_num, str(error)))
            yield None


_OVERSIZED: Final = "field larger than field limit"
"""How the csv module says a value is longer than its limit (128 KiB unless set)."""


@dataclass(frozen=True)
class _Sift:
    """Takes the good rows of an untidy stretch of a file, with the line each ends on (rows
    over several lines, blank lines, unreadable records); refuses rows of the wrong width or
    with bytes that are not UTF-8."""

    name: str
    columns: Sequence[str]
    positions: Sequence[int]
    width: int
    check_bytes: bool
    report: ImportReport
    refused: Callable[[dict[str, str]], None] | None
    oversized: list[tuple[int, bool]] = field(default_factory=list)
    """Rows the csv module stopped reading at a value over its limit: (line, whether the row
    began on that line), reported once the file is read (``report_oversized``)."""

    def __call__(
        self, rows: list[list[str] | None], start: int, errors: list[tuple[int, str]]
    ) -> _Chunk:
        chunk = _Chunk()
        line = start
        for row in rows:
            if row is None:
                after, (line, why) = line, errors.pop(0)
                if why.startswith(_OVERSIZED):
                    self.oversized.append((line, line == after + 1))
                    continue
                reason = Msg("not a readable CSV row: {reason}", reason=why)
                self.report.reject(self.name, line, "", reason)
                continue
            line += 1 + _line_breaks(row)
            if len(row) != self.width:
                if row:
                    self._refuse_width(line, row)
            elif self.check_bytes and any(_not_utf8(row[i]) for i in self.positions):
                self._refuse_bytes(line, row)
            else:
                chunk.lines.append(line)
                chunk.rows.append(row)
        return chunk

    def report_oversized(self, path: Path) -> None:
        """Refuse the rows with a value over the csv module's limit, naming the column when
        the row is on one line (the csv module does not say which value it was)."""
        limit = csv.field_size_limit()
        reason = Msg("too long to read (more than {n} characters)", n=limit)
        one_line = {line for line, alone in self.oversized if alone}
        found: dict[int, tuple[int, list[str]]] = {}
        if one_line:
            with path.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as text:
                for number, line_text in enumerate(text, start=1):
                    if number in one_line:
                        found[number] = _oversized_value(line_text, limit)
                        if len(found) == len(one_line):
                            break
        names = dict(zip(self.positions, self.columns, strict=True))
        for line, _alone in self.oversized:
            index, before = found.get(line, (-1, []))
            if self.refused is not None and before:
                self.refused(self._readable(before))
            self.report.reject(self.name, line, names.get(index, ""), reason)

    def _readable(self, row: list[str]) -> dict[str, str]:
        return {
            c: row[i]
            for c, i in zip(self.columns, self.positions, strict=True)
            if i < len(row) and not _not_utf8(row[i])
        }

    def _refuse_width(self, line: int, row: list[str]) -> None:
        """A row with more or fewer values than the header has names."""
        if self.refused is not None:
            self.refused(self._readable(row))
        found, expected = len(row), self.width
        reason = Msg(
            "{found} values where the header has {expected}", found=found, expected=expected
        )
        self.report.reject(self.name, line, "", reason)

    def _refuse_bytes(self, line: int, row: list[str]) -> None:
        pairs = zip(self.columns, self.positions, strict=True)
        bad = next(c for c, i in pairs if _not_utf8(row[i]))
        if self.refused is not None:
            self.refused(self._readable(row))
        self.report.reject(self.name, line, bad, Msg("bytes that are not UTF-8"))


_CSV_VALUE: Final = re.compile(r'"((?:[^"]|"")*)"?([^,\r\n]*)|([^,\r\n]*)')
"""One value of a CSV line (excel dialect): quoted (its closing quote may be on a later
line), then what follows the closing quote; or plain."""


def _oversized_value(line: str, limit: int) -> tuple[int, list[str]]:
    """Where in a CSV line the first value over ``limit`` characters is, and the values before
    it; ``-1`` if none is (the line is not what the csv module read)."""
    values: list[str] = []
    position = 0
    while True:
        match = _CSV_VALUE.match(line, position)
        assert match is not None  # every alternative can match nothing
        quoted, after, plain = match.groups()
        value = quoted.replace('""', '"') + after if quoted is not None else plain
        if len(value) > limit:
            return len(values), values
        values.append(value)
        position = match.end()
        if position >= len(line) or line[position] != ",":
            return -1, values
        position += 1


def _storable_number(number: str) -> bool:
    return is_clean(number, STUDENT_ID)


def _line_breaks(row: list[str]) -> int:
    """The line breaks inside the row's values (CR LF is one): each ends a line of the file."""
    return sum(v.count("\n") + v.count("\r") - v.count("\r\n") for v in row)


def _is_utf8(path: Path) -> bool:
    """Whether the whole file is valid UTF-8 (read in blocks: memory stays flat)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as f:
            while block := f.read(1 << 20):
                decoder.decode(block)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _not_utf8(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


T = TypeVar("T")


def _chunks(items: Iterator[T], size: int = CHUNK) -> Iterator[list[T]]:
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# --- writing ---------------------------------------------------------------------------------


def _table(model: type[Any]) -> Table:
    return cast(Table, model.__table__)


STUDENTS = _table(Student)
CONTACTS = _table(Contact)
_STUDENT_VALUES: Final = (
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
_NEW_STUDENT: Final = ("student_number", *_STUDENT_VALUES, "roster_digest")
_CONTACT_VALUES: Final = ("email", "phone", "portal_access")
_NEW_CONTACT: Final = (
    "student_id",
    "first_name",
    "last_name",
    "relationship",
    *_CONTACT_VALUES,
    "roster_digest",
)


class _PageCache:
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
        if self._before is None and self.connection.dialect.name == "sqlite":
            self._before = int(self.connection.exec_driver_sql("PRAGMA cache_size").scalar_one())
            self.connection.exec_driver_sql(f"PRAGMA cache_size = -{self.BULK_KIB}")

    def restore(self) -> None:
        if self._before is not None:
            self.connection.exec_driver_sql(f"PRAGMA cache_size = {self._before}")
            self._before = None


class _NewRows:
    """New rows of one table, written a chunk at a time the fastest way each database has.

    On PostgreSQL they go through one COPY that stays open from chunk to chunk: the server
    stores a chunk while the next one is read and checked (a COPY per chunk would wait for
    it). Nothing else can use the connection meanwhile: :meth:`close` ends the COPY first.
    On SQLite each chunk is one driver executemany. Both go past SQLAlchemy's per-row
    parameter handling, which would cost more than the insert itself; the values are
    already what the columns hold (dates as ISO text).
    """

    def __init__(
        self, connection: Connection, table: Table, columns: Sequence[str], cache: _PageCache
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


def _name_keys(first_names: Sequence[str], last_names: Sequence[str]) -> list[str]:
    """``names.search_key(first, last)`` of each pair (both filled in), a column at once."""
    return list(
        map(" ".join, zip(map(fold_name, first_names), map(fold_name, last_names), strict=True))
    )


# --- the import ------------------------------------------------------------------------------

ContactKey = tuple[int, str, str, str]
"""What names a contact: (student id, first name, last name, relationship)."""


class _Importer:
    def __init__(
        self, uow: UnitOfWork, folder: Path, report: ImportReport, progress: Progress | None
    ) -> None:
        self.uow = uow
        self.connection = uow.session.connection()
        self.folder = folder
        self.report = report
        self.progress = progress
        self.keyring = uow.runtime.keyring
        self.page_cache = _PageCache(self.connection)
        self.new_students = _NewRows(self.connection, STUDENTS, _NEW_STUDENT, self.page_cache)
        self.new_contacts = _NewRows(self.connection, CONTACTS, _NEW_CONTACT, self.page_cache)
        self.ssn_last4_digest = self.keyring.ssn_last4_digester()
        self.student_digests = self.keyring.roster_fingerprints("students.csv")
        self.contact_digests = self.keyring.roster_fingerprints("contacts.csv")
        self.school_ids: dict[str, int] = {}
        self.students_before = 0
        """The last student id stored before this run (0: none, nothing to compare)."""
        self.had_students = False
        self.stored_ids: dict[str, int] = {}
        """The students stored before this run: number -> id."""
        self.inactive: set[str] = set()
        """The numbers of those who were inactive."""
        self.seen_line: dict[str, int] = {}
        """Student numbers on a valid row of students.csv -> that row's line."""
        self.in_file: set[str] = set()
        """Student numbers on a good row of students.csv."""
        self.refused: set[str] = set()
        """Student numbers on a refused row: left exactly as stored."""
        self.student_ids: dict[str, int] = {}
        """Student numbers on a good row of students.csv -> their id (for the contacts)."""
        self.contacts_before = 0
        """The last contact id stored before this run (0: none, nothing to compare)."""
        self.matched: dict[int, int] = {}
        """Stored contacts named by a row: id -> line (a second row naming one is a repeat)."""
        self.added: dict[int, int] = {}
        """Contacts added by a row: hash of their key -> line, for the same check. A hash is
        8 bytes where the key is about 200: 800,000 of them stay small."""
        self.unlisted: list[int] = []
        """The students stored before this run whom students.csv does not list (on no good row)."""
        self.keep_contacts_of: set[int] = set()
        """Students whose stored contacts stay as they are (their row, or a contact's, refused)."""

    def settle(self, error: BaseException | None = None) -> None:
        """End the COPYs of new rows: the connection is free for other statements."""
        self.new_students.close(error)
        self.new_contacts.close(error)

    def check_headers(self) -> None:
        """Refuse unusable files before anything is read or written."""
        for name, columns in FILES.items():
            first = _first_row(self.folder, name, columns)
            if first is None and name == "students.csv":
                # An export that lost its rows must not inactivate the whole district.
                raise RosterFileError(RowProblem(name, 2, "", Msg("the file lists no students")))

    def _reject_rows(self, name: str, chunk: _Chunk, problems: Problems) -> list[bool]:
        """Report the chunk's rows that have ``problems``; whether each row is good."""
        for place, reasons in sorted(problems.items()):
            line = chunk.lines[place]
            (column, reason), *more = reasons
            self.report.reject(name, line, column, reason)
            for column, reason in more:  # one row, one count; every reason shown
                self.report.note(name, line, column, reason)
            if name == "students.csv":
                self._refuse(chunk.rows[place][S_ID])
        return [place not in problems for place in range(len(chunk.rows))]

    def schools(self) -> None:
        name = "schools.csv"
        stored: dict[str, str] = {
            code: school_name
            for code, school_name in self.connection.execute(select(School.code, School.name))
        }
        seen: dict[str, int] = {}
        for chunk in _read_chunks(self.folder, name, SCHOOLS_COLUMNS, self.report, self.progress):
            (codes, names), problems = checked(SCHOOL_CHECKS, chunk.rows)
            good = self._reject_rows(name, chunk, problems)
            for line, code, school_name in compress(
                zip(chunk.lines, codes, names, strict=True), good
            ):
                if code in seen:
                    self.report.reject(
                        name,
                        line,
                        "school_id",
                        Msg("school {code} is already on line {line}", code=code, line=seen[code]),
                    )
                    continue
                seen[code] = line
                if code not in stored:
                    self.connection.execute(insert(School).values(code=code, name=school_name))
                    self.report.schools_added += 1
                elif stored[code] != school_name:
                    self.connection.execute(
                        update(School).where(School.code == code).values(name=school_name)
                    )
                    self.report.schools_updated += 1
        self.school_ids = {
            code: id_ for id_, code in self.connection.execute(select(School.id, School.code))
        }

    # --- students

    def students(self) -> None:
        name = "students.csv"
        self.students_before = self.connection.scalar(select(func.max(Student.id))) or 0
        self.had_students = self.students_before > 0
        codes = {id_: code for code, id_ in self.school_ids.items()}
        chunks = _read_chunks(
            self.folder, name, STUDENTS_COLUMNS, self.report, self.progress, self._refused
        )
        # The digests of the rows stored students were last imported from. A digest covers
        # the whole row, student_id included: a row with one of them is that student's.
        known: set[str | None] = set()
        sql = "SELECT student_number, id, active, roster_digest FROM students"
        for batch in _batches(self.connection, sql) if self.had_students else ():
            self.stored_ids.update(map(itemgetter(0, 1), batch))
            self.inactive.update(number for number, _, active, _ in batch if not active)
            known.update(map(itemgetter(3), batch))
        for chunk in chunks:
            digests = self.student_digests(chunk.rows)
            stored: dict[str, StoredStudent] = {}
            if self.had_students:
                changed, stored = self._unchanged_students(chunk, digests, known, codes)
                chunk, digests = chunk.only(changed), [digests[i] for i in changed]
            self._changed_students(chunk, digests, stored)
        self.settle()
        self.seen_line = {}

    def _unchanged_students(
        self, chunk: _Chunk, digests: list[str], known: set[str | None], codes: dict[int, str]
    ) -> tuple[list[int], dict[str, StoredStudent]]:
        """Take the chunk's rows that say what is stored; the places of the others, and the
        stored rows they were compared with.

        A row equal to what is stored is valid already: it skips validation and writing.
        That is most rows of a nightly re-import, so this is what keeps it cheap.
        """
        self.settle()
        numbers = list(map(str.strip, map(itemgetter(S_ID), chunk.rows)))
        # First the fast way: the row as read is the one last imported (same digest).
        same = list(map(known.__contains__, digests))
        if (
            all(same)
            and len(set(numbers)) == len(numbers)
            and self.seen_line.keys().isdisjoint(numbers)
        ):
            self.seen_line.update(zip(numbers, chunk.lines, strict=True))
            self.in_file.update(numbers)
            return [], {}
        rest: list[int] = []
        waiting: set[str] = set()
        for place, number in enumerate(numbers):
            if number not in self.seen_line and number not in waiting and same[place]:
                self.seen_line[number] = chunk.lines[place]
                self.in_file.add(number)
            else:
                waiting.add(number)
                rest.append(place)
        # Then the rest the slow way, value by value, as stored.
        stored = {
            row.student_number: row
            for row in map(
                StoredStudent._make,
                _select_in(
                    self.connection,
                    f"SELECT {', '.join(StoredStudent._fields)} FROM students "
                    "WHERE student_number {in_values}",
                    # Only numbers a student can have: the database refuses some others
                    # (PostgreSQL: a NUL); those rows are refused when checked.
                    list({numbers[place] for place in rest if _storable_number(numbers[place])}),
                ),
            )
        }
        changed: list[int] = []
        waiting = set()
        backfill: list[dict[str, Any]] = []
        for place in rest:
            number = numbers[place]
            old = stored.get(number)
            if (
                old is not None
                and number not in self.seen_line
                and number not in waiting
                and self._same_student(number, chunk.rows[place], old, codes)
            ):
                self.seen_line[number] = chunk.lines[place]
                self.in_file.add(number)
                if old.roster_digest != digests[place]:
                    # Same values, another text (or none yet): remember this text.
                    backfill.append({"_id": old.id, "roster_digest": digests[place]})
            else:
                waiting.add(number)
                changed.append(place)
        _bulk_update(self.connection, STUDENTS, ("roster_digest",), backfill)
        return changed, stored

    def _same_student(
        self, number: str, values: Sequence[str], old: StoredStudent, codes: dict[int, str]
    ) -> bool:
        """Whether a raw row says exactly what is stored (photo rows always count as changed)."""
        ssn = values[S_SSN].strip()
        return bool(
            not old.has_photo
            and not values[S_PHOTO].strip()
            and values[S_FIRST].strip() == old.first_name
            and values[S_LAST].strip() == old.last_name
            and values[S_BORN].strip() == str(old.birthdate)
            and values[S_GRADE].strip() == old.grade
            and values[S_STATUS].strip() == ("active" if old.active else "inactive")
            and values[S_SCHOOL].strip() == codes.get(old.school_id)
            and (
                old.ssn_last4_digest == self.keyring.ssn_last4_digest(number, ssn)
                if ssn
                else old.ssn_last4_digest is None
            )
        )

    def _refused(self, values: dict[str, str]) -> None:
        """A students.csv row was refused: its student (if named) stays exactly as stored."""
        self._refuse(values.get("student_id", ""))

    def _refuse(self, student_id: str) -> None:
        if number := student_id.strip():
            self.refused.add(number)

    def _changed_students(
        self, chunk: _Chunk, digests: list[str], stored: dict[str, StoredStudent]
    ) -> None:
        """Check the rows that differ from what is stored; insert or update the good ones."""
        name = "students.csv"
        columns, problems = checked(STUDENT_CHECKS, chunk.rows)
        lines = chunk.lines
        if problems:
            good = self._reject_rows(name, chunk, problems)
            columns = [list(compress(column, good)) for column in columns]
            lines, digests = list(compress(lines, good)), list(compress(digests, good))
        numbers, schools, first_names, last_names, born, grades, active, ssns, photos = columns
        school_ids = list(map(self.school_ids.get, schools))
        name_keys = _name_keys(first_names, last_names)
        ssn_digests = list(map(self._ssn_digest, numbers, ssns))
        if (
            stored.keys().isdisjoint(numbers)
            and not any(photos)
            and None not in school_ids
            and len(set(numbers)) == len(numbers)
            and self.seen_line.keys().isdisjoint(numbers)
        ):
            # The usual chunk of a first import: new students, each once, nothing to look at.
            self.seen_line.update(zip(numbers, lines, strict=True))
            self.in_file.update(numbers)
            new = zip(
                numbers,
                school_ids,
                first_names,
                last_names,
                name_keys,
                born,
                grades,
                active,
                ssn_digests,
                repeat(False),
                digests,
                strict=False,  # repeat() has no end
            )
            self.report.students_added += len(numbers)
            self.new_students.write(list(new))
            return
        inserts: list[tuple[Any, ...]] = []
        updates: list[dict[str, Any]] = []
        backfill: list[dict[str, Any]] = []
        photo_changes: dict[str, tuple[str, bytes | None]] = {}
        for place, line in enumerate(lines):
            number = numbers[place]
            if not self._first_row_of(number, line):
                continue
            if school_ids[place] is None:
                self.refused.add(number)
                self.report.reject(
                    name,
                    line,
                    "school_id",
                    Msg("no school {code} in schools.csv", code=schools[place]),
                )
                continue
            photo = None
            if photos[place]:
                photo, problem = self._photo(photos[place])
                if problem is not None:
                    self.refused.add(number)
                    self.report.reject(name, line, "photo", problem)
                    continue
            self.in_file.add(number)
            values = (
                school_ids[place],
                first_names[place],
                last_names[place],
                name_keys[place],
                born[place],
                grades[place],
                active[place],
                ssn_digests[place],
                photo is not None,
            )
            # A photo file can change while its row stays the same: such rows keep no digest
            # and are always compared (photo bytes included) the slow way.
            digest = None if photos[place] else digests[place]
            old = stored.get(number)
            if old is None:
                inserts.append((number, *values, digest))
                if photo is not None:
                    photo_changes[number] = (_content_type(photos[place]), photo)
                continue
            if photo is not None or old.has_photo:
                photo_changes[number] = (_content_type(photos[place]), photo)
            if any(
                not _same_value(getattr(old, c), v)
                for c, v in zip(_STUDENT_VALUES, values, strict=True)
            ):
                changes = dict(zip(_STUDENT_VALUES, values, strict=True))
                changes["birthdate"] = date.fromisoformat(changes["birthdate"])
                updates.append({"_id": old.id, **changes, "roster_digest": digest})
                self.report.students_updated += 1
            elif old.roster_digest != digest:
                backfill.append({"_id": old.id, "roster_digest": digest})
        self.report.students_added += len(inserts)
        self.new_students.write(inserts)
        if not (updates or backfill or photo_changes):
            return
        self.settle()
        _bulk_update(self.connection, STUDENTS, (*_STUDENT_VALUES, "roster_digest"), updates)
        _bulk_update(self.connection, STUDENTS, ("roster_digest",), backfill)
        if photo_changes:
            self._photos(photo_changes, {n: r.id for n, r in stored.items()})

    def _ssn_digest(self, number: str, last4: str | None) -> str | None:
        return self.ssn_last4_digest(number, last4) if last4 else None

    def _first_row_of(self, number: str, line: int) -> bool:
        """Whether this is the first valid row of the student; a repeat is refused."""
        first = self.seen_line.setdefault(number, line)
        if first != line:
            self.report.reject(
                "students.csv",
                line,
                "student_id",
                Msg("student {number} is already on line {line}", number=number, line=first),
            )
        return first == line

    def _photo(self, relative: str) -> tuple[bytes | None, Msg | None]:
        path = (self.folder / relative).resolve()
        if self.folder.resolve() not in path.parents:
            return None, Msg("the photo must be inside the roster folder")
        if path.suffix.lower() not in PHOTO_TYPES:
            return None, Msg("a photo must be a PNG or JPEG file")
        try:
            size = path.stat().st_size
            if size > MAX_PHOTO_BYTES:
                return None, Msg("the photo file is larger than 2 MB")
            return path.read_bytes(), None
        except FileNotFoundError:
            return None, Msg("no photo file {path}", path=relative)
        except OSError:
            return None, Msg("the photo file {path} cannot be read", path=relative)

    def _photos(self, photos: dict[str, tuple[str, bytes | None]], ids: dict[str, int]) -> None:
        """Store, replace or drop the photos of a chunk's students (unchanged ones stay)."""
        missing = [n for n in photos if n not in ids]
        if missing:
            ids.update(
                {
                    number: id_
                    for id_, number in self.connection.execute(
                        select(Student.id, Student.student_number).where(
                            Student.student_number.in_(missing)
                        )
                    )
                }
            )
        stored = {
            student_id: data
            for student_id, data in self.connection.execute(
                select(StudentPhoto.student_id, StudentPhoto.data).where(
                    StudentPhoto.student_id.in_([ids[n] for n in photos])
                )
            )
        }
        for number, (content_type, data) in photos.items():
            student_id = ids[number]
            old = stored.get(student_id)
            if old == data:
                continue
            if old is not None:
                self.connection.execute(
                    delete(StudentPhoto).where(StudentPhoto.student_id == student_id)
                )
            if data is not None:
                self.connection.execute(
                    insert(StudentPhoto).values(
                        student_id=student_id, content_type=content_type, data=data
                    )
                )

    def inactivate_missing(self) -> None:
        """Students on no row of students.csv leave the roster: they become inactive.

        The ids of those listed are kept, for their contacts.
        """
        gone: list[int] = []
        if self.in_file.issuperset(self.stored_ids):
            self.student_ids = self.stored_ids
        else:
            for number, id_ in self.stored_ids.items():
                if number in self.in_file:
                    self.student_ids[number] = id_
                    continue
                self.unlisted.append(id_)
                if number not in self.inactive and number not in self.refused:
                    gone.append(id_)
        self.stored_ids = {}
        # Those added by this run are all listed.
        sql = f"SELECT student_number, id FROM students WHERE id > {int(self.students_before)}"
        for batch in _batches(self.connection, sql):
            self.student_ids.update(batch)
        self.in_file = set()  # from here on, the keys of student_ids
        for chunk in _chunks(iter(gone)):
            self.connection.execute(
                # The row that made them active no longer says what is stored.
                update(Student)
                .where(Student.id.in_(chunk))
                .values(active=False, roster_digest=None)
            )
        self.report.students_inactivated = len(gone)

    # --- contacts

    def contacts(self) -> None:
        name = "contacts.csv"
        self.contacts_before = self.connection.scalar(select(func.max(Contact.id))) or 0
        last = _last_whole(self.connection, name)
        file_digest = self.keyring.roster_file_digest(self.folder / name)
        unlisted = self._unlisted_contacts()
        if last is not None and self._as_left(last, file_digest, unlisted):
            if self.progress is not None:
                size = (self.folder / name).stat().st_size
                self.progress(name, size, size)
            return  # the file imported last time, whole, and nothing changed since
        self.keep_contacts_of = {self.student_ids[n] for n in self.refused if n in self.student_ids}
        rejected_before = self.report.rejected_rows
        rows = 0
        chunks = _read_chunks(self.folder, name, CONTACTS_COLUMNS, self.report, self.progress)
        # The contacts stored before this run by the digest of the row each was last
        # imported from (which names the contact: student, name and relationship).
        by_digest: dict[str, int] = {}
        if self.contacts_before:
            sql = "SELECT roster_digest, id FROM contacts WHERE roster_digest IS NOT NULL"
            for batch in _batches(self.connection, sql):
                by_digest.update(batch)
        for chunk in chunks:
            digests = self.contact_digests(chunk.rows)
            rows += len(digests)
            stored: dict[ContactKey, StoredContact] = {}
            if self.contacts_before:
                changed, stored = self._unchanged_contacts(chunk, digests, by_digest)
                chunk, digests = chunk.only(changed), [digests[i] for i in changed]
            self._changed_contacts(chunk, digests, stored)
        self.settle()
        listed = set(self.student_ids.values()) - self.keep_contacts_of
        self.student_ids = {}
        self._remove_unlisted_contacts(listed)
        if self.report.rejected_rows > rejected_before:
            unlisted = None  # contacts of listed students may stay as they were
        elif self.keyring.roster_file_digest(self.folder / name) != file_digest:
            unlisted = None  # the file changed while it was read
        self._remember(name, last, _Whole(file_digest, rows, unlisted))

    def _unlisted_contacts(self) -> _Total | None:
        """The contacts of the students not listed (none: one of them has no digest)."""
        total = _Total()
        for ids in _chunks(iter(self.unlisted)):
            digests = _select_in(
                self.connection,
                "SELECT roster_digest FROM contacts WHERE student_id {in_values}",
                ids,
            )
            if any(digest is None for (digest,) in digests):
                return None
            total.add([digest for (digest,) in digests])
        return total

    def _as_left(self, last: _Whole, file_digest: str, unlisted: _Total | None) -> bool:
        """Whether contacts.csv is the file imported whole last time, and the contacts are as
        that import left them: a detailed import would then change nothing.

        The contacts of students not listed were set aside then; the same ones are set aside
        now (none joined them, none left), so the others are those the rows named then, and
        every row names a listed student.
        """
        if file_digest != last.file_digest or unlisted != last.unlisted:
            return False
        counts = self.connection.execute(select(func.count(), func.count(Contact.roster_digest)))
        # Contacts added, removed or left without a digest by other means show here.
        return bool(tuple(counts.one()) == (last.stored, last.stored))

    def _remember(self, name: str, last: _Whole | None, now: _Whole) -> None:
        """Keep what this import of ``name`` left, if it was whole: every row good, and the
        table holds nothing else but the records of students not listed, each with a digest.
        Otherwise forget what an earlier import left."""
        counts = self.connection.execute(select(func.count(), func.count(Contact.roster_digest)))
        if now.unlisted is None or tuple(counts.one()) != (now.stored, now.stored):
            now = _Whole(now.file_digest, now.rows, None)
        if now == last:
            return
        if last is not None:
            self.connection.execute(delete(RosterFile).where(RosterFile.file == name))
        if now.unlisted is not None:
            self.connection.execute(insert(RosterFile).values(file=name, **now.values()))

    def _unchanged_contacts(
        self, chunk: _Chunk, digests: list[str], by_digest: dict[str, int]
    ) -> tuple[list[int], dict[ContactKey, StoredContact]]:
        """Take the chunk's rows that say what is stored; the places of the others, and the
        stored contacts they were compared with."""
        self.settle()
        # The fast way: the row as read is the one last imported (same digest). A stored
        # contact is named by one row: it leaves by_digest as it is looked up.
        ids = list(map(by_digest.pop, digests, repeat(None)))
        if (
            None not in ids
            and self.student_ids.keys() >= set(map(itemgetter(C_STUDENT), chunk.rows))
            and self.matched.keys().isdisjoint(ids)
        ):
            self.matched.update(zip(cast(list[int], ids), chunk.lines, strict=True))
            return [], {}
        numbers = list(map(str.strip, map(itemgetter(C_STUDENT), chunk.rows)))
        before = self.contacts_before
        rest: list[int] = []
        waiting: set[ContactKey] = set()
        for place, number in enumerate(numbers):
            if number in self.student_ids:
                id_ = ids[place]
                if (
                    id_ is not None
                    and id_ not in self.matched
                    and (not waiting or self._key_of(chunk.rows[place]) not in waiting)
                ):
                    self.matched[id_] = chunk.lines[place]
                    continue
                waiting.add(self._key_of(chunk.rows[place]))
            rest.append(place)
        # Then the rest the slow way, value by value, as stored.
        stored = {
            (row.student_id, row.first_name, row.last_name, row.relationship): row
            for row in map(
                StoredContact._make,
                _select_in(
                    self.connection,
                    f"SELECT {', '.join(StoredContact._fields)} FROM contacts "
                    "WHERE student_id {in_values}",
                    list(
                        {
                            self.student_ids[numbers[p]]
                            for p in rest
                            if numbers[p] in self.student_ids
                        }
                    ),
                ),
            )
            if row.id <= before
        }
        changed: list[int] = []
        waiting = set()
        backfill: list[dict[str, Any]] = []
        for place in rest:
            row = chunk.rows[place]
            if numbers[place] in self.student_ids:
                key = self._key_of(row)
                old = stored.get(key)
                if (
                    old is not None
                    and old.id not in self.matched
                    and key not in waiting
                    and _same_contact(row, old)
                ):
                    self.matched[old.id] = chunk.lines[place]
                    if old.roster_digest != digests[place]:
                        # Same values, another text (or none yet): remember this text.
                        backfill.append({"_id": old.id, "roster_digest": digests[place]})
                    continue
                waiting.add(key)
            changed.append(place)
        _bulk_update(self.connection, CONTACTS, ("roster_digest",), backfill)
        return changed, stored

    def _key_of(self, values: Sequence[str]) -> ContactKey:
        """The natural key a raw contacts.csv row names (its student must be known)."""
        return (
            self.student_ids[values[C_STUDENT].strip()],
            values[C_FIRST].strip(),
            values[C_LAST].strip(),
            values[C_RELATIONSHIP].strip(),
        )

    def _changed_contacts(
        self, chunk: _Chunk, digests: list[str], stored: dict[ContactKey, StoredContact]
    ) -> None:
        """Check the rows that differ from what is stored; insert or update the good ones."""
        name = "contacts.csv"
        columns, problems = checked(CONTACT_CHECKS, chunk.rows)
        lines = chunk.lines
        if problems:
            good = self._reject_rows(name, chunk, problems)
            columns = [list(compress(column, good)) for column in columns]
            lines, digests = list(compress(lines, good)), list(compress(digests, good))
        numbers, first_names, last_names, relationships, emails, phones, access = columns
        owners = list(map(self.student_ids.get, numbers))
        keys = list(zip(owners, first_names, last_names, relationships, strict=True))
        hashes = list(map(hash, keys))
        if (
            None not in owners
            and stored.keys().isdisjoint(keys)
            and len(set(hashes)) == len(hashes)
            and self.added.keys().isdisjoint(hashes)
        ):
            # The usual chunk of a first import: new contacts of listed students, each once.
            self.added.update(zip(hashes, lines, strict=True))
            new = zip(
                owners,
                first_names,
                last_names,
                relationships,
                emails,
                phones,
                access,
                digests,
                strict=True,
            )
            self.report.contacts_added += len(keys)
            self.new_contacts.write(list(new))
            return
        inserts: list[tuple[Any, ...]] = []
        updates: list[dict[str, Any]] = []
        backfill: list[dict[str, Any]] = []
        added: dict[ContactKey, int] = {}
        for place, line in enumerate(lines):
            number = numbers[place]
            if number not in self.student_ids:
                self._unlisted_student(number, line)
                continue
            key = cast(ContactKey, keys[place])  # its student is listed
            old = stored.get(key)
            first = self.matched.get(old.id) if old is not None else self._added_on(key, added)
            if first is not None:
                self.report.reject(
                    name,
                    line,
                    "",
                    Msg(
                        "the same contact of student {number} is already on line {line}",
                        number=number,
                        line=first,
                    ),
                )
                continue
            given = (emails[place], phones[place], access[place])
            if old is None:
                added[key] = line
                inserts.append((*key, *given, digests[place]))
                continue
            self.matched[old.id] = line
            if any(
                not _same_value(getattr(old, c), v)
                for c, v in zip(_CONTACT_VALUES, given, strict=True)
            ):
                changes = dict(zip(_CONTACT_VALUES, given, strict=True))
                updates.append({"_id": old.id, **changes, "roster_digest": digests[place]})
            elif old.roster_digest != digests[place]:
                backfill.append({"_id": old.id, "roster_digest": digests[place]})
        self.added.update(zip(map(hash, added), added.values(), strict=True))
        self.report.contacts_added += len(inserts)
        self.report.contacts_updated += len(updates)
        self.new_contacts.write(inserts)
        if not (updates or backfill):
            return
        self.settle()
        _bulk_update(self.connection, CONTACTS, (*_CONTACT_VALUES, "roster_digest"), updates)
        _bulk_update(self.connection, CONTACTS, ("roster_digest",), backfill)

    def _unlisted_student(self, number: str, line: int) -> None:
        """A contact's student is on no good row of students.csv: the contact is refused."""
        reason = (
            Msg("the student's row in students.csv was refused")
            if number in self.refused
            else Msg("no student {number} in students.csv", number=number)
        )
        self.report.reject("contacts.csv", line, "student_id", reason)

    def _added_on(self, key: ContactKey, added_here: dict[ContactKey, int]) -> int | None:
        """The line of the row that added this contact in this run, if one did."""
        line = added_here.get(key)
        if line is None and (line := self.added.get(hash(key))) is not None:
            # Only the key's hash is kept: the database tells whether the key is the same.
            self.settle()
            student_id, first_name, last_name, relationship = key
            same = select(Contact.id).where(
                Contact.id > self.contacts_before,
                Contact.student_id == student_id,
                Contact.first_name == first_name,
                Contact.last_name == last_name,
                Contact.relationship == relationship,
            )
            if self.connection.scalar(select(exists(same))) is not True:
                line = None
        return line

    def _remove_unlisted_contacts(self, listed: set[int]) -> None:
        """Contacts of listed students that no row names any more leave their record."""
        before = self.contacts_before
        if len(self.matched) == self.connection.scalar(
            select(func.count()).where(Contact.id <= before)
        ):
            return  # every contact stored before was named by a row
        stored = _stream(
            self.connection, f"SELECT id, student_id FROM contacts WHERE id <= {int(before)}"
        )
        unlisted = [
            id_ for id_, student_id in stored if id_ not in self.matched and student_id in listed
        ]
        for chunk in _chunks(iter(unlisted)):
            self.connection.execute(delete(Contact).where(Contact.id.in_(chunk)))
        self.report.contacts_removed = len(unlisted)


@dataclass
class _Total:
    """The sum of rows' digests (modulo 2**128, so their order does not count) and how many."""

    digest: int = 0
    rows: int = 0

    def add(self, digests: Sequence[str]) -> None:
        self.digest = (self.digest + sum(map(int, digests, repeat(16)))) % 2**128
        self.rows += len(digests)

    def hex(self) -> str:
        return f"{self.digest:032x}"


@dataclass(frozen=True)
class _Whole:
    """What an import of a whole roster file left (see ``RosterFile``)."""

    file_digest: str
    rows: int
    """The file's rows."""
    unlisted: _Total | None
    """The records of students not listed (none: not whole)."""

    @property
    def stored(self) -> int:
        """The records in the table, when the import was whole."""
        return self.rows + (self.unlisted.rows if self.unlisted is not None else 0)

    def values(self) -> dict[str, Any]:
        assert self.unlisted is not None
        return {
            "file_digest": self.file_digest,
            "rows": self.stored,
            "unlisted_digest": self.unlisted.hex(),
            "unlisted_rows": self.unlisted.rows,
        }


def _last_whole(connection: Connection, file: str) -> _Whole | None:
    """What the last whole import of ``file`` left, if the last import of it was whole."""
    row = connection.execute(select(RosterFile).where(RosterFile.file == file)).first()
    if row is None:
        return None
    unlisted = _Total(int(row.unlisted_digest, 16), row.unlisted_rows)
    return _Whole(row.file_digest, row.rows - row.unlisted_rows, unlisted)


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
    the lookup itself when a whole roster is compared (compare with :func:`_same_value`).
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


def _batches(connection: Connection, sql: str) -> Iterator[list[tuple[Any, ...]]]:
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


def _stream(connection: Connection, sql: str) -> Iterator[tuple[Any, ...]]:
    """The rows of ``sql`` one by one, read a batch at a time."""
    for batch in _batches(connection, sql):
        yield from batch


def _same_value(stored: object, new: object) -> bool:
    """Whether a stored value (as the driver returns it) is ``new``."""
    if isinstance(new, bool):
        return bool(stored) is new
    if isinstance(stored, date):  # PostgreSQL's dates; SQLite gives the ISO text
        return stored.isoformat() == new
    return stored == new


def _same_contact(values: Sequence[str], old: StoredContact) -> bool:
    """Whether a raw contacts.csv row says exactly what is stored."""
    return bool(
        normalize_email(values[C_EMAIL]) == (old.email or "")
        and values[C_PHONE].strip() == (old.phone or "")
        and values[C_ACCESS].strip().lower() == ("yes" if old.portal_access else "no")
    )


def _content_type(photo: str | None) -> str:
    return PHOTO_TYPES.get(Path(photo or "").suffix.lower(), "image/png")


def import_roster(
    uow: UnitOfWork, actor: Actor, folder: Path, progress: Progress | None = None
) -> ImportReport:
    """Import the roster files in ``folder`` in the caller's transaction; audited.

    Raises :class:`RosterFileError` when a file cannot be used at all (missing, empty, wrong
    header): the caller must then write nothing.
    """
    report = ImportReport()
    importer = _Importer(uow, folder, report, progress)
    importer.check_headers()
    try:
        importer.schools()
        importer.students()
        importer.inactivate_missing()
        importer.contacts()
    except BaseException as error:
        importer.settle(error)
        raise
    finally:
        importer.page_cache.restore()
    # Rows are checked a chunk ahead of writing, so problems arrive slightly out of order.
    order = list(FILES)
    report.problems.sort(key=lambda p: (order.index(p.file), p.line))
    record(uow, actor, AuditAction.ROSTER_IMPORT, folder=str(folder), counts=report.counts())
    return report


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause Python's cycle collector for the import.

    An import makes millions of short-lived objects (rows, values) and no reference cycles,
    while keeping large maps alive (student ids, matched contacts); the collector would
    rescan those maps again and again, about a sixth of a re-import's time. Reference
    counting still frees everything at once.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def run_import(
    database: Database,
    actor: Actor,
    folder: Path,
    *,
    strict: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import ``folder`` in one transaction, committed only when it should be.

    A dry run, or a strict run with any refused row, rolls back whole; a file that cannot be
    used at all is reported and nothing is written.
    """
    report = ImportReport()
    try:
        with _no_cycle_collection(), database.write() as uow:
            report = import_roster(uow, actor, folder, progress)
            if dry_run or (strict and not report.complete):
                raise _Discard
    except _Discard:
        return report
    except RosterFileError as error:
        report = ImportReport(file_error=True, problems=[error.problem])
        return report
    report.written = True
    return report
