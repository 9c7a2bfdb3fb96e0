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
from tests.factories import change_settings, enrol, register, small_roster

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


DANG = {"student_id": "1000010", "birthdate": date(2015, 3, 7), "ssn_last4": "2468"}
"""Nguyễn Thị Đặng's identifiers other than her name (on record as "Thị Đặng" "Nguyễn")."""
JOAO = {"student_id": "1000011", "birthdate": date(2014, 8, 9), "ssn_last4": "1357"}
"""João da Conceição's ("João", "da Conceição")."""
MARIA = {"student_id": "1000012", "birthdate": date(2013, 5, 1), "ssn_last4": "8642"}
"""Maria da Conceição Silva's ("Maria da Conceição", "Silva")."""


def families_of_other_languages(db: Database) -> None:
    small_roster(db)
    enrol(db, "1000010", "Thị Đặng", "Nguyễn", date(2015, 3, 7), "2468")
    enrol(db, "1000011", "João", "da Conceição", date(2014, 8, 9), "1357")
    enrol(db, "1000012", "Maria da Conceição", "Silva", date(2013, 5, 1), "8642")


@pytest.mark.parametrize(
    ("first", "last", "child"),
    [
        ("Thi Dang", "Nguyen", DANG),
        ("THỊ ĐẶNG", "NGUYỄN", DANG),
        ("Thi\u0323 \u0110a\u0306\u0323ng", "Nguye\u0302\u0303n", DANG),  # decomposed (NFD)
        ("Nguyễn", "Thị Đặng", DANG),  # family name first, as it is said
        ("Đặng", "Nguyễn Thị", DANG),
        ("Joao", "da Conceicao", JOAO),
        ("JOÃO", "DA CONCEIÇÃO", JOAO),
        ("da Conceição", "João", JOAO),
        ("Maria da Conceicao", "Silva", MARIA),
        ("Maria", "da Conceição Silva", MARIA),
    ],
)
def test_vietnamese_and_portuguese_names_match_as_a_clerk_reads_them(
    database: Database, first: str, last: str, child: dict[str, object]
) -> None:
    families_of_other_languages(database)
    parent = register(database)
    linked = link(database, parent, **child, first_name=first, last_name=last)
    with database.read() as uow:
        row = uow.session.get_one(StudentLink, linked.link_id)  # type: ignore[attr-defined]
        assert row.student.student_number == child["student_id"]


@pytest.mark.parametrize(
    ("first", "last", "child"),
    [
        ("Dang Thi", "Nguyen", DANG),  # the words shuffled
        ("Dang", "Nguyen", DANG),  # a word left out
        ("Maria", "Silva", MARIA),
        ("Joao", "Conceicao", JOAO),
    ],
)
def test_a_name_with_words_shuffled_or_left_out_is_a_miss_and_counted(
    database: Database, first: str, last: str, child: dict[str, object]
) -> None:
    families_of_other_languages(database)
    parent = register(database)
    with pytest.raises(StudentNotMatched):
        link(database, parent, **child, first_name=first, last_name=last)
    with database.read() as uow:
        assert uow.session.scalar(select(func.count()).select_from(StudentLink)) == 0
        assert uow.session.scalar(select(func.count()).where(Attempt.kind == "link_failed")) == 5


def test_a_loose_name_still_needs_every_other_identifier(database: Database) -> None:
    families_of_other_languages(database)
    parent = register(database)
    for wrong in ({"ssn_last4": "2469"}, {"birthdate": date(2015, 7, 3)}):
        with pytest.raises(StudentNotMatched):
            link(database, parent, **{**DANG, **wrong}, first_name="Nguyễn", last_name="Thị Đặng")
