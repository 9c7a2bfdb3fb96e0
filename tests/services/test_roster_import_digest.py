"""The re-import's fast path: a row whose keyed digest matches the stored one is skipped."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, select, update

from frontdesk.db.engine import Database
from frontdesk.db.models import Contact, Student
from frontdesk.roster.importer import run_import
from frontdesk.security import Keyring
from tests.services.test_roster_import import ADMIN, CONTACTS, SCHOOLS, STUDENTS, write_roster

NOTHING = (
    "students: 0 added, 0 updated, 0 inactivated; contacts: 0 added, 0 updated, "
    "0 removed; rejected rows: 0"
)


def stored(db: Database) -> tuple[list[Any], list[Any]]:
    """Every student and contact row as stored, digests included."""
    with db.read() as uow:
        students = uow.session.execute(select(*Student.__table__.c).order_by(Student.id)).all()
        contacts = uow.session.execute(select(*Contact.__table__.c).order_by(Contact.id)).all()
    return [tuple(r) for r in students], [tuple(r) for r in contacts]


@contextmanager
def roster_writes(db: Database) -> Iterator[list[str]]:
    """The statements that change students or contacts while the block runs."""
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        words = statement.split()
        if words[0].upper() in {"UPDATE", "INSERT", "DELETE"} and {
            "students",
            "contacts",
        } & {w.strip('"').lower() for w in words[:4]}:
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", note)


def digests(db: Database) -> dict[str, str | None]:
    with db.read() as uow:
        rows = uow.session.execute(select(Student.student_number, Student.roster_digest))
        return {number: digest for number, digest in rows}


def test_an_unchanged_re_import_writes_nothing(database: Database, tmp_path: Path) -> None:
    folder = write_roster(tmp_path)
    run_import(database, ADMIN, folder)
    before = stored(database)
    by_number = digests(database)
    # José's row names a photo, whose file may change under the same row: no digest.
    assert by_number["1000001"] is None
    assert by_number["1000002"] is not None and by_number["1000003"] is not None
    assert all(c[-1] is not None for c in before[1])  # roster_digest is the last column
    with roster_writes(database) as writes:
        again = run_import(database, ADMIN, folder)
    assert again.summary() == NOTHING
    assert writes == []
    assert stored(database) == before


def test_a_changed_field_is_picked_up_through_the_fast_path(
    database: Database, tmp_path: Path
) -> None:
    run_import(database, ADMIN, write_roster(tmp_path / "a"))
    before = digests(database)
    students = [STUDENTS[0], (*STUDENTS[1][:5], "10", *STUDENTS[1][6:]), STUDENTS[2]]
    contacts = [*CONTACTS[:3], (*CONTACTS[3][:5], "555-9999", "yes")]
    folder = write_roster(tmp_path / "b", SCHOOLS, students, contacts)
    with roster_writes(database) as writes:
        report = run_import(database, ADMIN, folder)
    assert [w.split()[:2] for w in writes] == [["UPDATE", "students"], ["UPDATE", "contacts"]]
    assert report.summary() == (
        "students: 0 added, 1 updated, 0 inactivated; contacts: 0 added, 1 updated, "
        "0 removed; rejected rows: 0"
    )
    after = digests(database)
    assert after["1000002"] not in {None, before["1000002"]}
    assert after["1000003"] == before["1000003"]
    with database.read() as uow:
        assert (
            uow.session.scalars(
                select(Student.grade).where(Student.student_number == "1000002")
            ).one()
            == "10"
        )
        assert (
            uow.session.scalars(select(Contact.phone).where(Contact.first_name == "Anna")).one()
            == "555-9999"
        )
    # The new rows are now the ones remembered: importing them again writes nothing.
    with roster_writes(database) as writes:
        assert run_import(database, ADMIN, folder).summary() == NOTHING
    assert writes == []


def test_rows_without_a_digest_are_compared_and_given_one(
    database: Database, tmp_path: Path
) -> None:
    folder = write_roster(tmp_path)
    run_import(database, ADMIN, folder)
    before = stored(database)
    # As a database migrated from before digests, or built by the demo, holds them.
    with database.write() as uow:
        uow.session.execute(update(Student).values(roster_digest=None))
        uow.session.execute(update(Contact).values(roster_digest=None))
    assert run_import(database, ADMIN, folder).summary() == NOTHING
    assert stored(database) == before


def test_a_student_back_on_the_roster_is_active_again(database: Database, tmp_path: Path) -> None:
    folder = write_roster(tmp_path / "a")
    run_import(database, ADMIN, folder)
    left_out = write_roster(tmp_path / "b", SCHOOLS, STUDENTS[:2], CONTACTS[:2] + CONTACTS[3:])
    assert run_import(database, ADMIN, left_out).students_inactivated == 1
    # Their row is the very one imported before they left: it must not count as unchanged.
    report = run_import(database, ADMIN, folder)
    assert report.students_updated == 1 and report.contacts_added == 0
    with database.read() as uow:
        assert uow.session.scalars(
            select(Student.active).where(Student.student_number == "1000003")
        ).one()


def test_a_repeated_unchanged_row_is_still_refused(database: Database, tmp_path: Path) -> None:
    run_import(database, ADMIN, write_roster(tmp_path / "a"))
    students = [*STUDENTS, STUDENTS[1]]
    contacts = [*CONTACTS, CONTACTS[3]]
    report = run_import(database, ADMIN, write_roster(tmp_path / "b", SCHOOLS, students, contacts))
    assert [str(p) for p in report.problems] == [
        "students.csv:5: student_id: student 1000002 is already on line 3",
        "contacts.csv:6: the same contact of student 1000002 is already on line 5",
    ]
    assert report.students_updated == 0 and report.contacts_updated == 0


def test_row_digests_never_equal_for_different_rows(database: Database, tmp_path: Path) -> None:
    keyring = Keyring(b"k" * 32)
    students = keyring.roster_hasher("students.csv")
    rows = [
        ["1000001", "0101", "José", "Smith", "2016-04-02", "3", "active", "1234", ""],
        ["1000001", "0101", "José", "Smith", "2016-04-02", "3", "active", "1235", ""],
        ["1000001", "0101", "José", "Smith ", "2016-04-02", "3", "active", "1234", ""],
        ["1000001", "0101", "José\x1fSmith", "", "2016-04-02", "3", "active", "1234", ""],
        ["1000001", "0101", "José", "\x1fSmith", "2016-04-02", "3", "active", "1234", ""],
        ["1000001", "0101", "José", "Smith", "2016-04-02", "3", "active", "1234"],
    ]
    fingerprints = [students(row) for row in rows]
    assert len(set(fingerprints)) == len(rows)
    assert students(list(rows[0])) == fingerprints[0]  # the same row, the same digest
    # Another purpose or another district's key gives another digest.
    assert keyring.roster_hasher("contacts.csv")(rows[0]) != fingerprints[0]
    assert Keyring(b"j" * 32).roster_hasher("students.csv")(rows[0]) != fingerprints[0]
    assert "1234" not in fingerprints[0]
    # And in a database: every stored row has its own.
    run_import(database, ADMIN, write_roster(tmp_path))
    students_stored, contacts_stored = stored(database)
    all_digests = [r[-1] for r in students_stored + contacts_stored if r[-1] is not None]
    assert len(all_digests) == len(set(all_digests)) == 2 + len(CONTACTS)


def test_a_row_with_undecodable_bytes_has_a_digest_of_its_own() -> None:
    fingerprint = Keyring(b"k" * 32).roster_hasher("contacts.csv")
    # What the reader keeps of bytes that are not UTF-8 (surrogateescape).
    assert fingerprint(["a\udcff", "b"]) != fingerprint(["a\udcfe", "b"])


def test_fingerprints_of_many_rows_are_those_of_each_row() -> None:
    keyring = Keyring(b"k" * 32)
    one = keyring.roster_hasher("students.csv")
    many = keyring.roster_fingerprints("students.csv")
    plain = ["1000001", "0101", "José", "Smith"]
    separator = ["1000001", "0101", "José\x1fSmith", ""]
    undecodable = ["1000001", "0101", "Jos\udce9", "Smith"]
    for rows in ([plain], [plain, separator], [undecodable, plain], [plain[:1]], []):
        assert many(rows) == [one(row) for row in rows]


def test_contacts_in_another_order_are_the_same_contacts(
    database: Database, tmp_path: Path
) -> None:
    run_import(database, ADMIN, write_roster(tmp_path / "a"))
    before = stored(database)
    with roster_writes(database) as writes:
        again = run_import(database, ADMIN, write_roster(tmp_path / "b", contacts=CONTACTS[::-1]))
    assert again.summary() == NOTHING
    assert writes == []
    assert stored(database) == before


def test_a_contact_stored_by_other_means_is_removed_by_a_re_import(
    database: Database, tmp_path: Path
) -> None:
    folder = write_roster(tmp_path)
    run_import(database, ADMIN, folder)
    with database.write() as uow:
        student_id = uow.session.scalar(
            select(Student.id).where(Student.student_number == "1000002")
        )
        assert student_id is not None
        uow.session.add(
            Contact(student_id=student_id, first_name="Ed", last_name="Wu", relationship="Uncle")
        )
    again = run_import(database, ADMIN, folder)
    assert again.summary() == NOTHING.replace("0 removed", "1 removed")
    with database.read() as uow:
        assert uow.session.scalar(select(Contact.id).where(Contact.first_name == "Ed")) is None


def test_the_contacts_of_a_student_gone_from_the_roster_are_refused(
    database: Database, tmp_path: Path
) -> None:
    run_import(database, ADMIN, write_roster(tmp_path / "a"))
    again = run_import(database, ADMIN, write_roster(tmp_path / "b", students=STUDENTS[:2]))
    assert again.summary() == (
        "students: 0 added, 0 updated, 1 inactivated; contacts: 0 added, 0 updated, "
        "0 removed; rejected rows: 1"
    )
    assert [str(p) for p in again.problems] == [
        "contacts.csv:4: student_id: no student 1000003 in students.csv"
    ]
    # Once its rows are gone too, the next import is whole again and changes nothing.
    contacts = [c for c in CONTACTS if c[0] != "1000003"]
    folder = write_roster(tmp_path / "c", students=STUDENTS[:2], contacts=contacts)
    assert run_import(database, ADMIN, folder).summary() == NOTHING
    with roster_writes(database) as writes:
        assert run_import(database, ADMIN, folder).summary() == NOTHING
    assert writes == []
    # Back on the roster with no contact listed: the one set aside goes.
    back = run_import(database, ADMIN, write_roster(tmp_path / "d", contacts=contacts))
    assert back.summary() == (
        "students: 0 added, 1 updated, 0 inactivated; contacts: 0 added, 0 updated, "
        "1 removed; rejected rows: 0"
    )
