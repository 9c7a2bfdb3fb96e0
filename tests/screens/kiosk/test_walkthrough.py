"""The district document's steps 1–10, walked as a parent at the kiosk: in English, and in
Spanish with a language switch half-way through a form."""

from __future__ import annotations

from sqlalchemy import select
from textual.widgets import Input

from frontdesk.db.engine import Database
from frontdesk.db.models import (
    AccountStatus,
    EnrollmentApplication,
    LinkStatus,
    ParentAccount,
    StudentLink,
)
from frontdesk.i18n import current_language
from screens.kiosk.account import NewAccountScreen
from screens.kiosk.add_child import AddChildScreen, ChildLinkedScreen
from screens.kiosk.enrollment import EnrollmentScreen
from screens.kiosk.menu import ChildMenuScreen
from screens.kiosk.portal import PortalScreen
from screens.kiosk.preferences import PreferencesScreen
from screens.kiosk.welcome import WelcomeScreen
from tests.factories import PASSWORD, small_roster
from tests.screens.kiosk.helpers import (
    field_error,
    kiosk,
    pass_human_check,
    press,
    settle,
    text_on,
    type_into,
)


async def fill_account(pilot, *, email: str = "maria@example.org") -> None:  # type: ignore[no-untyped-def]
    await type_into(pilot, "#first_name", "María")
    await type_into(pilot, "#last_name", "Nguyễn")
    await type_into(pilot, "#email", email)
    await type_into(pilot, "#phone", "305 555 0101")
    await type_into(pilot, "#relationship", "Mother")
    await type_into(pilot, "#password", PASSWORD)
    await type_into(pilot, "#password_confirm", PASSWORD)


async def fill_jose(pilot, birthdate: str) -> None:  # type: ignore[no-untyped-def]
    await type_into(pilot, "#first_name", "Jose")
    await type_into(pilot, "#last_name", "O'Brien-Nguyen")
    await type_into(pilot, "#student_id", "1000001")
    await type_into(pilot, "#birthdate", birthdate)
    await type_into(pilot, "#ssn_last4", "1234")


async def test_steps_1_to_10_in_english(database: Database) -> None:
    roster = small_roster(database)
    app = kiosk(database)
    async with app.run_test(size=(110, 50)) as pilot:
        await settle(pilot)
        # 1–2: the district's welcome, the languages along the top.
        assert isinstance(app.screen, WelcomeScreen)
        text = text_on(app)
        assert "Parent Portal Registration" in text
        assert "I DO NOT have an Account Registered on the Parent Portal" in text
        assert {"English", "Español", "Kreyòl Ayisyen"} <= set(text.split("\n"))
        # 3a–5: the account form, Show password, the human check, Submit.
        await press(pilot, "#new-account")
        assert isinstance(app.screen, NewAccountScreen)
        await fill_account(pilot)
        password = app.screen.query_one("#password")
        assert password.password  # type: ignore[attr-defined]
        app.screen.query_one("#show_password").focus()
        await pilot.press("space")
        assert not password.password  # type: ignore[attr-defined]
        await pass_human_check(pilot)
        await press(pilot, "#submit")
        # 6: the menu and the (empty) student listing.
        assert isinstance(app.screen, ChildMenuScreen)
        assert "No students are linked to your account yet." in text_on(app)
        # 7–8: add a child; the name and photo show, waiting for the school.
        await press(pilot, "#add-child")
        assert isinstance(app.screen, AddChildScreen)
        await fill_jose(pilot, "4/2/2016")
        await pass_human_check(pilot)
        await press(pilot, "#add-student")
        assert isinstance(app.screen, ChildLinkedScreen)
        text = text_on(app)
        assert "José O'Brien-Nguyễn" in text
        assert "Waiting for the school to verify" in text
        await press(pilot, "#back")
        assert isinstance(app.screen, ChildMenuScreen)
        await settle(pilot)
        assert "José O'Brien-Nguyễn · Owl Creek Elementary" in text_on(app)
        # R12: apply for enrollment for a new child.
        await press(pilot, "#apply")
        assert isinstance(app.screen, EnrollmentScreen)
        await settle(pilot)
        app.screen.query_one("#school_id").focus()
        await pilot.press("enter", "down", "enter")
        await type_into(pilot, "#child_first_name", "Lucía")
        await type_into(pilot, "#child_last_name", "Nguyễn")
        await type_into(pilot, "#child_birthdate", "9/1/2021")
        await type_into(pilot, "#grade", "K")
        await press(pilot, "#submit")
        assert isinstance(app.screen, ChildMenuScreen)
        # 9–10: the portal, its alerts, and the notification preferences.
        await press(pilot, "#finished")
        assert isinstance(app.screen, PortalScreen)
        await settle(pilot)
        text = text_on(app)
        assert "Visit your school and show a valid photo ID" in text
        assert "You are not set up to receive email notifications" in text
        assert "José O'Brien-Nguyễn" in text
        await press(pilot, "#alert-email")
        assert isinstance(app.screen, PreferencesScreen)
        await settle(pilot)
        app.screen.query_one("#email_notifications").focus()
        await pilot.press("space")
        await press(pilot, "#save")
        assert isinstance(app.screen, PortalScreen)
        await settle(pilot)
        assert "You are not set up to receive email notifications" not in text_on(app)
    with database.read() as uow:
        parent = uow.session.scalars(select(ParentAccount)).one()
        assert (parent.email, parent.status, parent.language) == (
            "maria@example.org",
            AccountStatus.PENDING,
            "en",
        )
        assert parent.email_notifications
        link = uow.session.scalars(select(StudentLink)).one()
        assert (link.student_id, link.status) == (roster.students["jose"], LinkStatus.PENDING)
        application = uow.session.scalars(select(EnrollmentApplication)).one()
        assert (application.child_first_name, str(application.child_birthdate)) == (
            "Lucía",
            "2021-09-01",
        )
        assert application.school_id == roster.schools["north"], application.grade
        assert application.grade == "K", application.grade


