"""P1, as the support desk calls it: each action one service call with its own unit of work,
the reason checked there (both databases)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from frontdesk.db.engine import Database
from frontdesk.db.models import AuditEvent, OutboxMail, ParentAccount, StaffRole
from frontdesk.errors import AccountLocked, FieldErrors, NotAllowed, SignInFailed
from frontdesk.services.signin import sign_in_parent
from frontdesk.services.support_desk import (
    give_temporary_password,
    read_parent,
    search_parents,
    send_new_reset_mail,
    unlock_account,
)
from tests.factories import PASSWORD, register, small_roster, staff_member

EMAIL = "maria@example.org"


def locked_parent(database: Database) -> int:
    parent = register(database).parent_id
    for _ in range(5):
        with database.write() as uow, pytest.raises((SignInFailed, AccountLocked)):
            sign_in_parent(uow, EMAIL, "wrong password guess")
    return parent


def actions_by(database: Database, username: str) -> dict[str, object]:
    with database.read() as uow:
        return {
            event.action: event.details
            for event in uow.session.scalars(
                select(AuditEvent).where(AuditEvent.actor_name == username)
            )
        }


def test_support_finds_reads_and_unlocks_an_account(database: Database) -> None:
    parent = locked_parent(database)
    sam = staff_member(database, "sam", StaffRole.SUPPORT, [])
    [found] = search_parents(database, sam, "maria nguyen")
    assert found.parent_id == parent and found.locked
    details = read_parent(database, sam, parent)
    assert details.locked_at is not None and len(details.signin_failures) == 5

    with pytest.raises(FieldErrors) as caught:
        unlock_account(database, sam, parent, "   ")
    assert {name: str(m) for name, m in caught.value.fields.items()} == {
        "reason": "Say why (it goes in the audit trail)."
    }
    assert read_parent(database, sam, parent).locked_at is not None

    unlock_account(database, sam, parent, "called from work, verified")
    assert read_parent(database, sam, parent).locked_at is None
    with database.write() as uow:
        sign_in_parent(uow, EMAIL, PASSWORD)
    assert actions_by(database, "sam") == {
        "account.unlock": {"reason": "called from work, verified"}
    }


def test_a_temporary_password_is_returned_once_and_never_recorded(database: Database) -> None:
    parent = register(database).parent_id
    sam = staff_member(database, "sam", StaffRole.SUPPORT, [])
    credentials = give_temporary_password(database, sam, parent, "parent at the desk with ID")
    assert credentials.email == EMAIL
    with database.write() as uow:
        assert sign_in_parent(uow, EMAIL, credentials.password).must_change_password
    events = actions_by(database, "sam")
    assert events == {"password.temporary": {"reason": "parent at the desk with ID"}}
    assert credentials.password not in str(events)


def test_a_new_reset_mail_is_queued_for_the_account(database: Database) -> None:
    parent = register(database).parent_id
    sam = staff_member(database, "sam", StaffRole.SUPPORT, [])
    send_new_reset_mail(database, sam, parent, "mail went to spam")
    with database.read() as uow:
        [mail] = uow.session.scalars(select(OutboxMail)).all()
    assert (mail.kind, mail.to_address) == ("password_reset", EMAIL)
    assert actions_by(database, "sam") == {
        "mail.resend": {"reason": "mail went to spam", "kind": "reset"}
    }


def test_a_clerk_may_do_none_of_it(database: Database) -> None:
    small_roster(database)
    parent = locked_parent(database)
    clerk = staff_member(database, "carmen", StaffRole.CLERK, ["0101"])
    with pytest.raises(NotAllowed):
        search_parents(database, clerk, "maria")
    with pytest.raises(NotAllowed):
        read_parent(database, clerk, parent)
    with pytest.raises(NotAllowed):
        unlock_account(database, clerk, parent, "because")
    with pytest.raises(NotAllowed):
        give_temporary_password(database, clerk, parent, "because")
    with database.read() as uow:
        assert uow.session.scalars(select(ParentAccount.locked_at)).one() is not None
        assert not uow.session.scalars(select(OutboxMail)).all()
    assert actions_by(database, "carmen") == {}
