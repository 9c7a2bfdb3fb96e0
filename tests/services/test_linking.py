"""R9, R10: linking a child by the district's identifiers."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from frontdesk.db.engine import Database
from frontdesk.db.models import Attempt, AuditEvent, LinkStatus, StudentLink
from frontdesk.district_settings import Identifier
from frontdesk.errors import FieldErrors, LinkAlreadyExists, RateLimited, StudentNotMatched
from frontdesk.services.linking import ChildIdentifiers, request_link
from tests.factories import change_settings, register, small_roster

JOSE = {
    "first_name": "José",
    "last_name": "O'Brien-Nguyễn",
    "student_id": "1000001",
    "birthdate": date(2016, 4, 2),
    "ssn_last4": "1234",
}


def link(db: Database, session: object, **given: object) -> object:
    with db.write() as uow:
        return request_link(uow, session, ChildIdentifiers(**given))  # type: ignore[arg-type]


def test_a_matching_child_is_linked_and_waits_for_verification(database: Database) -> None:
    roster = small_roster(database)
    parent = register(database)
    linked = link(database, parent, **JOSE)
    assert linked.status is LinkStatus.PENDING
    assert (linked.first_name, linked.school_name) == ("José", "Owl Creek Elementary")
    assert linked.photo == b"\x89PNG fake"
    with database.read() as uow:
        row = uow.session.get_one(StudentLink, linked.link_id)
        assert row.student_id == roster.students["jose"]
        assert row.school_id == roster.schools["north"]
        assert "1234" not in str(row.matched_identifiers)


@pytest.mark.parametrize(
    ("first", "last"),
    [
        ("jose", "obrien nguyen"),
        ("JOSE", "O’BRIEN NGUYEN"),
        ("  José ", "O Brien-Nguyen"),
        ("Jose", "o'brien–nguyễn"),
    ],
)
def test_names_match_after_folding_accents_case_apostrophes_and_hyphens(
    database: Database, first: str, last: str
) -> None:
    small_roster(database)
    parent = register(database)
    assert link(database, parent, **{**JOSE, "first_name": first, "last_name": last})


def test_polish_letters_fold(database: Database) -> None:
    small_roster(database)
    parent = register(database)
    linked = link(
        database,
        parent,
        first_name="Lukasz",
        last_name="WISNIEWSKI",
        student_id="1000002",
        birthdate=date(2010, 11, 30),
        ssn_last4="9876",
    )
    assert linked.last_name == "Wiśniewski"


@pytest.mark.parametrize(
    "wrong",
    [
        {"student_id": "1999999"},  # no such student
        {"birthdate": date(2016, 4, 3)},  # wrong birthdate
        {"ssn_last4": "4321"},  # wrong SSN digits
        {"first_name": "Ayşe"},  # the sibling's name
        {
            "student_id": "1000004",
            "first_name": "Søren",
            "last_name": "Østergaard",
            "birthdate": date(2015, 6, 6),
            "ssn_last4": "5555",
        },  # inactive student
    ],
)
def test_every_miss_gets_the_same_neutral_answer(database: Database, wrong: dict) -> None:
    small_roster(database)
    parent = register(database)
    with pytest.raises(StudentNotMatched) as caught:
        link(database, parent, **{**JOSE, **wrong})
    assert str(caught.value.message) == str(StudentNotMatched().message)
    with database.read() as uow:
        assert uow.session.scalar(select(func.count()).select_from(StudentLink)) == 0
        # The failure is remembered even though the request was refused.
        failures = select(func.count()).where(Attempt.kind == "link_failed")
        # The parent, the kiosk, and the student named by each two of ID, name, birthdate.
        assert uow.session.scalar(failures) == 5
        assert "link.request_failed" in uow.session.scalars(select(AuditEvent.action)).all()


def test_a_student_without_ssn_digits_cannot_be_matched_by_them(database: Database) -> None:
    small_roster(database)
    parent = register(database)
    with pytest.raises(StudentNotMatched):
        link(
            database,
            parent,
            first_name="Mia",
            last_name="Smith",
            student_id="1000005",
            birthdate=date(2012, 2, 2),
            ssn_last4="0000",
        )


def test_only_the_districts_identifiers_are_needed(database: Database) -> None:
    small_roster(database)
    change_settings(
        database,
        required_identifiers={Identifier.BIRTHDATE, Identifier.SSN_LAST4},
        force_name_entry=False,
    )
    parent = register(database)
    linked = link(database, parent, birthdate=date(2010, 11, 30), ssn_last4="9876")
    assert linked.first_name == "Łukasz"


def test_missing_identifiers_are_named(database: Database) -> None:
    small_roster(database)
    parent = register(database)
    with pytest.raises(FieldErrors) as caught:
        link(database, parent, student_id="1000001", ssn_last4="12a4")
    assert set(caught.value.fields) == {"first_name", "last_name", "birthdate", "ssn_last4"}


def test_a_child_cannot_be_asked_for_twice(database: Database) -> None:
    small_roster(database)
    parent = register(database)
    link(database, parent, **JOSE)
    with pytest.raises(LinkAlreadyExists):
        link(database, parent, **JOSE)


def test_bypass_makes_links_live_at_once(database: Database) -> None:
    small_roster(database)
    change_settings(database, links_bypass_verification=True)
    parent = register(database)
    assert link(database, parent, **JOSE).status is LinkStatus.APPROVED


def test_failed_attempts_are_limited_per_parent(database: Database) -> None:
    small_roster(database)
    parent = register(database)
    for _ in range(5):
        with pytest.raises(StudentNotMatched):
            link(database, parent, **{**JOSE, "ssn_last4": "0000"})
    # Past the limit even the right identifiers are refused: see the front office.
    with pytest.raises(RateLimited):
        link(database, parent, **JOSE)
    with database.read() as uow:
        assert "rate_limited" in uow.session.scalars(select(AuditEvent.action)).all()


def test_failed_attempts_are_limited_per_student_across_parents(database: Database) -> None:
    small_roster(database)
    for n in range(5):
        parent = register(database, email=f"p{n}@example.org")
        with pytest.raises(StudentNotMatched):
            link(database, parent, **{**JOSE, "ssn_last4": "0000"})
    parent = register(database, email="another@example.org")
    with pytest.raises(RateLimited):
        link(database, parent, **JOSE)


def test_the_window_passes(database: Database, clock) -> None:  # type: ignore[no-untyped-def]
    small_roster(database)
    parent = register(database)
    for _ in range(5):
        with pytest.raises(StudentNotMatched):
            link(database, parent, **{**JOSE, "ssn_last4": "0000"})
    clock.advance(minutes=61)
    assert link(database, parent, **JOSE).status is LinkStatus.PENDING
