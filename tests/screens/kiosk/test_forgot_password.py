"""R15–R18 at the kiosk: forgot password, the code from the mail, the temporary password
shown once, the forced change, and Preferences > Password — in English and in Spanish."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select
from textual.widgets import Input, Static

from frontdesk.db.engine import Database
from frontdesk.db.models import OutboxMail, ParentAccount
from frontdesk.services.signin import sign_in_parent
from screens.kiosk.change_password import ForcedChangeScreen
from screens.kiosk.forgot_password import ForgotPasswordScreen
from screens.kiosk.menu import ChildMenuScreen
from screens.kiosk.preferences import PreferencesScreen
from screens.kiosk.signin import KioskSignInScreen
from screens.kiosk.welcome import WelcomeScreen
from tests.factories import PASSWORD, delivered_text, register
from tests.screens.kiosk.helpers import field_error, kiosk, press, settle, text_on, type_into

EMAIL = "maria@example.org"
NEW_PASSWORD = "a garden of purple lanterns"


def mailed_code(database: Database) -> str:
    with database.read() as uow:
        mails = uow.session.scalars(
            select(OutboxMail).where(OutboxMail.kind == "password_reset").order_by(OutboxMail.id)
        ).all()
    found = re.search(r"[0-9A-Z]{4}-[0-9A-Z]{4}", delivered_text(database, mails[-1]))
    assert found
    return found.group(0)


def parent(database: Database) -> ParentAccount:
    with database.read() as uow:
        return uow.session.scalars(select(ParentAccount)).one()


TEXTS = {
    "en": {
        "sent": "If an account uses maria@example.org, we have sent it a mail with a code.",
        "wrong": "This code is not right.",
        "view": "View your new credentials",
        "forced": "Choose a new password",
    },
    "es": {
        "sent": "Si una cuenta usa maria@example.org, le hemos enviado un correo con un código.",
        "wrong": "Este código no es correcto.",
        "view": "Ver sus nuevas credenciales",
        "forced": "Elija una nueva contraseña",
    },
}


@pytest.mark.parametrize("language", ["en", "es"])
async def test_the_whole_forgot_password_path(
    database: Database, language: str, tmp_path: Path
) -> None:
    register(database)
    texts = TEXTS[language]
    app = kiosk(database)
    async with app.run_test(size=(110, 50)) as pilot:
        await settle(pilot)
        if language != "en":
            await press(pilot, f"#lang-{language}")
        await press(pilot, "#forgot-password")
        assert isinstance(app.screen, ForgotPasswordScreen)
        await type_into(pilot, "#email", EMAIL)
        await pilot.press("enter")
        await settle(pilot)
        assert texts["sent"] in text_on(app)
        app.save_screenshot(str(tmp_path / f"code-{language}.svg"))

        await type_into(pilot, "#code", "0000-0000")
        await pilot.press("enter")
        await settle(pilot)
        assert texts["wrong"] in field_error(app, "code")
        code = mailed_code(database)
        field = app.screen.query_one("#code", Input)
        field.value = ""
        await type_into(pilot, "#code", code.lower())
        await pilot.press("enter")
        await settle(pilot)
        assert texts["view"] in text_on(app)
        assert not app.screen.query("#temporary-password")
        await press(pilot, "#view")
        temporary = str(app.screen.query_one("#temporary-password", Static).render())
        assert re.fullmatch(r"([0-9a-z]{4}-){3}[0-9a-z]{4}", temporary)
        assert parent(database).must_change_password

        await press(pilot, "#sign-in")
        assert isinstance(app.screen, KioskSignInScreen)
        assert app.screen.query_one("#email", Input).value == EMAIL
        assert temporary not in text_on(app)
        await type_into(pilot, "#password", temporary)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ForcedChangeScreen)
        assert texts["forced"] in text_on(app)
        await pilot.press("escape")  # nothing else is reachable
        await settle(pilot)
        assert isinstance(app.screen, ForcedChangeScreen)
        await type_into(pilot, "#current_password", temporary)
        await type_into(pilot, "#new_password", NEW_PASSWORD)
        await type_into(pilot, "#confirm_password", NEW_PASSWORD)
        await pilot.press("enter")
        await settle(pilot)
        app.save_screenshot(str(tmp_path / f"after-{language}.svg"))
        assert isinstance(app.screen, ChildMenuScreen)
    assert not parent(database).must_change_password
    with database.write() as uow:
        sign_in_parent(uow, EMAIL, NEW_PASSWORD)


async def test_an_unknown_email_gets_the_same_answer(database: Database) -> None:
    register(database)
    app = kiosk(database)
    async with app.run_test(size=(110, 50)) as pilot:
        await settle(pilot)
        await press(pilot, "#forgot-password")
        await type_into(pilot, "#email", "nobody@example.org")
        await press(pilot, "#submit")
        assert "If an account uses nobody@example.org, we have sent it a mail" in text_on(app)
        await press(pilot, "#cancel")
        assert isinstance(app.screen, WelcomeScreen)
    with database.read() as uow:
        assert uow.session.scalars(select(OutboxMail)).all() == []


async def test_a_bad_email_is_told_beside_the_field_and_kept(database: Database) -> None:
    app = kiosk(database)
    async with app.run_test(size=(110, 50)) as pilot:
        await settle(pilot)
        await press(pilot, "#add-child")
        await press(pilot, "#forgot-password")
        assert isinstance(app.screen, ForgotPasswordScreen)
        await type_into(pilot, "#email", "maria at example")
        await press(pilot, "#submit")
        assert "name@example.com" in field_error(app, "email")
        assert app.screen.query_one("#email", Input).value == "maria at example"
        await press(pilot, "#registration")
        assert isinstance(app.screen, WelcomeScreen)


async def test_preferences_password_tab_asks_for_the_old_password(database: Database) -> None:
    session = register(database)
    app = kiosk(database)
    async with app.run_test(size=(110, 50)) as pilot:
        await settle(pilot)
        app.parent_session = session
        await app.push_screen(PreferencesScreen(session, section="password"))
        await settle(pilot)
        await type_into(pilot, "#current_password", "not my password")
        await type_into(pilot, "#new_password", NEW_PASSWORD)
        await type_into(pilot, "#confirm_password", NEW_PASSWORD)
        await press(pilot, "#save-password")
        assert "This is not your current password." in field_error(app, "current_password")
        app.screen.query_one("#current_password", Input).value = ""
        await type_into(pilot, "#current_password", PASSWORD)
        await press(pilot, "#save-password")
        assert isinstance(app.screen, WelcomeScreen)
        assert app.parent_session is not None
        assert app.parent_session.credentials_version == session.credentials_version + 1
    with database.write() as uow:
        sign_in_parent(uow, EMAIL, NEW_PASSWORD)
