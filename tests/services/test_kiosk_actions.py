"""What each kiosk action calls: one service function that checks what was typed (the human
check and typed dates among it) and opens its own unit of work, against both databases."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest
from pydantic import SecretStr
from sqlalchemy import func, select

from frontdesk.db.engine import Database
from frontdesk.db.models import (
    Attempt,
    AuditEvent,
    EnrollmentApplication,
    OutboxMail,
    ParentAccount,
    StaffRole,
    StudentLink,
)
from frontdesk.errors import FieldErrors, SignInFailed
from frontdesk.services.audit import AuditAction
from frontdesk.services.enrollment import TypedApplication, submit_application
from frontdesk.services.kiosk import (
    HumanAnswer,
    HumanChallenge,
    WrongPin,
    leave_kiosk,
    settings_if_changed,
)
from frontdesk.services.linking import TypedChild, ask_for_child
from frontdesk.services.password_reset import ResetCodeWrong, send_reset_mail, use_reset_code
from frontdesk.services.passwords import PasswordChange, set_new_password
from frontdesk.services.portal import open_portal
from frontdesk.services.preferences import (
    NotificationPreferences,
    open_preferences,
    save_preferences,
)
from frontdesk.services.registration import register_parent
from frontdesk.services.schools import school_choices
from frontdesk.services.signin import parent_sign_in
from tests.factories import (
    PASSWORD,
    STAFF_PIN,
    account_form,
    change_settings,
    delivered_text,
    register,
    small_roster,
    staff_member,
)

PERSON = HumanAnswer(
    HumanChallenge(3, 4), ticked=True, answer="7", seconds_on_form=9, min_seconds=3
)
"""A human check passed."""
JOSE_TYPED = TypedChild(
    first_name="José",
    last_name="O'Brien-Nguyễn",
    student_id="1000001",
    birthdate="4/2/2016",
    ssn_last4="1234",
)
NEW_PASSWORD = "a garden of purple lanterns"


def count(database: Database, model: type[object]) -> int:
    with database.read() as uow:
        return uow.session.scalar(select(func.count()).select_from(model)) or 0


def attempts(database: Database) -> list[str]:
    """The kinds of the attempts counted so far, oldest first."""
    with database.read() as uow:
        return list(uow.session.scalars(select(Attempt.kind).order_by(Attempt.id)))


def test_an_account_form_is_judged_whole_then_made(database: Database) -> None:
    with pytest.raises(FieldErrors) as refused:
        register_parent(
            database, account_form(first_name="", email="maria@"), replace(PERSON, ticked=False)
        )
    assert {name: str(m) for name, m in refused.value.fields.items()} == {
        "first_name": "This field is required.",
        "email": "Enter an email address like name@example.com.",
        "human_answer": "Tick the box to show you are a person.",
    }
    with pytest.raises(FieldErrors) as refused:
        register_parent(database, account_form(), replace(PERSON, seconds_on_form=1))
    assert [str(m) for m in refused.value.fields.values()] == [
        "Please check what you typed, then press the button again."
    ]
    assert count(database, ParentAccount) == 0
    assert attempts(database) == []  # nothing counted against the kiosk

    session = register_parent(database, account_form(), PERSON)
    with database.read() as uow:
        parent = uow.session.get(ParentAccount, session.parent_id)
        assert parent is not None and parent.email == "maria@example.org"


def test_a_child_is_asked_for_with_the_birthdate_read_in_the_parent_s_language(
    database: Database,
) -> None:
    small_roster(database)
    session = register(database)
    with pytest.raises(FieldErrors) as refused:
        ask_for_child(
            database,
            session,
            JOSE_TYPED.model_copy(update={"birthdate": "31/31/2016"}),
            "en",
            replace(PERSON, answer="8"),
        )
    assert {name: str(m) for name, m in refused.value.fields.items()} == {
        "birthdate": "Enter the date like this: 12/31/2015.",
        "human_answer": "That answer is not right. Please try again.",
    }
    with pytest.raises(FieldErrors):  # longer than any date: not read at all
        ask_for_child(
            database, session, JOSE_TYPED.model_copy(update={"birthdate": "4" * 5000}), "en", PERSON
        )
    assert "link_failed" not in attempts(database)  # nothing was looked up, so not counted

    spanish = JOSE_TYPED.model_copy(update={"birthdate": "2/4/2016"})  # day/month in Spanish
    linked = ask_for_child(database, session, spanish, "es", PERSON)
    assert (linked.first_name, linked.school_name) == ("José", "Owl Creek Elementary")
    assert count(database, StudentLink) == 1


def test_an_application_reads_its_birthdate_then_is_saved(database: Database) -> None:
    roster = small_roster(database)
    session = register(database)
    typed = TypedApplication(
        school_id=roster.schools["north"],
        child_first_name="Lucía",
        child_last_name="Nguyễn",
        child_birthdate="2/30/2021",
        grade="K",
    )
    with pytest.raises(FieldErrors) as refused:
        submit_application(database, session, typed, "en")
    assert list(refused.value.fields) == ["child_birthdate"]
    right = typed.model_copy(update={"child_birthdate": "3/1/2021"})
    with pytest.raises(FieldErrors) as refused:  # the service's own rules still hold
        submit_application(database, session, right.model_copy(update={"school_id": None}), "en")
    assert list(refused.value.fields) == ["school_id"]
    assert count(database, EnrollmentApplication) == 0

    application_id = submit_application(database, session, right, "en")
    with database.read() as uow:
        application = uow.session.get(EnrollmentApplication, application_id)
        assert application is not None and application.child_birthdate == date(2021, 3, 1)


def test_schools_portal_and_preferences_are_read_each_in_its_own_unit(database: Database) -> None:
    small_roster(database)
    session = register(database)
    assert [s.name for s in school_choices(database)] == [
        "Owl Creek Elementary",
        "Heron Bay High School",
    ]
    ask_for_child(database, session, JOSE_TYPED, "en", PERSON)
    view = open_portal(database, session)
    assert [s.first_name for s in view.students] == ["José"]

    prefs = open_preferences(database, session)
    assert not prefs.email_notifications
    with pytest.raises(FieldErrors):
        save_preferences(
            database,
            session,
            NotificationPreferences(email_notifications=True, notification_email="not mail"),
        )
    assert not open_preferences(database, session).email_notifications
    save_preferences(database, session, prefs.model_copy(update={"email_notifications": True}))
    assert open_preferences(database, session).email_notifications


def test_a_forgotten_password_and_a_new_one(database: Database) -> None:
    register(database)
    send_reset_mail(database, "maria@example.org", "en")
    with database.read() as uow:
        mail = uow.session.scalars(select(OutboxMail)).one()
    found = re.search(r"([0-9A-Z]{4}-[0-9A-Z]{4})", delivered_text(database, mail))
    assert found is not None
    with pytest.raises(ResetCodeWrong):
        use_reset_code(database, "maria@example.org", "0000-0000")
    assert "reset_code_failed" in attempts(database)  # counted though it was refused

    credentials = use_reset_code(database, "maria@example.org", found.group(1))
    session = parent_sign_in(database, "maria@example.org", credentials.password)
    assert session.must_change_password
    change = PasswordChange(
        current=SecretStr(credentials.password),
        new=SecretStr(NEW_PASSWORD),
        confirm=SecretStr(NEW_PASSWORD),
    )
    changed = set_new_password(database, session, change)
    assert not changed.must_change_password
    assert (
        parent_sign_in(database, "MARIA@example.org", NEW_PASSWORD).parent_id == session.parent_id
    )


def test_a_wrong_password_is_refused_and_counted(database: Database) -> None:
    register(database)
    with pytest.raises(SignInFailed):
        parent_sign_in(database, "maria@example.org", PASSWORD + " not")
    assert attempts(database)[-1:] == ["signin_failed"]  # counted though it was refused


def test_staff_leave_the_kiosk_with_their_pin(database: Database) -> None:
    staff_member(database, "carmen", StaffRole.SUPPORT, [])
    with pytest.raises(WrongPin):
        leave_kiosk(database, "000000")
    assert leave_kiosk(database, STAFF_PIN) == "carmen"
    with database.read() as uow:
        actions = uow.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-2:] == [AuditAction.KIOSK_EXIT_FAILED.value, AuditAction.KIOSK_EXIT.value]


def test_the_kiosk_reads_the_settings_only_when_they_changed(database: Database) -> None:
    version, settings = settings_if_changed(database, 0)
    assert settings is not None and version != 0
    assert settings_if_changed(database, version) == (version, None)
    change_settings(database, kiosk_idle_seconds=61)
    newer, changed = settings_if_changed(database, version)
    assert newer != version and changed is not None and changed.kiosk_idle_seconds == 61
