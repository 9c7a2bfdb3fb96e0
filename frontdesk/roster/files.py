"""The roster files the SIS exports and frontdesk reads (A2's contract; see the README).

``schools.csv``, ``students.csv`` and ``contacts.csv``: UTF-8 with a header row.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Final

SCHOOLS_COLUMNS: Final = ("school_id", "name")
STUDENTS_COLUMNS: Final = (
    "student_id",
    "school_id",
    "first_name",
    "last_name",
    "birthdate",
    "grade",
    "status",
    "ssn_last4",
    "photo",
)
CONTACTS_COLUMNS: Final = (
    "student_id",
    "first_name",
    "last_name",
    "relationship",
    "email",
    "phone",
    "portal_access",
)

# Where each column sits in a row as the import hands it on (the order above, whatever the
# order of the file's header).
S_ID, S_SCHOOL, S_FIRST, S_LAST, S_BORN, S_GRADE, S_STATUS, S_SSN, S_PHOTO = range(9)
C_STUDENT, C_FIRST, C_LAST, C_RELATIONSHIP, C_EMAIL, C_PHONE, C_ACCESS = range(7)

FILES: Final = {
    "schools.csv": SCHOOLS_COLUMNS,
    "students.csv": STUDENTS_COLUMNS,
    "contacts.csv": CONTACTS_COLUMNS,
}


class RosterWriter:
    """Writes the three roster files into a folder, row by row."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self._files = {
            name: (folder / name).open("w", newline="", encoding="utf-8") for name in FILES
        }
        self._writers = {name: csv.writer(f) for name, f in self._files.items()}
        for name, columns in FILES.items():
            self._writers[name].writerow(columns)

    def write(self, file: str, rows: Iterable[Sequence[object]]) -> None:
        """Append ``rows`` (in the file's column order) to ``file``."""
        self._writers[file].writerows(rows)

    def close(self) -> None:
        """Flush and close the files."""
        for f in self._files.values():
            f.close()

    def __enter__(self) -> RosterWriter:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
