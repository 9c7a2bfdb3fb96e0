"""A1, as the staff accounts screen calls it: each action one service call with its own unit
of work, by a signed-in administrator, audited under their name (both databases)."""

from __future__ import annotations

import pytest
from pydantic import SecretStr
from sqlalchemy import select

from frontdesk.db.engine import Database
from frontdesk.db.models import AuditEvent, Staff, StaffRole
from frontdesk.errors import FieldErrors, NotAllowed, SessionEnded
from frontdesk.services.signin import sign_in_staff
from frontdesk.services.staff_admin import (
    StaffForm,
    issue_staff_password,
    save_staff_account,
    set_account_active,
    set_kiosk_pin,
    staff_directory,
)
from tests.factories import small_roster, staff_member

CARMEN = StaffForm(
    username="carmen",
    display_name="Carmen Clerk",
    role=StaffRole.CLERK,
    school_codes=("0102",),
    password=SecretStr("a clerk at the front desk"),
    pin=SecretStr("13579246"),
)


def staff_row(database: Database, username: str) -> Staff:
    with database.read() as uow:
        return uow.session.scalars(select(Staff).where(Staff.username == username)).one()


def audit_by(database: Database, username: str) -> list[AuditEvent]:
    with database.read() as uow:
        query = select(AuditEvent).where(AuditEvent.actor_name == username)
        return list(uow.session.scalars(query.order_by(AuditEvent.id)))


def sign_in_staff_ok(database: Database, username: str, password: str) -> bool:
    with database.write() as uow:
        return sign_in_staff(uow, username, password).username == username


def test_an_admin_lists_creates_and_updates_accounts(database: Database) -> None:
    small_roster(database)
    ada = staff_member(database, "ada", StaffRole.ADMIN, [])
    directory = staff_directory(database, ada)
    assert [a.username for a in directory.accounts] == ["ada"]
    assert [s.code for s in directory.schools] == ["0101", "0102"]

    carmen = save_staff_account(database, ada, None, CARMEN)
    row = staff_row(database, "carmen")
    assert row.id == carmen and [s.code for s in row.schools] == ["0102"]
    assert sign_in_staff_ok(database, "carmen", "a clerk at the front desk")

    form = CARMEN.model_copy(update={"display_name": "Carmen R.", "school_codes": ("0101",)})
    assert save_staff_account(database, ada, carmen, form) == carmen
    row = staff_row(database, "carmen")
    assert row.display_name == "Carmen R." and [s.code for s in row.schools] == ["0101"]
    details = [e.details for e in audit_by(database, "ada")]
    assert [e.action for e in audit_by(database, "ada")] == ["staff.create", "staff.update"]
    assert "a clerk at the front desk" not in str(details) and "13579246" not in str(details)


def test_mistakes_come_back_by_field_and_nothing_is_made(database: Database) -> None:
    ada = staff_member(database, "ada", StaffRole.ADMIN, [])
    form = StaffForm(username="X", password=SecretStr("short"), pin=SecretStr("12a"))
    with pytest.raises(FieldErrors) as caught:
        save_staff_account(database, ada, None, form)
    assert set(caught.value.fields) == {"username", "password", "pin", "schools"}
    with database.read() as uow:
        assert uow.session.scalars(select(Staff.username)).all() == ["ada"]


def test_pin_state_and_password_reset(database: Database) -> None:
    small_roster(database)
    ada = staff_member(database, "ada", StaffRole.ADMIN, [])
    carmen = save_staff_account(database, ada, None, CARMEN)
    assert not set_kiosk_pin(database, ada, carmen, None).has_pin
    with pytest.raises(FieldErrors) as caught:
        set_kiosk_pin(database, ada, carmen, SecretStr("12"))
    assert set(caught.value.fields) == {"pin"}
    assert set_kiosk_pin(database, ada, carmen, SecretStr("97531864")).has_pin

    assert not set_account_active(database, ada, carmen, False).active
    assert set_account_active(database, ada, carmen, True).active
    temporary = issue_staff_password(database, ada, carmen)
    with database.write() as uow:
        assert sign_in_staff(uow, "carmen", temporary).must_change_password
    assert temporary not in str([e.details for e in audit_by(database, "ada")])


def test_only_a_signed_in_admin_may(database: Database) -> None:
    small_roster(database)
    ada = staff_member(database, "ada", StaffRole.ADMIN, [])
    sam = staff_member(database, "sam", StaffRole.SUPPORT, [])
    with pytest.raises(NotAllowed):
        staff_directory(database, sam)
    with pytest.raises(NotAllowed):
        save_staff_account(database, sam, None, CARMEN)
    with pytest.raises(NotAllowed):
        issue_staff_password(database, sam, ada.staff_id)
    # An admin's session ends with a password reset: the old session may do nothing more.
    other = staff_member(database, "grace", StaffRole.ADMIN, [])
    issue_staff_password(database, other, ada.staff_id)
    with pytest.raises(SessionEnded):
        set_account_active(database, ada, sam.staff_id, False)
    assert staff_row(database, "sam").active
    assert [e.action for e in audit_by(database, "sam")] == []
