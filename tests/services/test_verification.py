"""V2, V3: the photo-ID check and the decisions that follow it."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import select

from frontdesk.db.engine import Database
from frontdesk.db.models import (
    AccountStatus,
    AuditEvent,
    IdentityCheck,
    IdType,
    LinkStatus,
    OutboxMail,
    ParentAccount,
    StaffRole,
    StudentLink,
)
from frontdesk.errors import AlreadyDecided, FieldErrors, IdExpired, NotAllowed
from frontdesk.services.identity_checks import IdentityCheckForm, record_identity_check
from frontdesk.services.linking import request_link
from frontdesk.services.queue import count_pending_links, pending_links
from frontdesk.services.verification import (
    CheckRequired,
    approve_family,
    approve_link,
    deny_link,
    revoke_link,
)
from tests.factories import AYSE, JOSE, LUKASZ, register, small_roster, staff_member

GOOD_ID = IdentityCheckForm(
    id_type=IdType.DRIVER_LICENCE, id_last4="X123", id_expires=date(2030, 1, 1), name_matches=True
)


@pytest.fixture
def family(database: Database) -> tuple[object, list[int]]:
    small_roster(database)
    parent = register(database)
    with database.write() as uow:
        ids = [request_link(uow, parent, child).link_id for child in (JOSE, AYSE, LUKASZ)]
    return parent, ids


def check(db: Database, clerk: object, parent_id: int, form: IdentityCheckForm = GOOD_ID) -> int:
    with db.write() as uow:
        return record_identity_check(uow, clerk, parent_id, form)  # type: ignore[arg-type]


def test_the_queue_shows_only_the_clerks_schools_oldest_first(database: Database, family) -> None:
    north_clerk = staff_member(database, "north", StaffRole.CLERK, ["0101"])
    with database.read() as uow:
        rows = pending_links(uow, north_clerk.school_ids)
        assert [r.student_name for r in rows] == ["José O'Brien-Nguyễn", "Ayşe O'Brien-Nguyễn"]
        assert count_pending_links(uow, None) == 3
        assert [r.link_id for r in pending_links(uow, None, newest_first=True)] == family[1][::-1]


def test_an_expired_id_is_refused(database: Database, family) -> None:
    clerk = staff_member(database, "north", StaffRole.CLERK, ["0101"])
    expired = GOOD_ID.model_copy(update={"id_expires": date(2026, 9, 30)})
    with pytest.raises(IdExpired) as caught:
        check(database, clerk, family[0].parent_id, expired)
    assert "expired" in str(caught.value.fields["id_expires"])


def test_only_the_last_four_of_the_id_number_are_kept(database: Database, family) -> None:
    clerk = staff_member(database, "north", StaffRole.CLERK, ["0101"])
    with pytest.raises(FieldErrors):
        check(
            database,
            clerk,
            family[0].parent_id,
            GOOD_ID.model_copy(update={"id_last4": "D123-456-789"}),
        )
    check_id = check(database, clerk, family[0].parent_id)
    with database.read() as uow:
        assert uow.session.get_one(IdentityCheck, check_id).id_last4 == "X123"
        details = uow.session.scalars(select(AuditEvent.details)).all()
        assert "X123" not in str(details)


def test_approval_needs_a_passing_check(database: Database, family) -> None:
    clerk = staff_member(database, "north", StaffRole.CLERK, ["0101"])
    with database.write() as uow, pytest.raises(CheckRequired):
        approve_link(uow, clerk, family[1][0])
    check(database, clerk, family[0].parent_id, GOOD_ID.model_copy(update={"name_matches": False}))
    with database.write() as uow, pytest.raises(CheckRequired):
        approve_link(uow, clerk, family[1][0])


def test_approving_activates_the_account_and_mails_the_parent(database: Database, family) -> None:
    clerk = staff_member(database, "north", StaffRole.CLERK, ["0101"])
    parent, links = family
    check(database, clerk, parent.parent_id)
    with database.write() as uow:
        approve_link(uow, clerk, links[0])
    with database.read() as uow:
        assert uow.session.get_one(ParentAccount, parent.parent_id).status is AccountStatus.ACTIVE
        assert uow.session.get_one(StudentLink, links[0]).status is LinkStatus.APPROVED
        mails = uow.session.scalars(select(OutboxMail)).all()
        assert {m.kind for m in mails} == {"account_approved", "link_decided"}
        assert all(m.to_address == "maria@example.org" and m.language == "es" for m in mails)
        assert all("Owl County School District" in m.subject for m in mails)


def test_a_clerk_approves_a_whole_family_at_their_schools(database: Database, family) -> None:
    clerk = staff_member(database, "north", StaffRole.CLERK, ["0101"])
    parent, links = family
    check(database, clerk, parent.parent_id)
    with database.write() as uow:
        assert approve_family(uow, clerk, parent.parent_id) == links[:2]
    with database.read() as uow:
        statuses = [uow.session.get_one(StudentLink, i).status for i in links]
        assert statuses == [LinkStatus.APPROVED, LinkStatus.APPROVED, LinkStatus.PENDING]


def test_a_clerk_cannot_decide_for_another_school(database: Database, family) -> None:
    clerk = staff_member(database, "north", StaffRole.CLERK, ["0101"])
    with database.write() as uow, pytest.raises(NotAllowed):
        deny_link(uow, clerk, family[1][2], "not at this school")


def test_support_staff_cannot_decide(database: Database, family) -> None:
    support = staff_member(database, "help", StaffRole.SUPPORT, [])
    with database.write() as uow, pytest.raises(NotAllowed):
        deny_link(uow, support, family[1][0], "no")


def test_deny_needs_a_reason_the_parent_sees(database: Database, family) -> None:
    clerk = staff_member(database, "both", StaffRole.CLERK, ["0101", "0102"])
    with database.write() as uow, pytest.raises(FieldErrors):
        deny_link(uow, clerk, family[1][2], "  ")
    with database.write() as uow:
        deny_link(uow, clerk, family[1][2], "The ID did not match the record.")
    with database.read() as uow:
        link = uow.session.get_one(StudentLink, family[1][2])
        assert (link.status, link.reason) == (LinkStatus.DENIED, "The ID did not match the record.")
        mail = uow.session.scalars(select(OutboxMail)).one()
        assert "The ID did not match the record." in mail.body_text


def test_revoke_takes_back_an_approved_link(database: Database, family) -> None:
    admin = staff_member(database, "boss", StaffRole.ADMIN, [])
    check(database, admin, family[0].parent_id)
    with database.write() as uow:
        approve_link(uow, admin, family[1][0])
    with database.write() as uow:
        revoke_link(uow, admin, family[1][0], "Custody order on file.")
    with database.read() as uow:
        assert uow.session.get_one(StudentLink, family[1][0]).status is LinkStatus.REVOKED
        actions = uow.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
        assert actions[-3:] == ["link.approve", "account.approve", "link.revoke"]


def test_the_second_decision_is_told_who_decided(database: Database, family) -> None:
    carmen = staff_member(database, "carmen", StaffRole.CLERK, ["0101"])
    dave = staff_member(database, "dave", StaffRole.CLERK, ["0101"])
    check(database, carmen, family[0].parent_id)
    with database.write() as uow:
        approve_link(uow, carmen, family[1][0])
    with database.write() as uow, pytest.raises(AlreadyDecided) as caught:
        deny_link(uow, dave, family[1][0], "too late")
    assert caught.value.decided_by == "Carmen"
    assert "Carmen already decided" in str(caught.value.message)


def test_two_clerks_at_once_one_decision_wins(database: Database, family) -> None:
    carmen = staff_member(database, "carmen", StaffRole.CLERK, ["0101"])
    dave = staff_member(database, "dave", StaffRole.CLERK, ["0101"])
    check(database, carmen, family[0].parent_id)
    link_id = family[1][0]
    outcomes: dict[str, object] = {}
    start = threading.Barrier(2)

    def decide(name: str, action) -> None:  # type: ignore[no-untyped-def]
        start.wait()
        try:
            with database.write() as uow:
                action(uow)
            outcomes[name] = "won"
        except AlreadyDecided as error:
            outcomes[name] = error.decided_by

    threads = [
        threading.Thread(
            target=decide, args=("carmen", lambda u: approve_link(u, carmen, link_id))
        ),
        threading.Thread(target=decide, args=("dave", lambda u: deny_link(u, dave, link_id, "no"))),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(map(str, outcomes.values())) in (["Dave", "won"], ["Carmen", "won"])
    with database.read() as uow:
        decisions = uow.session.scalars(
            select(AuditEvent.action).where(AuditEvent.action.in_(["link.approve", "link.deny"]))
        ).all()
        assert len(decisions) == 1
