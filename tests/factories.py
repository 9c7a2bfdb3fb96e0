"""Small, explicit roster data for tests: what each test needs and nothing more."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from frontdesk.db.engine import Database
from frontdesk.db.models import Contact, OutboxMail, School, StaffRole, Student, StudentPhoto
from frontdesk.district_settings import DistrictSettings
from frontdesk.mail.outbox import opened_bodies
from frontdesk.names import search_key
from frontdesk.services.audit import Actor
from frontdesk.services.district import save_settings
from frontdesk.services.linking import ChildIdentifiers
from frontdesk.services.registration import AccountForm, create_parent_account
from frontdesk.services.sessions import ParentSession, StaffSession, staff_session
from frontdesk.services.staff import create_staff

PASSWORD = "correct horse battery staple"
JOSE = ChildIdentifiers(
    first_name="José",
    last_name="O'Brien-Nguyễn",
    student_id="1000001",
    birthdate=date(2016, 4, 2),
    ssn_last4="1234",
)
"""What José's parent types to link him (``small_roster``)."""
AYSE = ChildIdentifiers(
    first_name="Ayse",
    last_name="OBrien Nguyen",
    student_id="1000003",
    birthdate=date(2018, 1, 15),
    ssn_last4="4321",
)
"""José's sister, typed without her accents (same school)."""
LUKASZ = ChildIdentifiers(
    first_name="Łukasz",
    last_name="Wiśniewski",
    student_id="1000002",
    birthdate=date(2010, 11, 30),
    ssn_last4="9876",
)
"""A child of the same family at the other school (``0102``)."""
STAFF_PASSWORD = "front office desk pass 2026"
STAFF_PIN = "246810"
"""The kiosk-exit PIN every ``staff_member`` has."""


@dataclass
class Roster:
    """Ids of what ``small_roster`` made."""

    schools: dict[str, int]
    students: dict[str, int]


def small_roster(db: Database) -> Roster:
    """Two schools; students with accents, apostrophes, siblings, an inactive one, one without
    SSN digits; contacts with and without email and portal access."""
    with db.write() as uow:
        s = uow.session
        north = School(code="0101", name="Owl Creek Elementary")
        south = School(code="0102", name="Heron Bay High School")
        s.add_all([north, south])
        s.flush()

        def student(
            number: str,
            school: School,
            first: str,
            last: str,
            born: date,
            ssn: str | None,
            active: bool = True,
            photo: bytes | None = None,
        ) -> Student:
            st = Student(
                student_number=number,
                school_id=school.id,
                first_name=first,
                last_name=last,
                name_key=search_key(first, last),
                birthdate=born,
                grade="3",
                active=active,
                ssn_last4_digest=uow.runtime.keyring.ssn_last4_digest(number, ssn) if ssn else None,
                has_photo=photo is not None,
            )
            s.add(st)
            s.flush()
            if photo:
                s.add(StudentPhoto(student_id=st.id, content_type="image/png", data=photo))
            return st

        jose = student(
            "1000001",
            north,
            "José",
            "O'Brien-Nguyễn",
            date(2016, 4, 2),
            "1234",
            photo=b"\x89PNG fake",
        )
        lukasz = student("1000002", south, "Łukasz", "Wiśniewski", date(2010, 11, 30), "9876")
        sister = student("1000003", north, "Ayşe", "O'Brien-Nguyễn", date(2018, 1, 15), "4321")
        gone = student(
            "1000004", north, "Søren", "Østergaard", date(2015, 6, 6), "5555", active=False
        )
        nossn = student("1000005", south, "Mia", "Smith", date(2012, 2, 2), None)
        for kid in (jose, sister):
            s.add(
                Contact(
                    student_id=kid.id,
                    first_name="María",
                    last_name="Nguyễn",
                    relationship="Mother",
                    email="maria@example.org",
                    phone="555-0101",
                    portal_access=True,
                )
            )
            s.add(
                Contact(
                    student_id=kid.id,
                    first_name="Tom",
                    last_name="O'Brien",
                    relationship="Father",
                    email="tom@example.org",
                    phone="555-0102",
                    portal_access=False,
                )
            )
        s.add(
            Contact(
                student_id=lukasz.id,
                first_name="Anna",
                last_name="Wiśniewska",
                relationship="Mother",
                email=None,
                phone="555-0103",
                portal_access=True,
            )
        )
        s.add(
            Contact(
                student_id=gone.id,
                first_name="Bjørn",
                last_name="Østergaard",
                relationship="Father",
                email="bjorn@example.org",
                phone="555-0104",
                portal_access=True,
            )
        )
        return Roster(
            schools={"north": north.id, "south": south.id},
            students={
                "jose": jose.id,
                "lukasz": lukasz.id,
                "sister": sister.id,
                "gone": gone.id,
                "nossn": nossn.id,
            },
        )


def enrol(
    db: Database,
    number: str,
    first: str,
    last: str,
    born: date,
    ssn: str | None = None,
    *,
    school: str = "0101",
) -> int:
    """One more active student at the school coded ``school`` (made by ``small_roster``),
    stored as the roster import stores one; returns its id."""
    with db.write() as uow:
        student = Student(
            student_number=number,
            school_id=uow.session.scalars(select(School.id).where(School.code == school)).one(),
            first_name=first,
            last_name=last,
            name_key=search_key(first, last),
            birthdate=born,
            grade="2",
            ssn_last4_digest=uow.runtime.keyring.ssn_last4_digest(number, ssn) if ssn else None,
        )
        uow.session.add(student)
        uow.session.flush()
        return student.id


def account_form(**overrides: Any) -> AccountForm:
    """A complete, valid account form."""
    values: dict[str, Any] = {
        "first_name": "María",
        "last_name": "Nguyễn",
        "email": "maria@example.org",
        "phone": "(305) 555-0101",
        "relationship": "Mother",
        "password": PASSWORD,
        "password_confirm": PASSWORD,
        "language": "es",
    }
    values.update(overrides)
    return AccountForm(**values)


def register(db: Database, **overrides: Any) -> ParentSession:
    """A new parent account, signed in."""
    with db.write() as uow:
        return create_parent_account(uow, account_form(**overrides))


def staff_member(db: Database, username: str, role: StaffRole, schools: list[str]) -> StaffSession:
    """A staff account, signed in."""
    with db.write() as uow:
        staff = create_staff(
            uow,
            Actor.system("test"),
            username=username,
            display_name=username.title(),
            role=role,
            password=STAFF_PASSWORD,
            school_codes=schools,
            pin=STAFF_PIN,
        )
        return staff_session(staff)


def change_settings(db: Database, **changes: Any) -> DistrictSettings:
    """Store the district's settings with ``changes`` applied."""
    with db.write() as uow:
        new = uow.settings.model_copy(update=changes)
        new = DistrictSettings.model_validate(new.model_dump())
        save_settings(uow, Actor.system("test"), new)
        return new


def delivered_text(db: Database, mail: OutboxMail) -> str:
    """The text part of a queued mail as delivery builds it (its sealed secrets put back)."""
    text, _html = opened_bodies(
        db.runtime.keyring, mail.message_id, mail.sealed_secrets, mail.body_text, mail.body_html
    )
    return text
