"""Roster import from the SIS (A2): schools, students with photos, and their contacts.

The three files are the whole roster. Re-running the import updates rows in place and never
duplicates: students are matched by ``student_id``, contacts by (student, first name, last
name, relationship). A student missing from ``students.csv`` becomes inactive. Bad rows are
reported with file, line, column and reason; good rows are imported.

It is built for 400,000 students: rows are read and compared chunk by chunk against what is
stored (unchanged rows cost no write), new rows go in with bulk inserts (``COPY`` on
PostgreSQL), and everything happens in one transaction, so a strict or dry run rolls back
whole and a failure leaves the roster as it was.

Each stored row keeps a keyed digest of the CSV row it was last imported from
(``roster_digest``, see ``Keyring.roster_hasher``): a row read again with the same digest is
skipped after a look at that one column, which is what makes a nightly re-import cheap. Rows
without one (from before digests, from the demo, with a photo, inactivated) are compared value
by value, and given the digest when they turn out equal.
"""

from __future__ import annotations

import codecs
import csv
import gc
import hashlib
import io
from collections.abc import Callable, Collection, Generator, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Final, Literal, NamedTuple, TypeVar, cast

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from sqlalchemy import Connection, Table, bindparam, delete, func, insert, select, update

from frontdesk.db.engine import Database
from frontdesk.db.models import Contact, School, Student, StudentPhoto
from frontdesk.db.uow import UnitOfWork
from frontdesk.i18n import Msg
from frontdesk.names import search_key
from frontdesk.roster import CONTACTS_COLUMNS, FILES, SCHOOLS_COLUMNS, STUDENTS_COLUMNS
from frontdesk.services.audit import Actor, AuditAction, record
from frontdesk.services.registration import is_email, normalize_email

CHUNK: Final = 5000
"""Rows read, compared and written together: big enough for bulk statements, small enough
to keep memory flat and to stay under SQLite's limit of bound parameters."""

MAX_PHOTO_BYTES: Final = 2 * 1024 * 1024
MAX_PROBLEMS_KEPT: Final = 10_000
"""Problems kept for the report; beyond that they are only counted."""

PHOTO_TYPES: Final = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}

Progress = Callable[[str, int, int], None]
"""``progress(file name, bytes read, file size)``, called now and then while reading."""


# --- what a row holds ------------------------------------------------------------------------


def _iso_date(value: object) -> object:
    # pydantic would also take a Unix timestamp; the roster format says YYYY-MM-DD only.
    if isinstance(value, str):
        try:
            return date.fromisoformat(value) if len(value) == 10 else value
        except ValueError:
            return value
    return value


def _blank_is_none(value: object) -> object:
    return None if value == "" else value


def _yes_no(value: object) -> object:
    if isinstance(value, str) and value.strip().lower() in {"yes", "no"}:
        return value.strip().lower() == "yes"
    return value


def _email(value: object) -> object:
    if isinstance(value, str):
        if value.strip() == "":
            return None
        email = normalize_email(value)
        if not is_email(email):
            raise ValueError("not an email")
        return email
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date)]


