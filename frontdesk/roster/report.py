"""What a roster import reports: its counts, and why each refused row (or file) was refused."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import compress
from typing import Any, Final

from frontdesk.i18n import Msg
from frontdesk.roster.checks import Column, Problems, checked

MAX_PROBLEMS_KEPT: Final = 10_000
"""Problems kept for the report; beyond that they are only counted."""


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
        """Keep why a row was refused without counting it again (up to a limit)."""
        if len(self.problems) < MAX_PROBLEMS_KEPT:
            self.problems.append(RowProblem(file, line, column, reason))

    def reject_rows(self, file: str, lines: Sequence[int], problems: Problems) -> list[bool]:
        """Refuse the rows of a chunk (ending on ``lines``) that have ``problems``, one count a
        row and every reason kept; whether each row is good."""
        for place, reasons in sorted(problems.items()):
            line = lines[place]
            (column, reason), *more = reasons
            self.reject(file, line, column, reason)
            for column, reason in more:  # one row, one count; every reason shown
                self.note(file, line, column, reason)
        return [place not in problems for place in range(len(lines))]

    def keep_good_rows(
        self,
        file: str,
        checks: Sequence[Column],
        rows: Sequence[Sequence[str]],
        lines: list[int],
        digests: list[str],
    ) -> tuple[list[list[Any]], list[int], list[str], Problems]:
        """Check a chunk's rows a column at a time (``checked``) and refuse those with problems
        (``reject_rows``): the good rows' columns, lines and digests, and the problems."""
        columns, problems = checked(checks, rows)
        if not problems:
            return columns, lines, digests, problems
        good = self.reject_rows(file, lines, problems)
        return (
            [list(compress(column, good)) for column in columns],
            list(compress(lines, good)),
            list(compress(digests, good)),
            problems,
        )


class RosterFileError(Exception):
    """A roster file cannot be used at all; nothing is imported."""

    def __init__(self, problem: RowProblem) -> None:
        super().__init__(str(problem))
        self.problem = problem
