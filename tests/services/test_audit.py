"""A3: the trail names who did what, and never holds a secret."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from frontdesk.db.engine import Database
from frontdesk.db.models import AuditEvent, IdType, StaffRole
from frontdesk.errors import SignInFailed, StudentNotMatched
from frontdesk.services.audit import Actor, AuditAction, record
from frontdesk.services.identity_checks import IdentityCheckForm, record_identity_check
from frontdesk.services.linking import request_link
from frontdesk.services.signin import sign_in_parent
from frontdesk.services.verification import approve_link
from tests.factories import JOSE, PASSWORD, register, small_roster, staff_member


def test_a_whole_flow_leaves_no_secret_in_the_trail(database: Database) -> None:
    small_roster(database)
    parent = register(database)
    with database.write() as uow, pytest.raises(SignInFailed):
        sign_in_parent(uow, "maria@example.org", "my-wrong-secret-guess")
    with database.write() as uow, pytest.raises(StudentNotMatched):
        request_link(uow, parent, JOSE.model_copy(update={"ssn_last4": "7777"}))
    with database.write() as uow:
        link = request_link(uow, parent, JOSE)
    clerk = staff_member(database, "carmen", StaffRole.CLERK, ["0101"])
    with database.write() as uow:
        record_identity_check(
            uow,
            clerk,
            parent.parent_id,
            IdentityCheckForm(
                id_type=IdType.PASSPORT,
                id_last4="9Q8W",
                id_expires=date(2031, 5, 5),
                name_matches=True,
            ),
        )
        approve_link(uow, clerk, link.link_id)
    with database.read() as uow:
        events = uow.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    trail = repr([(e.actor_name, e.action, e.details, e.workstation) for e in events])
    typed = ("maria@example.org", "María", "Nguyễn", "O'Brien", "2016-04-02")
    for secret in (PASSWORD, "my-wrong-secret-guess", "7777", "1234", "9Q8W", *typed):
        assert secret not in trail
    assert [e.action for e in events] == [
        "parent.register",
        "parent.signin_failed",
        "link.request_failed",
        "link.request",
        "staff.create",
        "identity.check",
        "link.approve",
        "account.approve",
    ]
    assert {e.workstation for e in events} == {"kiosk-1"}
    assert events[-2].actor_name == "carmen"


def test_a_secret_detail_key_is_a_bug(database: Database) -> None:
    with database.write() as uow, pytest.raises(ValueError, match="secret"):
        record(uow, Actor.system(), AuditAction.PASSWORD_CHANGE, password="x")