class _Row(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore", strict=False)


class SchoolRow(_Row):
    """A row of ``schools.csv``."""

    school_id: Annotated[str, Field(min_length=1, max_length=20)]
    name: Annotated[str, Field(min_length=1, max_length=200)]


class StudentRow(_Row):
    """A row of ``students.csv``."""

    student_id: Annotated[str, Field(min_length=1, max_length=20, pattern=r"^\S+$")]
    school_id: Annotated[str, Field(min_length=1, max_length=20)]
    first_name: Annotated[str, Field(min_length=1, max_length=100)]
    last_name: Annotated[str, Field(min_length=1, max_length=100)]
    birthdate: IsoDate
    grade: Annotated[str, Field(min_length=1, max_length=8)]
    status: Literal["active", "inactive"]
    ssn_last4: Annotated[
        Annotated[str, Field(pattern=r"^\d{4}$")] | None, BeforeValidator(_blank_is_none)
    ]
    photo: Annotated[str | None, BeforeValidator(_blank_is_none)] = None


class ContactRow(_Row):
    """A row of ``contacts.csv``."""

    student_id: Annotated[str, Field(min_length=1, max_length=20)]
    first_name: Annotated[str, Field(min_length=1, max_length=100)]
    last_name: Annotated[str, Field(min_length=1, max_length=100)]
    relationship: Annotated[str, Field(min_length=1, max_length=40)]
    email: Annotated[Annotated[str, Field(max_length=254)] | None, BeforeValidator(_email)]
    phone: Annotated[Annotated[str, Field(max_length=40)] | None, BeforeValidator(_blank_is_none)]
    portal_access: Annotated[bool, BeforeValidator(_yes_no)]


# Our own words for pydantic's English, by column, for the reasons a row is refused.
_EXPECTED: Final = {
    "birthdate": Msg("not a date in the form YYYY-MM-DD"),
    "status": Msg("must be active or inactive"),
    "ssn_last4": Msg("must be four digits, or empty"),
    "portal_access": Msg("must be yes or no"),
    "email": Msg("not an email address"),
    "student_id": Msg("must be filled in, without spaces"),
}


def _reasons(error: ValidationError) -> list[tuple[str, Msg]]:
    """``(column, reason)`` for each problem pydantic found in a row."""
    reasons = []
    for problem in error.errors():
        column = str(problem["loc"][0]) if problem["loc"] else ""
        kind = problem["type"]
        if kind == "string_too_short":
            reason = Msg("must not be empty")
        elif kind == "string_too_long":
            reason = Msg(
                "too long (at most {n} characters)", n=problem.get("ctx", {}).get("max_length")
            )
        else:
            reason = _EXPECTED.get(column, Msg("not a valid value"))
        reasons.append((column, reason))
    return reasons


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
class _Line:
    """A row as read: its line number and its values in the file's contract order."""

    number: int
    values: list[str]
    columns: Sequence[str]

    def as_dict(self) -> dict[str, str]:
        return dict(zip(self.columns, self.values, strict=True))


# Where each column sits in a row (the contract's order, whatever the file's header order).
S_ID, S_SCHOOL, S_FIRST, S_LAST, S_BORN, S_GRADE, S_STATUS, S_SSN, S_PHOTO = range(9)
C_STUDENT, C_FIRST, C_LAST, C_RELATIONSHIP, C_EMAIL, C_PHONE, C_ACCESS = range(7)


def _rows(
    folder: Path,
    name: str,
    columns: Sequence[str],
    report: ImportReport,
    progress: Progress | None,
    refused: Callable[[dict[str, str]], None] | None = None,
    *,
    header_only: bool = False,
) -> Generator[_Line]:
    """The rows of one file as ``{column: text}``; bytes that are not UTF-8 reject the row.

    ``header_only`` checks the header and yields at most the first row, unchecked: enough to
    know the file is usable and not empty.

    ``refused`` hears what could be read of each row refused here, so the importer can leave
    that row's student alone.
    """
    path = folder / name
    if not path.is_file():
        raise RosterFileError(RowProblem(name, 0, "", Msg("the file is missing")))
    size = path.stat().st_size
    with path.open("rb") as raw:
        # surrogateescape keeps reading past bad bytes, so the row (not the file) is refused.
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="surrogateescape", newline="")
        reader = csv.reader(text)
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
        index = [(c, header.index(c)) for c in columns]
        positions = [i for _, i in index]
        in_order = positions == list(range(len(columns)))
        width = len(header)
        if header_only:
            first = next(reader, None)
            if first is not None:
                yield _Line(reader.line_num, first, columns)
            return
        # Most files are clean: checking the bytes once up front spares a check on every row.
        check_bytes = not _is_utf8(path)
        rows = iter(reader)
        count = 0
        while True:
            try:
                for row in rows:
                    count += 1
                    if progress is not None and count % CHUNK == 0:
                        progress(name, raw.tell(), size)
                    if len(row) != width:
                        if not row:
                            continue
                        if refused is not None:
                            refused(
                                {
                                    c: row[i]
                                    for c, i in index
                                    if i < len(row) and not _not_utf8(row[i])
                                }
                            )
                        report.reject(
                            name,
                            reader.line_num,
                            "",
                            Msg(
                                "{found} values where the header has {expected}",
                                found=len(row),
                                expected=width,
                            ),
                        )
                        continue
                    if check_bytes and any(_not_utf8(row[i]) for i in positions):
                        bad = next(c for c, i in index if _not_utf8(row[i]))
                        if refused is not None:
                            refused({c: row[i] for c, i in index if not _not_utf8(row[i])})
                        report.reject(name, reader.line_num, bad, Msg("bytes that are not UTF-8"))
                        continue
                    values = row[: len(columns)] if in_order else [row[i] for i in positions]
                    yield _Line(reader.line_num, values, columns)
                break
            except csv.Error as error:
                reason = Msg("not a readable CSV row: {reason}", reason=str(error))
                report.reject(name, reader.line_num, "", reason)
        if progress is not None:
            progress(name, size, size)


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


