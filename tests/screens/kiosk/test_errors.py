"""Every way a parent's form can go wrong at the kiosk: the message is beside the field or
above the form, in the parent's language, and nothing typed is lost."""

from __future__ import annotations

from sqlalchemy import func, select

from frontdesk.db.engine import Database, Runtime, make_engine
from frontdesk.db.models import Attempt, AuditEvent, ParentAccount, StudentLink
from frontdesk.district_settings import RateLimits
from frontdesk.services.audit import AuditAction
from screens.kiosk.account import NewAccountScreen
from screens.kiosk.add_child import AddChildScreen
from screens.kiosk.menu import ChildMenuScreen
from screens.kiosk.signin import KioskSignInScreen
from tests.factories import PASSWORD, change_settings, register, small_roster
from tests.screens.kiosk.helpers import (
    field_error,
    kiosk,
    pass_human_check,
    press,
    settle,
    text_on,
    type_into,
)
from tests.screens.kiosk.test_walkthrough import fill_account, fill_jose

NEUTRAL = (
    "We could not find an enrolled student with that information. Check what you typed, "
    "or see the front office."
)


def notice(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one("#form-notice").render())


async def test_bad_fields_are_told_beside_each_and_nothing_typed_is_lost(
    database: Database,
) -> None:
    app = kiosk(database)
    async with app.run_test(size=(110, 50)) as pilot:
        await settle(pilot)
        await press(pilot, "#new-account")
        await press(pilot, "#submit")
        for name in ("first_name", "last_name", "email", "phone", "relationship"):
            assert field_error(app, name) == "This field is required."
        assert field_error(app, "human_answer") == "Tick the box to show you are a person."
        assert notice(app) == "Please correct the fields marked in red."
        await type_into(pilot, "#first_name", "María")
        await type_into(pilot, "#email", "maria at example")
        await type_into(pilot, "#phone", "555")
        await type_into(pilot, "#password", "short")
        await pass_human_check(pilot)
        await type_into(pilot, "#human_answer", "0")  # now a wrong answer
        await press(pilot, "#submit")
        assert field_error(app, "first_name") == ""
        assert field_error(app, "email") == "Enter an email address like name@example.com."
        assert field_error(app, "phone") == "Enter a phone number with its area code."
        assert field_error(app, "password") == "Use at least 15 characters."
        assert field_error(app, "human_answer") == "That answer is not right. Please try again."
        app.screen.query_one("#password").value = ""  # type: ignore[attr-defined]
        await type_into(pilot, "#password", PASSWORD)
        await type_into(pilot, "#password_confirm", PASSWORD + " typo")
        await press(pilot, "#submit")
        assert field_error(app, "password_confirm") == "The two passwords are not the same."
        assert app.screen.query_one("#first_name").value == "María"  # type: ignore[attr-defined]
        assert app.screen.query_one("#email").value == "maria at example"  # type: ignore[attr-defined]
    with database.read() as uow:
        assert uow.session.scalar(select(func.count()).select_from(ParentAccount)) == 0


async def test_a_form_sent_faster_than_a_person_reads_is_asked_again(database: Database) -> None:
    app = kiosk(database, human_seconds=600)
    async with app.run_test(size=(110, 50)) as pilot:
        await settle(pilot)
        await press(pilot, "#new-account")
        await fill_account(pilot)
        await pass_human_check(pilot)
        await press(pilot, "#submit")
        assert isinstance(app.screen, NewAccountScreen)
        assert field_error(app, "human_answer") == (
            "Please check what you typed, then press the button again."
        )
    with database.read() as uow:
        assert uow.session.scalar(select(func.count()).select_from(ParentAccount)) == 0


async def test_a_taken_email_is_told_beside_the_email(database: Database) -> None:
    register(database)
    app = kiosk(database)
    async with app.run_test(size=(110, 50)) as pilot:
        await settle(pilot)
        await press(pilot, "#new-account")
        await fill_account(pilot, email="MARIA@example.org")
        await pass_human_check(pilot)
        await press(pilot, "#submit")
        assert isinstance(app.screen, NewAccountScreen)
        assert field_error(app, "email").startswith("An account with this email already exists.")
        assert app.screen.query_one("#password").value == PASSWORD  # type: ignore[attr-defined]
        assert not app.screen.query_one("#submit").disabled


