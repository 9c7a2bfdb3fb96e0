"""The portal landing (R13), notification preferences (R14) and the kiosk's own rules (R7,
K1), against both databases."""

from __future__ import annotations

import random
from datetime import date

import pytest
from sqlalchemy import select

from frontdesk.db.engine import Database
from frontdesk.db.models import AuditEvent, LinkStatus, StaffRole
from frontdesk.errors import FieldErrors
from frontdesk.services.audit import AuditAction
from frontdesk.services.enrollment import EnrollmentForm, apply_for_enrollment
from frontdesk.services.kiosk import HumanChallenge, PinWait, WrongPin, verify_staff_pin
from frontdesk.services.linking import ChildIdentifiers, request_link
from frontdesk.services.portal import Alert, portal_view
from frontdesk.services.preferences import (
    NotificationPreferences,
    notification_preferences,
    save_notification_preferences,
)
from frontdesk.services.verification import deny_link
from tests.conftest import FakeClock
from tests.factories import JOSE, STAFF_PIN, change_settings, register, small_roster, staff_member

AYSE = ChildIdentifiers(
    first_name="Ayşe",
    last_name="O'Brien-Nguyễn",
    student_id="1000003",
    birthdate=date(2018, 1, 15),
    ssn_last4="4321",
)


def test_the_landing_lists_children_and_what_is_still_needed(database: Database) -> None:
    small_roster(database)
    parent = register(database)
    clerk = staff_member(database, "carmen", StaffRole.CLERK, ["0101"])
    with database.write() as uow:
        request_link(uow, parent, JOSE)
        ayse = request_link(uow, parent, AYSE)
    with database.write() as uow:
        deny_link(uow, clerk, ayse.link_id, "not the parent on record")
    with database.read() as uow:
        view = portal_view(uow, parent)
    assert view.parent_name == "María Nguyễn"
    assert view.alerts == [Alert.VISIT_SCHOOL, Alert.EMAIL_NOTIFICATIONS]
    jose, refused = view.students
    assert (jose.first_name, jose.school_name, jose.status) == (
        "José",
        "Owl Creek Elementary",
        LinkStatus.PENDING,
    )
    # A denied link shows no student data at all.
    assert refused.status is LinkStatus.DENIED
    assert (refused.first_name, refused.last_name, refused.school_name, refused.grade) == (
        None,
        None,
        None,
        None,
    )


def test_no_visit_alert_when_the_district_does_not_ask_for_one(database: Database) -> None:
    change_settings(database, photo_id_visit_required=False)
    parent = register(database)
    with database.read() as uow:
        assert portal_view(uow, parent).alerts == [Alert.EMAIL_NOTIFICATIONS]


def test_notification_preferences_are_saved_and_the_alert_goes(database: Database) -> None:
    parent = register(database)
    with database.read() as uow:
        prefs = notification_preferences(uow, parent)
    assert prefs == NotificationPreferences(
        email_notifications=False, notification_email="maria@example.org"
    )
    with database.write() as uow, pytest.raises(FieldErrors) as refused:
        save_notification_preferences(
            uow, parent, NotificationPreferences(email_notifications=True, notification_email="x@")
        )
    assert set(refused.value.fields) == {"notification_email"}
    with database.write() as uow:
        saved = save_notification_preferences(
            uow,
            parent,
            NotificationPreferences(
                email_notifications=True, notification_email=" Home@Example.org"
            ),
        )
    assert saved.notification_email == "home@example.org"
    with database.read() as uow:
        assert Alert.EMAIL_NOTIFICATIONS not in portal_view(uow, parent).alerts
        event = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == AuditAction.PARENT_PREFERENCES.value)
        ).one()
        assert event.details == {"email_notifications": True, "own_address": False}


def test_a_staff_pin_ends_kiosk_mode_and_guessing_is_limited(
    database: Database, clock: FakeClock
) -> None:
    staff_member(database, "carmen", StaffRole.SUPPORT, [])
    with database.write() as uow:
        assert verify_staff_pin(uow, STAFF_PIN) == "carmen"
    for _attempt in range(3):
        with pytest.raises(WrongPin), database.write() as uow:
            verify_staff_pin(uow, "000000")
    with pytest.raises(PinWait), database.write() as uow:
        verify_staff_pin(uow, STAFF_PIN)  # even the right PIN waits out the delay
    clock.advance(seconds=30)
    with database.write() as uow:
        assert verify_staff_pin(uow, STAFF_PIN) == "carmen"
    with database.read() as uow:
        details = [e.details for e in uow.session.scalars(select(AuditEvent))]
        assert "000000" not in str(details) and STAFF_PIN not in str(details)


def test_the_human_check_wants_the_box_the_sum_and_a_person_s_pace() -> None:
    challenge = HumanChallenge.new(random.Random(3))
    right = str(challenge.first + challenge.second)
    assert challenge.problem(ticked=False, answer=right, seconds_on_form=9, min_seconds=3)
    assert challenge.problem(ticked=True, answer="x", seconds_on_form=9, min_seconds=3)
    assert challenge.problem(ticked=True, answer=right, seconds_on_form=1, min_seconds=3)
    assert (
        challenge.problem(ticked=True, answer=f" {right} ", seconds_on_form=9, min_seconds=3)
        is None
    )


def test_an_enrollment_application_is_saved_and_audited(database: Database) -> None:
    roster = small_roster(database)
    parent = register(database)
    form = EnrollmentForm(
        school_id=roster.schools["north"],
        child_first_name="Lucía",
        child_last_name="Nguyễn",
        child_birthdate=date(2021, 9, 1),
        grade="K",
    )
    with database.write() as uow:
        application_id = apply_for_enrollment(uow, parent, form)
    with database.read() as uow:
        event = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == AuditAction.ENROLLMENT_APPLY.value)
        ).one()
        assert (event.subject_kind, event.subject_id) == ("enrollment", application_id)