M = TypeVar("M", bound=_Row)
T = TypeVar("T")


def _validated(
    model: type[M],
    lines: Iterator[_Line],
    name: str,
    report: ImportReport,
    refused: Callable[[dict[str, str]], None] | None = None,
) -> Iterator[tuple[int, M]]:
    for line in lines:
        try:
            yield line.number, model.model_validate(line.as_dict())
        except ValidationError as error:
            if refused is not None:
                refused(line.as_dict())
            reasons = _reasons(error)
            report.reject(name, line.number, reasons[0][0], reasons[0][1])
            for column, reason in reasons[1:]:  # one row, one count; every reason shown
                report.note(name, line.number, column, reason)


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
PHOTOS = _table(StudentPhoto)
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
_CONTACT_VALUES: Final = ("email", "phone", "portal_access")


def _bulk_insert(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` the fastest way each database has: COPY, or one driver executemany.

    Both go past SQLAlchemy's per-row parameter handling, which would cost more than the
    insert itself; the values are already what the columns hold.
    """
    if not rows:
        return
    columns = list(rows[0])
    names = ", ".join(columns)
    driver: Any = connection.connection.driver_connection
    if connection.dialect.name == "postgresql":
        copying = f"COPY {table.name} ({names}) FROM STDIN"
        with driver.cursor() as cursor, cursor.copy(copying) as copy:
            for row in rows:
                copy.write_row([row[c] for c in columns])
    elif connection.dialect.name == "sqlite":
        marks = ", ".join("?" * len(columns))
        driver.executemany(
            f"INSERT INTO {table.name} ({names}) VALUES ({marks})",
            [[_sqlite_value(row[c]) for c in columns] for row in rows],
        )
    else:
        connection.execute(insert(table), rows)


def _sqlite_value(value: object) -> object:
    # Stored as SQLAlchemy's Date type stores it on SQLite.
    return value.isoformat() if isinstance(value, date) else value


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


# --- the import ------------------------------------------------------------------------------


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
        self.student_digest = self.keyring.roster_hasher("students.csv")
        self.contact_digest = self.keyring.roster_hasher("contacts.csv")
        self.school_ids: dict[str, int] = {}
        self.in_file: set[str] = set()
        """Student numbers on a good row of students.csv."""
        self.refused: set[str] = set()
        """Student numbers on a refused row: left exactly as stored."""

    def check_headers(self) -> None:
        """Refuse unusable files before anything is read or written."""
        for name, columns in (
            ("schools.csv", SCHOOLS_COLUMNS),
            ("students.csv", STUDENTS_COLUMNS),
            ("contacts.csv", CONTACTS_COLUMNS),
        ):
            rows = _rows(self.folder, name, columns, ImportReport(), None, header_only=True)
            first = next(rows, None)  # reads (and checks) the header
            rows.close()
            if first is None and name == "students.csv":
                # An export that lost its rows must not inactivate the whole district.
                raise RosterFileError(RowProblem(name, 2, "", Msg("the file lists no students")))

    def schools(self) -> None:
        name = "schools.csv"
        stored = {
            code: (id_, school_name)
            for id_, code, school_name in self.connection.execute(
                select(School.id, School.code, School.name)
            )
        }
        seen: dict[str, int] = {}
        lines = _rows(self.folder, name, SCHOOLS_COLUMNS, self.report, self.progress)
        for line, row in _validated(SchoolRow, lines, name, self.report):
            if row.school_id in seen:
                self.report.reject(
                    name,
                    line,
                    "school_id",
                    Msg(
                        "school {code} is already on line {line}",
                        code=row.school_id,
                        line=seen[row.school_id],
                    ),
                )
                continue
            seen[row.school_id] = line
            if row.school_id not in stored:
                self.connection.execute(insert(School).values(code=row.school_id, name=row.name))
                self.report.schools_added += 1
            elif stored[row.school_id][1] != row.name:
                self.connection.execute(
                    update(School).where(School.code == row.school_id).values(name=row.name)
                )
                self.report.schools_updated += 1
        self.school_ids = {
            code: id_ for id_, code in self.connection.execute(select(School.id, School.code))
        }

    def students(self) -> None:
        name = "students.csv"
        seen_line: dict[str, int] = {}
        lines = _rows(
            self.folder, name, STUDENTS_COLUMNS, self.report, self.progress, self._refused
        )
        codes = {id_: code for code, id_ in self.school_ids.items()}
        for chunk in _chunks(lines):
            numbers = [line.values[S_ID].strip() for line in chunk]
            digests = {line.number: self.student_digest(line.values) for line in chunk}
            known: dict[str, str | None] = dict(
                _select_in(
                    self.connection,
                    "SELECT student_number, roster_digest FROM students "
                    "WHERE student_number {in_values}",
                    numbers,
                )
            )
            # A row equal to what is stored is valid already: it skips validation and writing.
            # That is most rows of a nightly re-import, so this is what keeps it cheap. First
            # the fast way: the row as read is the one last imported (same digest).
            rest: list[tuple[str, _Line]] = []
            waiting: set[str] = set()
            for number, line in zip(numbers, chunk, strict=True):
                if (
                    number not in seen_line
                    and number not in waiting
                    and (stored_digest := known.get(number)) is not None
                    and stored_digest == digests[line.number]
                ):
                    seen_line[number] = line.number
                    self.in_file.add(number)
                else:
                    waiting.add(number)
                    rest.append((number, line))
            # Then the rest the slow way, value by value, as stored.
            stored = {
                row.student_number: row
                for row in map(
                    StoredStudent._make,
                    _select_in(
                        self.connection,
                        f"SELECT {', '.join(StoredStudent._fields)} FROM students "
                        "WHERE student_number {in_values}",
                        list({number for number, _ in rest if number in known}),
                    ),
                )
            }
            changed: list[_Line] = []
            waiting = set()
            backfill: list[dict[str, Any]] = []
            for number, line in rest:
                old = stored.get(number)
                if (
                    old is not None
                    and number not in seen_line
                    and number not in waiting
                    and self._same_student(number, line.values, old, codes)
                ):
                    seen_line[number] = line.number
                    self.in_file.add(number)
                    if old.roster_digest != digests[line.number]:
                        # Same values, another text (or none yet): remember this text.
                        backfill.append({"_id": old.id, "roster_digest": digests[line.number]})
                else:
                    waiting.add(number)
                    changed.append(line)
            _bulk_update(self.connection, STUDENTS, ("roster_digest",), backfill)
            rows = _validated(StudentRow, iter(changed), name, self.report, self._refused)
            self._student_chunk(list(self._good_students(rows, seen_line)), stored, digests)

    def _same_student(
        self, number: str, values: list[str], old: Any, codes: dict[int, str]
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
        number = values.get("student_id", "").strip()
        if number:
            self.refused.add(number)

    def _good_students(
        self, rows: Iterator[tuple[int, StudentRow]], seen_line: dict[str, int]
    ) -> Iterator[tuple[int, StudentRow, bytes | None]]:
        name = "students.csv"
        for line, row in rows:
            number = row.student_id
            if number in seen_line:
                self.report.reject(
                    name,
                    line,
                    "student_id",
                    Msg(
                        "student {number} is already on line {line}",
                        number=number,
                        line=seen_line[number],
                    ),
                )
                continue
            seen_line[number] = line
            if row.school_id not in self.school_ids:
                self.refused.add(number)
                self.report.reject(
                    name,
                    line,
                    "school_id",
                    Msg("no school {code} in schools.csv", code=row.school_id),
                )
                continue
            photo = None
            if row.photo:
                photo, problem = self._photo(row.photo)
                if problem is not None:
                    self.refused.add(number)
                    self.report.reject(name, line, "photo", problem)
                    continue
            self.in_file.add(number)
            yield line, row, photo

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

    def _student_chunk(
        self,
        chunk: list[tuple[int, StudentRow, bytes | None]],
        stored: dict[str, Any],
        digests: dict[int, str],
    ) -> None:
        """Insert or update the good rows of a chunk; ``digests`` are the rows' by line."""
        inserts: list[dict[str, Any]] = []
        updates: list[dict[str, Any]] = []
        backfill: list[dict[str, Any]] = []
        photos: dict[str, tuple[str, bytes | None]] = {}
        for line, row, photo in chunk:
            # A photo file can change while its row stays the same: such rows keep no digest
            # and are always compared (photo bytes included) the slow way.
            digest = None if row.photo else digests[line]
            number = row.student_id
            values: dict[str, Any] = {
                "school_id": self.school_ids[row.school_id],
                "first_name": row.first_name,
                "last_name": row.last_name,
                "name_key": search_key(row.first_name, row.last_name),
                "birthdate": row.birthdate,
                "grade": row.grade,
                "active": row.status == "active",
                "ssn_last4_digest": (
                    self.keyring.ssn_last4_digest(number, row.ssn_last4) if row.ssn_last4 else None
                ),
                "has_photo": photo is not None,
            }
            old = stored.get(number)
            if old is None:
                inserts.append({"student_number": number, **values, "roster_digest": digest})
                if photo is not None:
                    photos[number] = (_content_type(row.photo), photo)
                continue
            if photo is not None or old.has_photo:
                photos[number] = (_content_type(row.photo), photo)
            if any(not _same_value(getattr(old, c), values[c]) for c in _STUDENT_VALUES):
                updates.append({"_id": old.id, **values, "roster_digest": digest})
                self.report.students_updated += 1
            elif old.roster_digest != digest:
                backfill.append({"_id": old.id, "roster_digest": digest})
        self.report.students_added += len(inserts)
        _bulk_insert(self.connection, STUDENTS, inserts)
        _bulk_update(self.connection, STUDENTS, (*_STUDENT_VALUES, "roster_digest"), updates)
        _bulk_update(self.connection, STUDENTS, ("roster_digest",), backfill)
        if photos:
            self._photos(photos, {n: r.id for n, r in stored.items()})

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
        """Students on no row of students.csv leave the roster: they become inactive."""
        active = self.connection.execute(
            select(Student.id, Student.student_number).where(Student.active.is_(True)),
            execution_options={"yield_per": CHUNK},
        )
        gone = [
            id_
            for id_, number in active
            if number not in self.in_file and number not in self.refused
        ]
        for chunk in _chunks(iter(gone)):
            self.connection.execute(
                # The row that made them active no longer says what is stored.
                update(Student)
                .where(Student.id.in_(chunk))
                .values(active=False, roster_digest=None)
            )
        self.report.students_inactivated = len(gone)

    def contacts(self) -> None:
        name = "contacts.csv"
        student_ids: dict[str, int] = {
            number: id_
            for number, id_ in _stream(self.connection, "SELECT student_number, id FROM students")
        }
        # Contacts made before this run; those not matched by a row are removed at the end.
        last_stored = self.connection.scalar(select(func.max(Contact.id))) or 0
        matched: dict[int, int] = {}
        """Stored contacts named by a row: id -> line (a second row naming one is a repeat)."""
        new_keys: dict[bytes, int] = {}
        """Contacts added by a row: key digest -> line, for the same check."""
        keep_contacts_of: set[int] = {student_ids[n] for n in self.refused if n in student_ids}
        lines = _rows(self.folder, name, CONTACTS_COLUMNS, self.report, self.progress)
        for chunk in _chunks(lines):
            numbers = [line.values[C_STUDENT].strip() for line in chunk]
            digests = {line.number: self.contact_digest(line.values) for line in chunk}
            owners = list({student_ids[number] for number in numbers if number in self.in_file})
            # The row as read is the one last imported (same digest): the fast way. The digest
            # covers the contact's name and relationship, so it also names the contact.
            by_digest: dict[str, int] = {
                digest: id_
                for id_, digest in _select_in(
                    self.connection,
                    "SELECT id, roster_digest FROM contacts "
                    "WHERE roster_digest IS NOT NULL AND student_id {in_values}",
                    owners,
                )
            }
            rest: list[tuple[str, _Line]] = []
            waiting: set[tuple[int, str, str, str]] = set()
            for number, line in zip(numbers, chunk, strict=True):
                if number in self.in_file:
                    id_ = by_digest.get(digests[line.number])
                    if (
                        id_ is not None
                        and id_ not in matched
                        and (not waiting or _contact_key(student_ids, line.values) not in waiting)
                    ):
                        matched[id_] = line.number
                        continue
                    waiting.add(_contact_key(student_ids, line.values))
                rest.append((number, line))
            del by_digest
            # Then the rest the slow way, value by value, as stored.
            stored = {
                (row.student_id, row.first_name, row.last_name, row.relationship): row
                for row in map(
                    StoredContact._make,
                    _select_in(
                        self.connection,
                        f"SELECT {', '.join(StoredContact._fields)} FROM contacts "
                        "WHERE student_id {in_values}",
                        list({student_ids[n] for n, _ in rest if n in self.in_file}),
                    ),
                )
            }
            changed: list[_Line] = []
            waiting = set()
            backfill: list[dict[str, Any]] = []
            for number, line in rest:
                values = line.values
                if number in self.in_file:
                    key = _contact_key(student_ids, values)
                    old = stored.get(key)
                    if (
                        old is not None
                        and old.id not in matched
                        and key not in waiting
                        and _same_contact(values, old)
                    ):
                        matched[old.id] = line.number
                        if old.roster_digest != digests[line.number]:
                            # Same values, another text (or none yet): remember this text.
                            backfill.append({"_id": old.id, "roster_digest": digests[line.number]})
                        continue
                    waiting.add(key)
                changed.append(line)
            _bulk_update(self.connection, CONTACTS, ("roster_digest",), backfill)
            inserts: list[dict[str, Any]] = []
            updates: list[dict[str, Any]] = []
            for line_number, row in _validated(ContactRow, iter(changed), name, self.report):
                number = row.student_id
                if number not in self.in_file:
                    if number in student_ids:  # their stored contacts stay as they are
                        keep_contacts_of.add(student_ids[number])
                    reason = (
                        Msg("the student's row in students.csv was refused")
                        if number in self.refused
                        else Msg("no student {number} in students.csv", number=number)
                    )
                    self.report.reject(name, line_number, "student_id", reason)
                    continue
                key = (student_ids[number], row.first_name, row.last_name, row.relationship)
                old = stored.get(key)
                digest = _key_digest(key) if old is None else b""
                first = matched.get(old.id) if old is not None else new_keys.get(digest)
                if first is not None:
                    self.report.reject(
                        name,
                        line_number,
                        "",
                        Msg(
                            "the same contact of student {number} is already on line {line}",
                            number=number,
                            line=first,
                        ),
                    )
                    continue
                given = {
                    "email": row.email,
                    "phone": row.phone,
                    "portal_access": row.portal_access,
                    "roster_digest": digests[line_number],
                }
                if old is None:
                    new_keys[digest] = line_number
                    inserts.append(
                        {
                            "student_id": key[0],
                            "first_name": row.first_name,
                            "last_name": row.last_name,
                            "relationship": row.relationship,
                            **given,
                        }
                    )
                    continue
                matched[old.id] = line_number
                if any(not _same_value(getattr(old, c), given[c]) for c in _CONTACT_VALUES):
                    updates.append({"_id": old.id, **given})
                elif old.roster_digest != given["roster_digest"]:
                    backfill.append({"_id": old.id, "roster_digest": given["roster_digest"]})
            self.report.contacts_added += len(inserts)
            self.report.contacts_updated += len(updates)
            _bulk_insert(self.connection, CONTACTS, inserts)
            _bulk_update(self.connection, CONTACTS, (*_CONTACT_VALUES, "roster_digest"), updates)
            _bulk_update(self.connection, CONTACTS, ("roster_digest",), backfill)
        listed = {student_ids[n] for n in self.in_file} - keep_contacts_of
        del student_ids
        self._remove_unlisted_contacts(last_stored, matched.keys(), listed)

    def _remove_unlisted_contacts(
        self, last_stored: int, matched: Collection[int], listed: set[int]
    ) -> None:
        """Contacts of listed students that no row names any more leave their record."""
        stored = _stream(
            self.connection, f"SELECT id, student_id FROM contacts WHERE id <= {int(last_stored)}"
        )
        unlisted = [
            id_ for id_, student_id in stored if id_ not in matched and student_id in listed
        ]
        for chunk in _chunks(iter(unlisted)):
            self.connection.execute(delete(Contact).where(Contact.id.in_(chunk)))
        self.report.contacts_removed = len(unlisted)


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


def _stream(connection: Connection, sql: str) -> Iterator[tuple[Any, ...]]:
    """The rows of ``sql`` a batch at a time (a server-side cursor on PostgreSQL)."""
    driver: Any = connection.connection.driver_connection
    if connection.dialect.name == "postgresql":
        cursor = driver.cursor(name="frontdesk_roster_stream")
        cursor.itersize = CHUNK
    else:
        cursor = driver.cursor()
    try:
        cursor.execute(sql)
        while batch := cursor.fetchmany(CHUNK):
            yield from batch
    finally:
        cursor.close()


def _same_value(stored: object, new: object) -> bool:
    """Whether a stored value (as the driver returns it) is ``new``."""
    if isinstance(new, bool):
        return bool(stored) is new
    if isinstance(new, date):
        return str(stored) == new.isoformat()
    return stored == new


def _key_digest(key: tuple[int, str, str, str]) -> bytes:
    """A contact's natural key in 16 bytes: remembering 800,000 of them stays small."""
    return hashlib.blake2b("\x1f".join(map(str, key)).encode(), digest_size=16).digest()


def _contact_key(student_ids: dict[str, int], values: list[str]) -> tuple[int, str, str, str]:
    """The natural key a raw contacts.csv row names (its student must be known)."""
    return (
        student_ids[values[C_STUDENT].strip()],
        values[C_FIRST].strip(),
        values[C_LAST].strip(),
        values[C_RELATIONSHIP].strip(),
    )


def _same_contact(values: list[str], old: Any) -> bool:
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
    importer.schools()
    importer.students()
    importer.inactivate_missing()
    importer.contacts()
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
