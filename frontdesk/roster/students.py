"""students.csv into the students table (A2).

A student is matched by ``student_id``. A row whose keyed digest is one stored costs no more
than that look-up; the others are compared with what is stored, value by value, and only
those that differ are checked (``checks``) and written. A student on no good row becomes
inactive; one on a refused row stays exactly as stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from itertools import repeat
from operator import itemgetter
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update

from frontdesk.db.models import Student
from frontdesk.i18n import Msg
from frontdesk.names import fold_name
from frontdesk.roster.checks import STUDENT_CHECKS
from frontdesk.roster.files import (
    S_BORN,
    S_FIRST,
    S_GRADE,
    S_ID,
    S_LAST,
    S_PHOTO,
    S_SCHOOL,
    S_SSN,
    S_STATUS,
    STUDENTS_COLUMNS,
)
from frontdesk.roster.photos import photo_content_type, read_photo, store_photos
from frontdesk.roster.reading import Chunk, Progress, read_chunks
from frontdesk.roster.report import ImportReport
from frontdesk.roster.store import (
    STUDENT_VALUES,
    RosterStore,
    StoredStudent,
    in_chunks,
    same_value,
)
from frontdesk.security import Keyring
from frontdesk.text import STUDENT_ID, is_clean


class StudentsImport:
    """One import of students.csv, and what it learns for the contacts: the students it
    lists, refuses, or does not list."""

    def __init__(
        self,
        store: RosterStore,
        keyring: Keyring,
        folder: Path,
        report: ImportReport,
        progress: Progress | None,
    ) -> None:
        self.store = store
        self.connection = store.connection
        self.new_students = store.new_students
        self.folder = folder
        self.report = report
        self.progress = progress
        self.keyring = keyring
        self.ssn_last4_digest = keyring.ssn_last4_digester()
        self.row_digests = keyring.roster_fingerprints("students.csv")
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
        self.unlisted: list[int] = []
        """The students stored before this run whom students.csv does not list (on no good row)."""

    def import_rows(self, school_ids: dict[str, int]) -> None:
        """Import the rows of students.csv (``school_ids``: the schools' ids by code)."""
        name = "students.csv"
        self.school_ids = school_ids
        self.students_before = self.connection.scalar(select(func.max(Student.id))) or 0
        self.had_students = self.students_before > 0
        codes = {id_: code for code, id_ in self.school_ids.items()}
        chunks = read_chunks(
            self.folder, name, STUDENTS_COLUMNS, self.report, self.progress, self._refused
        )
        # The digests of the rows stored students were last imported from. A digest covers
        # the whole row, student_id included: a row with one of them is that student's.
        known: set[str | None] = set()
        for batch in self.store.all_students() if self.had_students else ():
            self.stored_ids.update(map(itemgetter(0, 1), batch))
            self.inactive.update(number for number, _, active, _ in batch if not active)
            known.update(map(itemgetter(3), batch))
        for chunk in chunks:
            digests = self.row_digests(chunk.rows)
            stored: dict[str, StoredStudent] = {}
            if self.had_students:
                changed, stored = self._unchanged_students(chunk, digests, known, codes)
                chunk, digests = chunk.only(changed), [digests[i] for i in changed]
            self._changed_students(chunk, digests, stored)
        self.store.settle()
        self.seen_line = {}

    def _unchanged_students(
        self, chunk: Chunk, digests: list[str], known: set[str | None], codes: dict[int, str]
    ) -> tuple[list[int], dict[str, StoredStudent]]:
        """Take the chunk's rows that say what is stored; the places of the others, and the
        stored rows they were compared with.

        A row equal to what is stored is valid already: it skips validation and writing.
        That is most rows of a nightly re-import, so this is what keeps it cheap.
        """
        self.store.settle()
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
            for row in self.store.stored_students(
                # Only numbers a student can have: the database refuses some others
                # (PostgreSQL: a NUL); those rows are refused when checked.
                list({numbers[place] for place in rest if _storable_number(numbers[place])})
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
        self.store.update_students(("roster_digest",), backfill)
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
        self, chunk: Chunk, digests: list[str], stored: dict[str, StoredStudent]
    ) -> None:
        """Check the rows that differ from what is stored; insert or update the good ones."""
        name = "students.csv"
        columns, lines, digests, problems = self.report.keep_good_rows(
            name, STUDENT_CHECKS, chunk.rows, chunk.lines, digests
        )
        for place in problems:
            self._refuse(chunk.rows[place][S_ID])
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
                photo, problem = read_photo(self.folder, photos[place])
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
                    photo_changes[number] = (photo_content_type(photos[place]), photo)
                continue
            if photo is not None or old.has_photo:
                photo_changes[number] = (photo_content_type(photos[place]), photo)
            if any(
                not same_value(getattr(old, c), v)
                for c, v in zip(STUDENT_VALUES, values, strict=True)
            ):
                changes = dict(zip(STUDENT_VALUES, values, strict=True))
                changes["birthdate"] = date.fromisoformat(changes["birthdate"])
                updates.append({"_id": old.id, **changes, "roster_digest": digest})
                self.report.students_updated += 1
            elif old.roster_digest != digest:
                backfill.append({"_id": old.id, "roster_digest": digest})
        self.report.students_added += len(inserts)
        self.new_students.write(inserts)
        if not (updates or backfill or photo_changes):
            return
        self.store.settle()
        self.store.update_students((*STUDENT_VALUES, "roster_digest"), updates)
        self.store.update_students(("roster_digest",), backfill)
        if photo_changes:
            store_photos(self.connection, photo_changes, {n: r.id for n, r in stored.items()})

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

    def inactivate_missing(self) -> dict[str, int]:
        """Students on no row of students.csv leave the roster: they become inactive.

        The ids of those listed, by number, are handed over for their contacts (this import
        keeps no copy: the contacts' import lets them go when it is done with them).
        """
        gone: list[int] = []
        student_ids: dict[str, int] = {}
        if self.in_file.issuperset(self.stored_ids):
            student_ids = self.stored_ids
        else:
            for number, id_ in self.stored_ids.items():
                if number in self.in_file:
                    student_ids[number] = id_
                    continue
                self.unlisted.append(id_)
                if number not in self.inactive and number not in self.refused:
                    gone.append(id_)
        self.stored_ids = {}
        # Those added by this run are all listed.
        for batch in self.store.students_after(self.students_before):
            student_ids.update(batch)
        self.in_file = set()  # from here on, the keys of student_ids say who is listed
        for chunk in in_chunks(iter(gone)):
            self.connection.execute(
                # The row that made them active no longer says what is stored.
                update(Student)
                .where(Student.id.in_(chunk))
                .values(active=False, roster_digest=None)
            )
        self.report.students_inactivated = len(gone)
        return student_ids


def _storable_number(number: str) -> bool:
    """Whether a student can have this number (what the database can be asked about)."""
    return is_clean(number, STUDENT_ID)


def _name_keys(first_names: Sequence[str], last_names: Sequence[str]) -> list[str]:
    """``names.search_key(first, last)`` of each pair (both filled in), a column at once."""
    return list(
        map(" ".join, zip(map(fold_name, first_names), map(fold_name, last_names), strict=True))
    )