async def test_steps_in_spanish_with_a_language_switch_half_way(database: Database) -> None:
    small_roster(database)
    app = kiosk(database)
    async with app.run_test(size=(110, 50)) as pilot:
        await settle(pilot)
        await press(pilot, "#lang-es")
        assert current_language() == "es"
        assert "Inscripción en el portal para padres" in text_on(app)
        await press(pilot, "#new-account")
        await type_into(pilot, "#first_name", "María")
        await type_into(pilot, "#last_name", "Nguyễn")
        await type_into(pilot, "#email", "not-an-email")
        await type_into(pilot, "#password", PASSWORD)
        await press(pilot, "#submit")
        assert field_error(app, "email") == (
            "Escriba un correo electrónico como nombre@ejemplo.com."
        )
        # Half-way: switch to Haitian Creole. Everything typed stays; the errors follow.
        await press(pilot, "#lang-ht")
        assert isinstance(app.screen, NewAccountScreen)
        assert app.screen.query_one("#first_name").value == "María"  # type: ignore[attr-defined]
        assert app.screen.query_one("#password").value == PASSWORD  # type: ignore[attr-defined]
        assert field_error(app, "email") == "Antre yon adrès imèl tankou non@egzanp.com."
        assert "Prenon *" in text_on(app)
        await press(pilot, "#lang-es")
        assert app.screen.query_one("#last_name").value == "Nguyễn"  # type: ignore[attr-defined]
        app.screen.query_one("#email").value = ""  # type: ignore[attr-defined]
        await type_into(pilot, "#email", "maria@example.org")
        await type_into(pilot, "#phone", "305 555 0101")
        await type_into(pilot, "#relationship", "Madre")
        await type_into(pilot, "#password_confirm", PASSWORD)
        await pass_human_check(pilot)
        await press(pilot, "#submit")
        assert isinstance(app.screen, ChildMenuScreen)
        assert "Quiero AGREGAR A UN HIJO que ya está inscrito." in text_on(app)
        await press(pilot, "#add-child")
        assert "Fecha de nacimiento del estudiante (por ejemplo 31/12/2015)" in text_on(app)
        await fill_jose(pilot, "2/4/2016")  # Spanish dates: day first
        await pass_human_check(pilot)
        await press(pilot, "#add-student")
        assert isinstance(app.screen, ChildLinkedScreen)
        assert "En espera de que la escuela verifique" in text_on(app)
        await press(pilot, "#back")
        await press(pilot, "#finished")
        await settle(pilot)
        text = text_on(app)
        assert "Visite su escuela y muestre una identificación con foto vigente" in text
        assert "No está configurado para recibir notificaciones por correo electrónico" in text
    with database.read() as uow:
        parent = uow.session.scalars(select(ParentAccount)).one()
        assert (parent.language, parent.relationship) == ("es", "Madre")
        assert uow.session.scalars(select(StudentLink)).one().status is LinkStatus.PENDING


async def test_a_language_switch_goes_on_in_the_steps_kept_screen_of_that_language(
    database: Database,
) -> None:
    """The account form kept in English (from an earlier visit) takes over the Spanish visit
    whole: what was typed and the errors, in English now; the Spanish form is left empty."""
    app = kiosk(database)
    async with app.run_test(size=(110, 50)) as pilot:
        await settle(pilot)
        await press(pilot, "#new-account")  # an earlier parent looked at it in English
        await pilot.press("escape")
        await settle(pilot)
        await press(pilot, "#lang-es")
        await press(pilot, "#new-account")
        spanish = app.screen
        await type_into(pilot, "#first_name", "María")
        await type_into(pilot, "#email", "not-an-email")
        await type_into(pilot, "#password", PASSWORD)
        await press(pilot, "#submit")
        assert field_error(app, "email") == (
            "Escriba un correo electrónico como nombre@ejemplo.com."
        )
        await press(pilot, "#lang-en")
        await settle(pilot)
        english = app.screen
        assert english is app.kept["new-account:en"] and english is not spanish
        assert english.query_one("#first_name", Input).value == "María"
        assert english.query_one("#password", Input).value == PASSWORD
        assert field_error(app, "email") == "Enter an email address like name@example.com."
        assert "First name *" in text_on(app)
        # Nothing of María's is left in the Spanish form's widgets or its visit.
        assert spanish.query_one("#password", Input).value == ""
        assert spanish.query_one("#first_name", Input).value == ""
        assert spanish.visit is not english.visit
        await press(pilot, "#lang-es")
        await settle(pilot)
        assert app.screen is spanish
        assert spanish.query_one("#first_name", Input).value == "María"
        assert field_error(app, "email") == (
            "Escriba un correo electrónico como nombre@ejemplo.com."
        )
