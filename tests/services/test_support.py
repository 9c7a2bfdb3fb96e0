"""P1: the support desk finds parents, unlocks them, resets their password; all audited."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from frontdesk.db.engine import Database
from frontdesk.db.models import AuditEvent, OutboxMail, StaffRole
from frontdesk.errors import AccountLocked, FieldErrors, NotAllowed, SignInFailed
from frontdesk.services.linking import ChildIdentifiers, request_link
from frontdesk.services.password_reset import request_reset
from frontdesk.services.signin import sign_in_parent
from frontdesk.services.support import (
    StaffReason,
    find_parents,
    issue_temporary_password,
    parent_details,
    resend_reset_mail,
    unlock_parent,
)
from tests.factories import PASSWORD, register, small_roster, staff_member

EMAIL = "maria@example.org"


@pytest.fixture
def family(database: Database) -> int:
    small_roster(database)
    session = register(database)
    register(
        database,
        first_name="Łukasz",
        last_name="Kowalski",
        email="lukasz@example.org",
        phone="555 777 1234",
    )
    with database.write() as uow:
        request_link(
            uow,
            session,
            ChildIdentifiers(
                first_name="José",
                last_name="O'Brien-Nguyễn",
                student_id="1000001",
                birthdate=date(2016, 4, 2),
                ssn_last4="1234",
            ),
        )
    return session.parent_id


def audit(db: Database, action: str) -> list[AuditEvent]:
    with db.read() as uow:
        return list(uow.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("maria nguyen", ["maria@example.org"]),
        ("NGUYỄN", ["maria@example.org"]),
        ("lukasz@example", ["lukasz@example.org"]),
        ("(555) 777-1234", ["lukasz@example.org"]),
        ("jose obrien", ["maria@example.org"]),  # by the child's name
        ("1000001", ["maria@example.org"]),  # by the child's student number
        ("nobody", []),
        ("   ", []),
    ],
)
def test_support_finds_a_parent_by_name_email_phone_or_child(
    database: Database, family: int, query: str, found: list[str]
) -> None:
    support = staff_member(database, "sam", StaffRole.SUPPORT, [])
    with database.read() as uow:
        assert [p.email for p in find_parents(uow, support, query)] == found


def test_clerks_may_not_use_the_support_desk(database: Database, family: int) -> None:
    clerk = staff_member(database, "carmen", StaffRole.CLERK, ["0101"])
    with database.read() as uow, pytest.raises(NotAllowed):
        find_parents(uow, clerk, "maria")


def test_lockout_then_unlock_with_a_reason(database: Database, family: int) -> None:
    support = staff_member(database, "sam", StaffRole.SUPPORT, [])
    for _ in range(5):
        with database.write() as uow, pytest.raises((SignInFailed, AccountLocked)):
            sign_in_parent(uow, EMAIL, "wrong password guess")
    with database.read() as uow:
        details = parent_details(uow, support, family)
    assert details.summary.locked and len(details.signin_failures) == 5
    assert [link.student_number for link in details.links] == ["1000001"]
    with database.write() as uow, pytest.raises(FieldErrors) as caught:
        unlock_parent(uow, support, family, StaffReason(reason="  "))
    assert set(caught.value.fields) == {"reason"}
    with database.write() as uow:
        unlock_parent(uow, support, family, StaffReason(reason="called, ID checked by phone"))
    with database.write() as uow:
        sign_in_parent(uow, EMAIL, PASSWORD)
    [event] = audit(database, "account.unlock")
    assert event.actor_name == "sam" and event.subject_id == family
    assert event.details == {"reason": "called, ID checked by phone"}


def test_a_support_reset_is_shown_once_and_audited_without_the_password(
    database: Database, family: int
) -> None:
    support = staff_member(database, "sam", StaffRole.SUPPORT, [])
    with database.write() as uow:
        request_reset(uow, EMAIL, "en")
    with database.write() as uow:
        credentials = issue_temporary_password(
            uow, support, family, StaffReason(reason="parent at the desk with photo ID")
        )
    with database.write() as uow, pytest.raises(SignInFailed):
        sign_in_parent(uow, EMAIL, PASSWORD)
    with database.write() as uow:
        assert sign_in_parent(uow, EMAIL, credentials.password).must_change_password
    [event] = audit(database, "password.temporary")
    assert event.actor_name == "sam"
    assert credentials.password not in str(event.details)
    with database.read() as uow:
        details = parent_details(uow, support, family)
    assert details.summary.must_change_password
    assert details.resets[0].revoked_at is not None  # the mailed code died with the change
    assert {e.action for e in details.recent_events} >= {
        "password.temporary",
        "password.reset_request",
    }


def test_support_resends_a_reset_mail(database: Database, family: int) -> None:
    admin = staff_member(database, "ada", StaffRole.ADMIN, [])
    with database.write() as uow:
        resend_reset_mail(uow, admin, family, StaffReason(reason="mail went to spam"))
    with database.read() as uow:
        [mail] = uow.session.scalars(select(OutboxMail)).all()
    assert mail.kind == "password_reset" and mail.to_address == EMAIL
    [event] = audit(database, "mail.resend")
    assert event.details == {"reason": "mail went to spam", "kind": "reset"}