async def test_wrong_identifiers_get_the_one_neutral_answer_then_the_front_office(
    database: Database,
) -> None:
    small_roster(database)
    register(database)
    change_settings(database, rate_limits=RateLimits(link_failures_per_parent=2))
    app = kiosk(database)
    async with app.run_test(size=(110, 50)) as pilot:
        await settle(pilot)
        await press(pilot, "#add-child")
        assert isinstance(app.screen, KioskSignInScreen)
        await type_into(pilot, "#email", "maria@example.org")
        await type_into(pilot, "#password", PASSWORD)
        await press(pilot, "#sign-in")
        assert isinstance(app.screen, ChildMenuScreen)
        await press(pilot, "#add-child")
        await fill_jose(pilot, "4/2/2016")
        app.screen.query_one("#ssn_last4").value = ""  # type: ignore[attr-defined]
        await type_into(pilot, "#ssn_last4", "9999")
        await pass_human_check(pilot)
        await press(pilot, "#add-student")
        assert isinstance(app.screen, AddChildScreen)
        assert notice(app) == NEUTRAL
        assert app.screen.query_one("#student_id").value == "1000001"  # type: ignore[attr-defined]
        # Not a birthdate in any calendar: told beside the field, nothing sent.
        app.screen.query_one("#birthdate").value = ""  # type: ignore[attr-defined]
        await type_into(pilot, "#birthdate", "31/31/2016")
        await pass_human_check(pilot)
        await press(pilot, "#add-student")
        assert field_error(app, "birthdate") == "Enter the date like this: 12/31/2015."
        app.screen.query_one("#birthdate").value = ""  # type: ignore[attr-defined]
        await type_into(pilot, "#birthdate", "4/2/2016")
        await press(pilot, "#add-student")
        assert notice(app) == NEUTRAL
        await pass_human_check(pilot)
        await press(pilot, "#add-student")
        assert notice(app) == "Too many attempts. Please see the front office for help."
    with database.read() as uow:
        assert uow.session.scalar(select(func.count()).select_from(StudentLink)) == 0
        assert uow.session.scalar(
            select(func.count()).select_from(Attempt).where(Attempt.kind == "link_failed")
        )
        limited = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == AuditAction.RATE_LIMITED.value)
        ).all()
        assert len(limited) == 1
        assert "9999" not in str(limited[0].details)


async def test_a_wrong_password_at_the_kiosk_keeps_the_email(database: Database) -> None:
    register(database)
    app = kiosk(database)
    async with app.run_test(size=(110, 50)) as pilot:
        await settle(pilot)
        await press(pilot, "#add-child")
        await type_into(pilot, "#email", "maria@example.org")
        await type_into(pilot, "#password", "not the password at all")
        await press(pilot, "#sign-in")
        assert isinstance(app.screen, KioskSignInScreen)
        assert notice(app) == "The user name or password is not right."
        assert app.screen.query_one("#email").value == "maria@example.org"  # type: ignore[attr-defined]
        assert app.screen.query_one("#password").value == ""  # type: ignore[attr-defined]
        assert "not the password" not in text_on(app)


def unreachable(database: Database) -> Database:
    """A database on the same backend that cannot be reached."""
    if database.is_sqlite:
        url = "sqlite:////nonexistent-frontdesk-dir/district.db"
    else:
        url = "postgresql+psycopg://postgres@127.0.0.1:9/test?connect_timeout=1"
    return Database(make_engine(url), Runtime(database.runtime.keyring, database.runtime.hasher))


async def test_a_database_that_is_gone_gets_a_calm_answer_and_the_form_stays(
    database: Database,
) -> None:
    app = kiosk(database)
    async with app.run_test(size=(110, 50)) as pilot:
        await settle(pilot)
        await press(pilot, "#new-account")
        await fill_account(pilot)
        await pass_human_check(pilot)
        app.database = unreachable(database)
        await press(pilot, "#submit")
        assert isinstance(app.screen, NewAccountScreen)
        assert notice(app) == (
            "The system is not answering right now. Please try again, or see the front office."
        )
        assert app.screen.query_one("#email").value == "maria@example.org"  # type: ignore[attr-defined]
        assert app.screen.query_one("#password").value == PASSWORD  # type: ignore[attr-defined]
        app.database.dispose()
        app.database = database  # it is back: the same form goes through
        await press(pilot, "#submit")
        # The password hash takes a while on a loaded machine: wait for the step, bounded.
        for _wait in range(100):
            if isinstance(app.screen, ChildMenuScreen):
                break
            await pilot.pause(0.05)
        assert isinstance(app.screen, ChildMenuScreen)
    with database.read() as uow:
        assert uow.session.scalar(select(func.count()).select_from(ParentAccount)) == 1
