"""Roster import (A2): whole-roster semantics, idempotence, and bad files reported row by row."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from frontdesk.db.engine import Database
from frontdesk.db.models import AuditEvent, Contact, School, Student, StudentPhoto
from frontdesk.names import search_key
from frontdesk.roster.files import RosterWriter
from frontdesk.roster.importer import run_import
from frontdesk.roster.report import ImportReport
from frontdesk.services.audit import Actor
from frontdesk.services.linking import request_link
from frontdesk.services.portal import portal_view
from tests.factories import JOSE, register

ADMIN = Actor.system("test")
PNG = b"\x89PNG\r\n\x1a\n fake photo"

SCHOOLS = [("0101", "Owl Creek Elementary"), ("0102", "Heron Bay High School")]
STUDENTS = [
    ("1000001", "0101", "José", "O'Brien-Nguyễn", "2016-04-02", "3", "active", "1234", "p/1.png"),
    ("1000002", "0102", "Łukasz", "Wiśniewski", "2010-11-30", "9", "active", "9876", ""),
    ("1000003", "0101", "Ayşe", "O'Brien-Nguyễn", "2018-01-15", "K", "active", "", ""),
]
CONTACTS = [
    ("1000001", "María", "Nguyễn", "Mother", "Maria@Example.ORG", "555-0101", "yes"),
    ("1000001", "Tom", "O'Brien", "Father", "", "555-0102", "no"),
    ("1000003", "María", "Nguyễn", "Mother", "maria@example.org", "555-0101", "yes"),
    ("1000002", "Anna", "Wiśniewska", "Mother", "anna@example.org", "", "yes"),
]


def write_roster(
    folder: Path,
    schools: list[tuple[str, ...]] = SCHOOLS,
    students: list[tuple[str, ...]] = STUDENTS,
    contacts: list[tuple[str, ...]] = CONTACTS,
) -> Path:
    with RosterWriter(folder) as writer:
        writer.write("schools.csv", schools)
        writer.write("students.csv", students)
        writer.write("contacts.csv", contacts)
    (folder / "p").mkdir(exist_ok=True)
    (folder / "p" / "1.png").write_bytes(PNG)
    return folder


def counts(db: Database) -> tuple[int, int, int, int]:
    with db.read() as uow:
        s = uow.session
        return (
            s.scalar(select(func.count()).select_from(School)) or 0,
            s.scalar(select(func.count()).select_from(Student)) or 0,
            s.scalar(select(func.count()).select_from(Contact)) or 0,
            s.scalar(select(func.count()).select_from(StudentPhoto)) or 0,
        )


def problems(report: ImportReport) -> list[str]:
    return [str(p) for p in report.problems]


def test_a_roster_is_imported_with_digests_keys_lower_case_emails_and_photos(
    database: Database, tmp_path: Path
) -> None:
    report = run_import(database, ADMIN, write_roster(tmp_path))
    assert report.summary() == (
        "students: 3 added, 0 updated, 0 inactivated; contacts: 4 added, 0 updated, "
        "0 removed; rejected rows: 0"
    )
    assert report.complete and report.written
    assert counts(database) == (2, 3, 4, 1)
    with database.read() as uow:
        jose = uow.session.scalars(select(Student).where(Student.student_number == "1000001")).one()
        assert jose.name_key == search_key("José", "O'Brien-Nguyễn")
        assert jose.ssn_last4_digest == uow.runtime.keyring.ssn_last4_digest("1000001", "1234")
        assert jose.has_photo and jose.school.code == "0101"
        photo = uow.session.get_one(StudentPhoto, jose.id)
        assert photo.data == PNG and photo.content_type == "image/png"
        ayse = uow.session.scalars(select(Student).where(Student.student_number == "1000003")).one()
        assert ayse.ssn_last4_digest is None
        emails = set(uow.session.scalars(select(Contact.email)))
        assert emails == {"maria@example.org", "anna@example.org", None}
        audit = uow.session.scalars(select(AuditEvent)).one()
        assert audit.action == "roster.import"
        assert audit.details["counts"]["students_added"] == 3
        assert "1234" not in str(audit.details)


def test_importing_the_same_files_again_changes_nothing(database: Database, tmp_path: Path) -> None:
    folder = write_roster(tmp_path)
    run_import(database, ADMIN, folder)
    with database.read() as uow:
        before = sorted(uow.session.execute(select(Contact.id, Contact.email)).all())
    again = run_import(database, ADMIN, folder)
    assert again.summary() == (
        "students: 0 added, 0 updated, 0 inactivated; contacts: 0 added, 0 updated, "
        "0 removed; rejected rows: 0"
    )
    assert counts(database) == (2, 3, 4, 1)
    with database.read() as uow:
        assert sorted(uow.session.execute(select(Contact.id, Contact.email)).all()) == before


def test_a_student_left_out_becomes_inactive_and_changes_update_in_place(
    database: Database, tmp_path: Path
) -> None:
    run_import(database, ADMIN, write_roster(tmp_path / "a"))
    students = [STUDENTS[0], (*STUDENTS[1][:5], "10", *STUDENTS[1][6:])]
    contacts = [
        CONTACTS[0],
        (*CONTACTS[3][:5], "555-9999", "yes"),
        ("1000002", "Piotr", "Wiśniewski", "Father", "", "", "no"),
    ]
    report = run_import(database, ADMIN, write_roster(tmp_path / "b", SCHOOLS, students, contacts))
    assert report.summary() == (
        "students: 0 added, 1 updated, 1 inactivated; contacts: 1 added, 1 updated, "
        "1 removed; rejected rows: 0"
    )
    with database.read() as uow:
        by_number = {s.student_number: s for s in uow.session.scalars(select(Student))}
        assert by_number["1000003"].active is False
        assert by_number["1000002"].grade == "10"
        tom = uow.session.scalars(select(Contact).where(Contact.first_name == "Tom")).all()
        assert tom == []
        # The inactive student's contacts stay on the record (history), the student is gone.
        assert counts(database) == (2, 3, 4, 1)


def test_a_removed_photo_is_dropped(database: Database, tmp_path: Path) -> None:
    run_import(database, ADMIN, write_roster(tmp_path / "a"))
    students = [(*STUDENTS[0][:8], ""), *STUDENTS[1:]]
    report = run_import(database, ADMIN, write_roster(tmp_path / "b", SCHOOLS, students))
    assert report.students_updated == 1
    assert counts(database)[3] == 0


def bad_roster(folder: Path) -> Path:
    """One bad row of each kind, among good ones."""
    students = [
        *STUDENTS,
        ("1000010", "0101", "Ana", "Bad-Date", "2016-02-30", "3", "active", "", ""),
        ("1000011", "9999", "Ana", "No-School", "2016-02-03", "3", "active", "", ""),
        ("1000001", "0101", "José", "Again", "2016-04-02", "3", "active", "", ""),
        ("1000012", "0101", "Ana", "No-Photo", "2016-02-03", "3", "active", "", "p/none.png"),
    ]
    write_roster(folder, students=students)
    with (folder / "students.csv").open("ab") as f:
        f.write(b"1000013,0101,Ana,Latin\xe9One,2016-02-03,3,active,,\n")
    return folder


def test_bad_rows_are_reported_and_good_rows_imported(database: Database, tmp_path: Path) -> None:
    report = run_import(database, ADMIN, bad_roster(tmp_path))
    assert problems(report) == [
        "students.csv:5: birthdate: not a date in the form YYYY-MM-DD",
        "students.csv:6: school_id: no school 9999 in schools.csv",
        "students.csv:7: student_id: student 1000001 is already on line 2",
        "students.csv:8: photo: no photo file p/none.png",
        "students.csv:9: last_name: bytes that are not UTF-8",
    ]
    assert report.rejected_rows == 5 and not report.complete and report.written
    assert report.students_added == 3
    assert counts(database) == (2, 3, 4, 1)


def test_strict_imports_nothing_when_a_row_is_bad(database: Database, tmp_path: Path) -> None:
    report = run_import(database, ADMIN, bad_roster(tmp_path), strict=True)
    assert report.rejected_rows == 5 and not report.written
    assert counts(database) == (0, 0, 0, 0)
    with database.read() as uow:
        assert uow.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_a_dry_run_reports_and_writes_nothing(database: Database, tmp_path: Path) -> None:
    report = run_import(database, ADMIN, write_roster(tmp_path), dry_run=True)
    assert report.students_added == 3 and not report.written
    assert counts(database) == (0, 0, 0, 0)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "students.csv:1: the file is empty"),
        (
            b"student_id,school,first_name\n1,2,3\n",
            "students.csv:1: school_id, last_name, birthdate, grade, status, ssn_last4, photo: "
            "the header lacks these columns; expected: student_id, school_id, first_name, "
            "last_name, birthdate, grade, status, ssn_last4, photo",
        ),
        (
            b"student_id,school_id,first_name,last_name,birthdate,grade,status,ssn_last4,photo\n",
            "students.csv:2: the file lists no students",
        ),
    ],
)
def test_an_unusable_file_imports_nothing(
    database: Database, tmp_path: Path, content: bytes, expected: str
) -> None:
    folder = write_roster(tmp_path / "first")
    run_import(database, ADMIN, folder)
    (folder / "students.csv").write_bytes(content)
    report = run_import(database, ADMIN, folder)
    assert report.file_error and not report.written
    assert problems(report) == [expected]
    with database.read() as uow:
        assert all(uow.session.scalars(select(Student.active)))
    assert counts(database) == (2, 3, 4, 1)


def test_bad_contacts_are_reported_with_line_and_column(database: Database, tmp_path: Path) -> None:
    contacts = [
        *CONTACTS,
        ("1000001", "María", "Nguyễn", "Mother", "maria@example.org", "", "yes"),
        ("1000099", "Nobody", "Here", "Aunt", "", "", "no"),
        ("1000002", "Ola", "W", "Aunt", "not-an-email", "", "maybe"),
    ]
    report = run_import(database, ADMIN, write_roster(tmp_path, contacts=contacts))
    assert problems(report) == [
        "contacts.csv:6: the same contact of student 1000001 is already on line 2",
        "contacts.csv:7: student_id: no student 1000099 in students.csv",
        "contacts.csv:8: email: not an email address",
        "contacts.csv:8: portal_access: must be yes or no",
    ]
    assert report.rejected_rows == 3 and report.contacts_added == 4


def test_a_linked_student_who_leaves_the_roster_shows_no_data(
    database: Database, tmp_path: Path
) -> None:
    run_import(database, ADMIN, write_roster(tmp_path / "a"))
    parent = register(database)
    with database.write() as uow:
        request_link(uow, parent, JOSE)
    with database.read() as uow:
        (shown,) = portal_view(uow, parent).students
    assert shown.first_name == "José"
    report = run_import(database, ADMIN, write_roster(tmp_path / "b", students=STUDENTS[1:]))
    assert report.students_inactivated == 1
    with database.read() as uow:
        (hidden,) = portal_view(uow, parent).students
    assert (hidden.first_name, hidden.school_name, hidden.grade) == (None, None, None)


def test_columns_in_another_order_with_extra_ones_read_the_same(
    database: Database, tmp_path: Path
) -> None:
    folder = write_roster(tmp_path)
    students = (folder / "students.csv").read_text(encoding="utf-8").splitlines()
    reordered = []
    for line in students:
        values = line.split(",")
        reordered.append(",".join([values[2], "x", *values[:2], *values[3:]]))
    reordered[0] = reordered[0].replace(",x,", ",homeroom,")
    (folder / "students.csv").write_text("\n".join(reordered) + "\n", encoding="utf-8")
    report = run_import(database, ADMIN, folder)
    assert report.summary() == (
        "students: 3 added, 0 updated, 0 inactivated; contacts: 4 added, 0 updated, "
        "0 removed; rejected rows: 0"
    )
    with database.read() as uow:
        jose = uow.session.scalars(select(Student).where(Student.student_number == "1000001")).one()
        assert (jose.first_name, jose.last_name, jose.grade) == ("José", "O'Brien-Nguyễn", "3")


def test_line_numbers_count_values_over_several_lines_and_blank_lines(
    database: Database, tmp_path: Path
) -> None:
    folder = write_roster(tmp_path)
    with (folder / "students.csv").open("ab") as f:
        f.write(b'1000020,0101,"Ana\r\nMaria",Li,2016-02-03,3,active,,\r\n\r\n')
        f.write(b"1000021,0101,Bo,Li,2016-02-03,3,active\r\n")
    report = run_import(database, ADMIN, folder)
    # A name holds no line break: that row is refused too, on the line it ends on.
    assert problems(report) == [
        "students.csv:6: first_name: characters that are not allowed here (control characters)",
        "students.csv:8: 7 values where the header has 9",
    ]
    assert report.students_added == 3
