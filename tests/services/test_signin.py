"""A1 sign-in and the lockout rules, for staff and parents."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from frontdesk.db.engine import Database
from frontdesk.db.models import AuditEvent, ParentAccount, Staff, StaffRole
from frontdesk.district_settings import RateLimits
from frontdesk.errors import AccountLocked, RateLimited, SessionEnded, SignInFailed
from frontdesk.security import HashParameters, PasswordHasher
from frontdesk.services.sessions import current_parent
from frontdesk.services.signin import sign_in_parent, sign_in_staff
from tests.factories import PASSWORD, STAFF_PASSWORD, change_settings, register, staff_member


def test_staff_sign_in_gives_role_and_schools(database: Database) -> None:
    from tests.factories import small_roster

    roster = small_roster(database)
    staff_member(database, "carmen", StaffRole.CLERK, ["0101", "0102"])
    with database.write() as uow:
        session = sign_in_staff(uow, " Carmen ", STAFF_PASSWORD)
    assert session.role is StaffRole.CLERK
    assert session.school_ids == set(roster.schools.values())
    assert session.serves(roster.schools["south"])


@pytest.mark.parametrize("username", ["carmen", "nobody"])
def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(
    database: Database, username: str
) -> None:
    staff_member(database, "carmen", StaffRole.SUPPORT, [])
    with database.write() as uow, pytest.raises(SignInFailed) as caught:
        sign_in_staff(uow, username, "not the password at all")
    assert str(caught.value.message) == "The user name or password is not right."


def test_the_account_locks_after_repeated_failures(database: Database) -> None:
    register(database)
    for _ in range(4):
        with database.write() as uow, pytest.raises(SignInFailed):
            sign_in_parent(uow, "maria@example.org", "wrong password guess")
    with database.write() as uow, pytest.raises(AccountLocked):
        sign_in_parent(uow, "maria@example.org", "wrong password guess")
    with database.write() as uow, pytest.raises(AccountLocked):
        sign_in_parent(uow, "maria@example.org", PASSWORD)
    with database.read() as uow:
        parent = uow.session.scalars(select(ParentAccount)).one()
        assert parent.locked_at is not None
        failed = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "parent.signin_failed")
        ).all()
        assert len(failed) == 6
        assert PASSWORD not in str([e.details for e in failed])


def test_a_workstation_is_limited_across_accounts(database: Database) -> None:
    change_settings(database, rate_limits=RateLimits(signin_failures_per_workstation=3))
    for n in range(3):
        with database.write() as uow, pytest.raises(SignInFailed):
            sign_in_parent(uow, f"guess{n}@example.org", "whatever it is")
    with database.write() as uow, pytest.raises(RateLimited):
        sign_in_parent(uow, "guess9@example.org", "whatever it is")


def test_a_success_clears_earlier_failures(database: Database) -> None:
    register(database)
    for _ in range(4):
        with database.write() as uow, pytest.raises(SignInFailed):
            sign_in_parent(uow, "maria@example.org", "wrong password guess")
    with database.write() as uow:
        sign_in_parent(uow, "maria@example.org", PASSWORD)
    for _ in range(4):
        with database.write() as uow, pytest.raises(SignInFailed):
            sign_in_parent(uow, "maria@example.org", "wrong password guess")


def test_hashes_are_upgraded_when_the_parameters_change(database: Database) -> None:
    weak = PasswordHasher(HashParameters(memory_kib=8 * 1024, iterations=1))
    database.runtime.hasher, strong = weak, database.runtime.hasher
    register(database)
    database.runtime.hasher = strong
    with database.write() as uow:
        sign_in_parent(uow, "maria@example.org", PASSWORD)
    with database.read() as uow:
        stored = uow.session.scalars(select(ParentAccount.password_hash)).one()
        assert "m=19456,t=2,p=1" in stored


def test_a_disabled_staff_member_cannot_sign_in(database: Database) -> None:
    staff_member(database, "gone", StaffRole.SUPPORT, [])
    with database.write() as uow:
        uow.session.scalars(select(Staff)).one().active = False
    with database.write() as uow, pytest.raises(SignInFailed):
        sign_in_staff(uow, "gone", STAFF_PASSWORD)


def test_a_parent_session_ends_when_the_password_changes(database: Database) -> None:
    session = register(database)
    with database.write() as uow:
        parent = current_parent(uow, session)
        parent.credentials_version += 1
    with database.read() as uow, pytest.raises(SessionEnded):
        current_parent(uow, session)


def test_a_temporary_password_allows_nothing_but_changing_it(database: Database) -> None:
    from frontdesk.errors import PasswordChangeRequired
    from frontdesk.services.passwords import PasswordChange, change_password
    from frontdesk.services.portal import portal_view
    from tests.factories import JOSE, small_roster

    small_roster(database)
    session = register(database)
    with database.write() as uow:
        current_parent(uow, session).must_change_password = True
    with database.read() as uow, pytest.raises(PasswordChangeRequired):
        portal_view(uow, session)
    with database.write() as uow, pytest.raises(PasswordChangeRequired):
        from frontdesk.services.linking import request_link

        request_link(uow, session, JOSE)
    new = "a brand new passphrase for the portal"
    with database.write() as uow:
        session = change_password(
            uow, session, PasswordChange(current=PASSWORD, new=new, confirm=new)
        )
    with database.read() as uow:
        assert portal_view(uow, session).students == []
