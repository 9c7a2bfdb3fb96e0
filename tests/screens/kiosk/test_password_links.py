"""The kiosk's ways into the password screens (R15, R17): from the welcome screen, from the
sign-in, and the forced change after signing in with a temporary password."""

from __future__ import annotations

from sqlalchemy import update

from frontdesk.db.engine import Database
from frontdesk.db.models import ParentAccount
from screens.kiosk.change_password import ForcedChangeScreen
from screens.kiosk.forgot_password import ForgotPasswordScreen
from screens.kiosk.signin import KioskSignInScreen
from tests.factories import PASSWORD, register
from tests.screens.kiosk.helpers import kiosk, press, settle, type_into


async def test_forgot_password_opens_from_the_welcome_and_the_sign_in(database: Database) -> None:
    app = kiosk(database)
    async with app.run_test(size=(110, 50)) as pilot:
        await settle(pilot)
        await press(pilot, "#forgot-password")
        assert isinstance(app.screen, ForgotPasswordScreen)
        app.pop_screen()
        await settle(pilot)
        await press(pilot, "#add-child")
        assert isinstance(app.screen, KioskSignInScreen)
        await press(pilot, "#forgot-password")
        assert isinstance(app.screen, ForgotPasswordScreen)


async def test_a_temporary_password_leads_to_the_forced_change(database: Database) -> None:
    session = register(database)
    with database.write() as uow:
        uow.session.execute(
            update(ParentAccount)
            .where(ParentAccount.id == session.parent_id)
            .values(must_change_password=True)
        )
    app = kiosk(database)
    async with app.run_test(size=(110, 50)) as pilot:
        await settle(pilot)
        await press(pilot, "#add-child")
        await type_into(pilot, "#email", "maria@example.org")
        await type_into(pilot, "#password", PASSWORD)
        await press(pilot, "#sign-in")
        assert isinstance(app.screen, ForcedChangeScreen)
