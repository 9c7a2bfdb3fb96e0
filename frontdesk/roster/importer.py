"""Roster import from the SIS (A2): schools, students with photos, and their contacts.

The three files are the whole roster. Re-running the import updates rows in place and never
duplicates: students are matched by ``student_id``, contacts by (student, first name, last
name, relationship). A student missing from ``students.csv`` becomes inactive. Bad rows are
reported with file, line, column and reason; good rows are imported.

It is built for 400,000 students. Rows are read a chunk at a time and handled a column at a
time: each column of a chunk is checked and converted in a few passes that run in C (see
``checks``), rows equal to what is stored cost no write, and new rows go in as plain
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

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from frontdesk.db.engine import Database
from frontdesk.db.uow import UnitOfWork
from frontdesk.i18n import Msg
from frontdesk.roster.contacts import ContactsImport
from frontdesk.roster.files import FILES
from frontdesk.roster.reading import Progress, first_row
from frontdesk.roster.report import ImportReport, RosterFileError, RowProblem
from frontdesk.roster.schools import import_schools
from frontdesk.roster.store import RosterStore
from frontdesk.roster.students import StudentsImport
from frontdesk.services.audit import Actor, AuditAction, record


class _DiscardChanges(Exception):
    """Raised inside the transaction to roll it back (dry run, strict with problems)."""


def check_headers(folder: Path) -> None:
    """Refuse unusable files before anything is read or written."""
    for name, columns in FILES.items():
        first = first_row(folder, name, columns)
        if first is None and name == "students.csv":
            # An export that lost its rows must not inactivate the whole district.
            raise RosterFileError(RowProblem(name, 2, "", Msg("the file lists no students")))


def import_roster(
    uow: UnitOfWork, actor: Actor, folder: Path, progress: Progress | None = None
) -> ImportReport:
    """Import the roster files in ``folder`` in the caller's transaction; audited.

    Raises :class:`RosterFileError` when a file cannot be used at all (missing, empty, wrong
    header): the caller must then write nothing.
    """
    report = ImportReport()
    store = RosterStore(uow.session.connection())
    keyring = uow.runtime.keyring
    students = StudentsImport(store, keyring, folder, report, progress)
    check_headers(folder)
    try:
        students.import_rows(import_schools(store.connection, folder, report, progress))
        contacts = ContactsImport(
            store,
            keyring,
            folder,
            report,
            progress,
            # Handed over, not kept here: the contacts' import lets them go once it has read
            # the file, which keeps a big district's import within its memory.
            student_ids=students.inactivate_missing(),
            refused=students.refused,
            unlisted=students.unlisted,
        )
        contacts.import_rows()
    except BaseException as error:
        store.settle(error)
        raise
    finally:
        store.page_cache.restore()
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
                raise _DiscardChanges
    except _DiscardChanges:
        return report
    except RosterFileError as error:
        report = ImportReport(file_error=True, problems=[error.problem])
        return report
    report.written = True
    return report
