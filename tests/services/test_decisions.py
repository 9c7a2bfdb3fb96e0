"""V2, V3: the desk's one call per decision (``decisions.decide`` and ``record_check``): the
typed photo-ID check read the one way, and recorded with the decision or not at all."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from frontdesk.db.engine import Database
from frontdesk.db.models import (
    AccountStatus,
    AuditEvent,
    IdentityCheck,
    IdType,
    LinkStatus,
    ParentAccount,
    StudentLink,
)
from frontdesk.errors import AlreadyDecided, FieldErrors
from frontdesk.services.decisions import (
    ID_EXPIRED,
    Approve,
    ApproveFamily,
    Deny,
    DenyAccount,
    Revoke,
    TypedIdentityCheck,
    decide,
    expired_problem,
    identity_check_form,
    record_check,
)
from frontdesk.services.verification import CheckRequired, deny_link
from tests.conftest import FakeClock
from tests.screens.desk_world import World, checked, desk_world

TYPED = TypedIdentityCheck(
    id_type=IdType.PASSPORT, id_last4="k3-21", id_expires="5/1/2031", name_matches=True
)
"""A passport as a clerk types it: the last 4 with a dash, the date the US way."""


def checks(database: Database) -> list[IdentityCheck]:
    with database.read() as uow:
        return list(uow.session.scalars(select(IdentityCheck)))


def status(database: Database, link_id: int) -> LinkStatus:
    with database.read() as uow:
        return uow.session.get_one(StudentLink, link_id).status


@pytest.fixture
def world(database: Database, clock: FakeClock) -> World:
    return desk_world(database, clock)


def test_the_check_and_the_approval_are_recorded_together(database: Database, world: World) -> None:
    decide(database, world.north, world.maria.parent_id, Approve(world.links["jose"]), TYPED)
    (check,) = checks(database)
    assert (check.id_type, check.id_last4, check.id_expires) == (
        IdType.PASSPORT,
        "K321",
        date(2031, 5, 1),
    )
    assert check.name_matches and check.workstation == "kiosk-1"
    assert status(database, world.links["jose"]) is LinkStatus.APPROVED
    assert status(database, world.links["ayse"]) is LinkStatus.PENDING
    with database.read() as uow:
        parent = uow.session.get_one(ParentAccount, world.maria.parent_id)
        assert parent.status is AccountStatus.ACTIVE
        # Only the last 4 are kept, and never in the audit trail.
        assert "K321" not in str(uow.session.scalars(select(AuditEvent.details)).all())


def test_a_decision_that_fails_leaves_no_check_behind(database: Database, world: World) -> None:
    with database.write() as uow:
        deny_link(uow, world.both, world.links["jose"], "Not the parent on record.")
    with pytest.raises(AlreadyDecided) as caught:
        decide(database, world.north, world.maria.parent_id, Approve(world.links["jose"]), TYPED)
    assert str(caught.value.message) == "Dave already decided this request (denied)."
    assert checks(database) == []


def test_approving_needs_a_check_with_a_matching_name(database: Database, world: World) -> None:
    with pytest.raises(CheckRequired):
        decide(database, world.north, world.maria.parent_id, Approve(world.links["jose"]))
    mismatch = TypedIdentityCheck(IdType.STATE_ID, "7788", "2030-01-01", name_matches=False)
    with pytest.raises(CheckRequired):
        decide(database, world.north, world.maria.parent_id, Approve(world.links["jose"]), mismatch)
    assert checks(database) == []  # the check went with the refused approval
    assert status(database, world.links["jose"]) is LinkStatus.PENDING


@pytest.mark.parametrize(
    ("typed", "problems"),
    [
        (
            TypedIdentityCheck(IdType.PASSPORT, "", "", name_matches=True),
            {
                "id_last4": "Enter the last 4 characters of the ID number.",
                "id_expires": "Enter the date like M/d/yyyy.",
            },
        ),
        (
            TypedIdentityCheck(IdType.PASSPORT, "K32", "5/1/2031", name_matches=True),
            {"id_last4": "Enter the last 4 characters of the ID number."},
        ),
        (
            TypedIdentityCheck(IdType.PASSPORT, "K3?1", "5/1/2031", name_matches=True),
            {"id_last4": "Enter the last 4 characters of the ID number."},
        ),
        (
            TypedIdentityCheck(IdType.PASSPORT, "K321", "5/1/", name_matches=True),
            {"id_expires": "Enter the date like M/d/yyyy."},
        ),
        (
            TypedIdentityCheck(IdType.PASSPORT, "K321", "9/30/2026", name_matches=True),
            {"id_expires": "This ID has expired. Ask for a valid photo ID."},
        ),
        (
            TypedIdentityCheck(IdType.PASSPORT, "K321", "5/1/2031", True, notes="a\x1b[2Jb"),
            {"notes": None},
        ),
    ],
    ids=[
        "empty",
        "three characters",
        "not letters or digits",
        "half a date",
        "expired",
        "notes",
    ],
)
def test_each_problem_of_the_form_is_told_beside_its_field(
    database: Database, world: World, typed: TypedIdentityCheck, problems: dict[str, str | None]
) -> None:
    jose = Approve(world.links["jose"])
    for attempt in (
        lambda: decide(database, world.north, world.maria.parent_id, jose, typed),
        lambda: record_check(database, world.north, world.maria.parent_id, typed),
    ):
        with pytest.raises(FieldErrors) as caught:
            attempt()
        told = {name: str(message) for name, message in caught.value.fields.items()}
        assert told.keys() == problems.keys()
        for name, message in problems.items():
            assert message is None or told[name] == message
    assert checks(database) == []
    assert status(database, world.links["jose"]) is LinkStatus.PENDING


def test_the_last_four_are_read_as_verification_keeps_them(
    database: Database, world: World
) -> None:
    """Spaces and dashes are no characters of the number: the form and the record agree."""
    short = TypedIdentityCheck(IdType.DRIVER_LICENCE, "d 12", "2030-06-30", name_matches=True)
    with pytest.raises(FieldErrors):
        record_check(database, world.north, world.maria.parent_id, short)
    dashed = TypedIdentityCheck(IdType.DRIVER_LICENCE, " d-123 ", "2030-06-30", name_matches=True)
    record_check(database, world.north, world.maria.parent_id, dashed)
    assert [c.id_last4 for c in checks(database)] == ["D123"]


def test_a_check_is_recorded_alone(database: Database, world: World) -> None:
    check_id = record_check(database, world.north, world.maria.parent_id, TYPED)
    assert [c.id for c in checks(database)] == [check_id]
    assert status(database, world.links["jose"]) is LinkStatus.PENDING


def test_the_family_is_approved_exactly_as_confirmed(database: Database, world: World) -> None:
    confirmed = ApproveFamily((world.links["jose"], world.links["ayse"]))
    decide(database, world.both, world.maria.parent_id, confirmed, TYPED)
    assert status(database, world.links["jose"]) is LinkStatus.APPROVED
    assert status(database, world.links["ayse"]) is LinkStatus.APPROVED
    assert status(database, world.links["lukasz"]) is LinkStatus.PENDING  # not in the dialog
    assert len(checks(database)) == 1


def test_deny_and_revoke_need_a_reason_the_parent_reads(database: Database, world: World) -> None:
    maria = world.maria.parent_id
    with pytest.raises(FieldErrors) as caught:
        decide(database, world.both, maria, Deny(world.links["lukasz"], "   "))
    assert str(caught.value.fields["reason"]) == "Give a reason; the parent will see it."
    decide(database, world.both, maria, Deny(world.links["lukasz"], "Not on the record."))
    assert status(database, world.links["lukasz"]) is LinkStatus.DENIED
    checked(database, world.north, maria)
    decide(database, world.north, maria, Approve(world.links["jose"]))
    decide(database, world.north, maria, Revoke(world.links["jose"], "Custody order on file."))
    with database.read() as uow:
        jose = uow.session.get_one(StudentLink, world.links["jose"])
        assert (jose.status, jose.reason) == (LinkStatus.REVOKED, "Custody order on file.")


def test_the_account_is_denied_with_what_waits_at_the_clerks_schools(
    database: Database, world: World
) -> None:
    decide(database, world.north, world.maria.parent_id, DenyAccount("ID did not match."))
    with database.read() as uow:
        parent = uow.session.get_one(ParentAccount, world.maria.parent_id)
        assert (parent.status, parent.status_reason) == (AccountStatus.DENIED, "ID did not match.")
        pending = uow.session.scalar(
            select(func.count())
            .select_from(StudentLink)
            .where(StudentLink.status == LinkStatus.PENDING)
        )
    assert pending == 1  # Łukasz waits at Heron Bay, which Carmen does not serve
    assert status(database, world.links["jose"]) is LinkStatus.DENIED


def test_an_expired_id_is_told_as_soon_as_its_date_is_whole() -> None:
    today = date(2026, 10, 1)
    assert expired_problem("9/3", today) is None  # still being typed
    assert expired_problem("9/30/2026", today) == ID_EXPIRED
    assert expired_problem("2026-09-30", today) == ID_EXPIRED
    assert expired_problem("10/1/2026", today) is None
    form = identity_check_form(TYPED, today)
    assert (form.id_last4, form.id_expires) == ("k3-21", date(2031, 5, 1))
