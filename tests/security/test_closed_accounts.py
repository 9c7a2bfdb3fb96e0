"""Issue 10 §3: a denied or disabled account shows no student data whatever its links say, and
nothing is approved for it; an account is decided once, and the next clerk is told by whom."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select, update

from frontdesk.db.engine import Database
from frontdesk.db.models import (
    AccountStatus,
    AuditEvent,
    IdType,
    LinkStatus,
    ParentAccount,
    StaffRole,
    StudentLink,
)
from frontdesk.errors import AccountNotApproved, AlreadyDecided, NotAllowed, SessionEnded
from frontdesk.services.identity_checks import IdentityCheckForm, record_identity_check
from frontdesk.services.linking import request_link
from frontdesk.services.portal import portal_view
from frontdesk.services.sessions import ParentSession, StaffSession
from frontdesk.services.support import StaffReason, disable_parent
from frontdesk.services.verification import approve_family, approve_link, deny_account
from tests.factories import AYSE, JOSE, LUKASZ, register, small_roster, staff_member

PHOTO_ID = IdentityCheckForm(
    id_type=IdType.PASSPORT, id_last4="7788", id_expires=date(2031, 5, 1), name_matches=True
)


def _family(db: Database) -> tuple[ParentSession, dict[str, int], StaffSession]:
    """María asks for José and Ayşe (north school) and Łukasz (south); Carmen, at both
    schools, has checked her photo ID."""
    small_roster(db)
    parent = register(db)
    carmen = staff_member(db, "carmen", StaffRole.CLERK, ["0101", "0102"])
    with db.write() as uow:
        links = {
            name: request_link(uow, parent, child).link_id
            for name, child in (("jose", JOSE), ("ayse", AYSE), ("lukasz", LUKASZ))
        }
        record_identity_check(uow, carmen, parent.parent_id, PHOTO_ID)
    return parent, links, carmen


def _close(db: Database, parent_id: int, status: AccountStatus) -> None:
    """Close the account behind the services' back: a state left by an older version or
    a hand edit, where a link still says approved."""
    with db.write() as uow:
        uow.session.execute(
            update(ParentAccount).where(ParentAccount.id == parent_id).values(status=status)
        )


def test_a_denied_account_shows_no_child_even_with_an_approved_link(database: Database) -> None:
    parent, links, carmen = _family(database)
    with database.write() as uow:
        approve_link(uow, carmen, links["jose"])
    _close(database, parent.parent_id, AccountStatus.DENIED)
    with database.read() as uow:
        assert uow.session.get_one(StudentLink, links["jose"]).status is LinkStatus.APPROVED
        view = portal_view(uow, parent)
    assert view.account_status is AccountStatus.DENIED
    assert view.students == []
    assert "José" not in repr(view) and "Owl Creek" not in repr(view)


def test_a_disabled_account_shows_no_child_even_with_an_approved_link(database: Database) -> None:
    parent, links, carmen = _family(database)
    with database.write() as uow:
        approve_link(uow, carmen, links["jose"])
    _close(database, parent.parent_id, AccountStatus.DISABLED)
    with database.read() as uow, pytest.raises(SessionEnded):
        portal_view(uow, parent)


def test_a_denied_account_cannot_see_a_child_by_linking_one(database: Database) -> None:
    small_roster(database)
    parent = register(database)
    carmen = staff_member(database, "carmen", StaffRole.CLERK, ["0101"])
    with database.write() as uow:
        request_link(uow, parent, JOSE)
    with database.write() as uow:
        deny_account(uow, carmen, parent.parent_id, "The ID did not match the record.")
    with database.write() as uow, pytest.raises(AccountNotApproved):
        request_link(uow, parent, AYSE)  # a match would show Ayşe's name and photo
    with database.read() as uow:
        assert len(uow.session.scalars(select(StudentLink)).all()) == 1
        disclosed = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "link.request")
        ).all()
        assert len(disclosed) == 1


def test_nothing_is_approved_for_an_account_denied_at_another_school(database: Database) -> None:
    parent, links, _ = _family(database)
    nora = staff_member(database, "nora", StaffRole.CLERK, ["0101"])
    sol = staff_member(database, "sol", StaffRole.CLERK, ["0102"])
    with database.write() as uow:
        deny_account(uow, nora, parent.parent_id, "The ID did not match the record.")
    with database.write() as uow, pytest.raises(AlreadyDecided) as caught:
        approve_link(uow, sol, links["lukasz"])
    assert str(caught.value.message) == "Nora already decided this request (denied)."
    with database.read() as uow:
        statuses = {k: uow.session.get_one(StudentLink, v).status for k, v in links.items()}
    # Nora denied what waited at her school; Łukasz's waits at Sol's, who can only deny it.
    assert statuses == {
        "jose": LinkStatus.DENIED,
        "ayse": LinkStatus.DENIED,
        "lukasz": LinkStatus.PENDING,
    }


def test_an_account_is_decided_once_and_the_next_clerk_is_told_by_whom(
    database: Database,
) -> None:
    parent, links, carmen = _family(database)
    dave = staff_member(database, "dave", StaffRole.CLERK, ["0101", "0102"])
    with database.write() as uow:
        approve_link(uow, carmen, links["jose"])
    with database.write() as uow, pytest.raises(AlreadyDecided) as caught:
        deny_account(uow, dave, parent.parent_id, "Too late")
    assert str(caught.value.message) == "Carmen already decided this request (approved)."
    other = register(database, email="ana@example.org")
    with database.write() as uow:
        request_link(uow, other, JOSE)
    with database.write() as uow:
        deny_account(uow, carmen, other.parent_id, "Not on the record")
    with database.write() as uow, pytest.raises(AlreadyDecided) as again:
        deny_account(uow, dave, other.parent_id, "Not on the record either")
    assert (again.value.decided_by, again.value.status) == ("Carmen", "denied")
    with database.read() as uow:
        denials = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "account.deny")
        ).all()
        assert len(denials) == 1


def test_a_clerk_cannot_deny_an_account_waiting_only_at_other_schools(database: Database) -> None:
    small_roster(database)
    parent = register(database)
    with database.write() as uow:
        request_link(uow, parent, LUKASZ)  # at the south school only
    nora = staff_member(database, "nora", StaffRole.CLERK, ["0101"])
    with database.write() as uow, pytest.raises(NotAllowed):
        deny_account(uow, nora, parent.parent_id, "Not ours")


def test_approve_family_approves_exactly_the_children_confirmed(database: Database) -> None:
    parent, links, carmen = _family(database)
    dave = staff_member(database, "dave", StaffRole.CLERK, ["0101", "0102"])
    confirmed = [links["jose"], links["ayse"]]
    with database.write() as uow:
        approve_link(uow, dave, links["ayse"])  # Dave was quicker on Ayşe
    with pytest.raises(AlreadyDecided) as caught, database.write() as uow:
        approve_family(uow, carmen, parent.parent_id, confirmed)
    assert caught.value.decided_by == "Dave"
    with database.read() as uow:
        assert uow.session.get_one(StudentLink, links["jose"]).status is LinkStatus.PENDING
    with database.write() as uow:
        assert approve_family(uow, carmen, parent.parent_id, [links["jose"]]) == [links["jose"]]
    with database.read() as uow:
        # Łukasz, not in the confirmation, still waits.
        assert uow.session.get_one(StudentLink, links["lukasz"]).status is LinkStatus.PENDING


def test_disabling_takes_back_every_link_and_is_decided_once(database: Database) -> None:
    parent, links, carmen = _family(database)
    sam = staff_member(database, "sam", StaffRole.SUPPORT, [])
    with database.write() as uow:
        approve_link(uow, carmen, links["jose"])
    with database.write() as uow:
        disable_parent(uow, sam, parent.parent_id, StaffReason(reason="Reported as fraud"))
    with database.read() as uow:
        statuses = {k: uow.session.get_one(StudentLink, v).status for k, v in links.items()}
        actions = uow.session.scalars(
            select(AuditEvent.action).where(AuditEvent.actor_name == "sam")
        ).all()
    assert statuses == {
        "jose": LinkStatus.REVOKED,
        "ayse": LinkStatus.DENIED,
        "lukasz": LinkStatus.DENIED,
    }
    assert sorted(actions) == ["account.disable", "link.deny", "link.deny", "link.revoke"]
    with database.write() as uow, pytest.raises(AlreadyDecided) as caught:
        disable_parent(uow, sam, parent.parent_id, StaffReason(reason="again"))
    assert str(caught.value.message) == "Sam already decided this request (disabled)."
    with database.write() as uow, pytest.raises(SessionEnded):
        request_link(uow, parent, JOSE)
