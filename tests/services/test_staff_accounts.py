"""Staff accounts (A1): list, disable and enable, role and schools, password reset, PIN."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from frontdesk.db.engine import Database
from frontdesk.db.models import AuditEvent, Staff, StaffRole
from frontdesk.errors import FieldErrors, SessionEnded
from frontdesk.services.audit import Actor
from frontdesk.services.sessions import current_staff
from frontdesk.services.signin import sign_in_staff
from frontdesk.services.staff import (
    LastAdmin,
    NotYourself,
    list_staff,
    reset_staff_password,
    set_staff_active,
    set_staff_pin,
    update_staff,
)
from tests.factories import STAFF_PASSWORD, small_roster, staff_member

SYSTEM = Actor.system("test")


def audit_rows(db: Database) -> list[AuditEvent]:
    with db.read() as uow:
        return list(
            uow.session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action == "staff.update")
                .order_by(AuditEvent.id)
            )
        )


def test_staff_are_listed_with_role_schools_and_state(database: Database) -> None:
    small_roster(database)
    staff_member(database, "carmen", StaffRole.CLERK, ["0101", "0102"])
    staff_member(database, "ada", StaffRole.ADMIN, [])
    with database.read() as uow:
        views = list_staff(uow)
    assert [(v.username, v.role, v.school_codes, v.active, v.has_pin) for v in views] == [
        ("ada", StaffRole.ADMIN, (), True, True),
        ("carmen", StaffRole.CLERK, ("0101", "0102"), True, True),
    ]


def test_a_disabled_account_cannot_sign_in_and_its_session_ends(database: Database) -> None:
    small_roster(database)
    session = staff_member(database, "carmen", StaffRole.CLERK, ["0101"])
    admin = staff_member(database, "ada", StaffRole.ADMIN, [])
    with database.write() as uow:
        actor = Actor.staff(current_staff(uow, admin))
        set_staff_active(uow, actor, session.staff_id, False)
    with database.read() as uow, pytest.raises(SessionEnded):
        current_staff(uow, session)
    with pytest.raises(Exception), database.write() as uow:  # noqa: B017 - any refusal will do
        sign_in_staff(uow, "carmen", STAFF_PASSWORD)
    with database.write() as uow:
        set_staff_active(uow, SYSTEM, session.staff_id, True)
    with database.write() as uow:
        assert sign_in_staff(uow, "carmen", STAFF_PASSWORD).username == "carmen"
    changes = [row.details["changes"]["active"] for row in audit_rows(database)]
    assert changes == [{"old": True, "new": False}, {"old": False, "new": True}]


def test_the_last_admin_and_oneself_stay_enabled(database: Database) -> None:
    admin = staff_member(database, "ada", StaffRole.ADMIN, [])
    with pytest.raises(NotYourself), database.write() as uow:
        set_staff_active(uow, Actor.staff(current_staff(uow, admin)), admin.staff_id, False)
    with pytest.raises(LastAdmin), database.write() as uow:
        set_staff_active(uow, SYSTEM, admin.staff_id, False)
    with pytest.raises(LastAdmin), database.write() as uow:
        update_staff(
            uow, SYSTEM, admin.staff_id, display_name="Ada", role=StaffRole.SUPPORT, school_codes=()
        )


def test_role_and_schools_change_with_old_and_new_in_the_audit(database: Database) -> None:
    small_roster(database)
    session = staff_member(database, "carmen", StaffRole.CLERK, ["0101"])
    with pytest.raises(FieldErrors) as refused, database.write() as uow:
        update_staff(
            uow, SYSTEM, session.staff_id, display_name="C", role=StaffRole.CLERK, school_codes=()
        )
    assert str(refused.value.fields["schools"]) == "A clerk serves at least one school."
    with database.write() as uow:
        view = update_staff(
            uow,
            SYSTEM,
            session.staff_id,
            display_name="Carmen C.",
            role=StaffRole.CLERK,
            school_codes=["0101", "0102"],
        )
    assert view.school_codes == ("0101", "0102")
    (row,) = audit_rows(database)
    assert row.details["changes"] == {
        "display_name": {"old": "Carmen", "new": "Carmen C."},
        "schools": {"old": ["0101"], "new": ["0101", "0102"]},
    }
    with database.read() as uow, pytest.raises(SessionEnded):
        current_staff(uow, session)


def test_a_password_reset_gives_a_one_time_password_to_change(database: Database) -> None:
    session = staff_member(database, "sam", StaffRole.SUPPORT, [])
    with database.write() as uow:
        temporary = reset_staff_password(uow, SYSTEM, session.staff_id)
    assert len(temporary.replace("-", "")) == 16  # 16 letters of a 32-letter alphabet: 80 bits
    with database.write() as uow:
        signed_in = sign_in_staff(uow, "sam", temporary)
    assert signed_in.must_change_password
    (row,) = audit_rows(database)
    assert row.details == {"username": "sam", "password_reset": True}
    assert temporary not in str(row.details)


def test_a_pin_is_checked_and_stored_hashed(database: Database) -> None:
    session = staff_member(database, "sam", StaffRole.SUPPORT, [])
    with pytest.raises(FieldErrors), database.write() as uow:
        set_staff_pin(uow, SYSTEM, session.staff_id, "12a")
    with database.write() as uow:
        set_staff_pin(uow, SYSTEM, session.staff_id, "9753186")
    with database.read() as uow:
        staff = uow.session.get_one(Staff, session.staff_id)
        assert staff.pin_hash and "9753186" not in staff.pin_hash
        assert uow.runtime.hasher.verify(staff.pin_hash, "9753186")
    assert audit_rows(database)[-1].details == {"username": "sam", "pin_set": True}
