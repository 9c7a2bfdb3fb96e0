"""Kiosk mode (K1): no quit key leaves it, idle time wipes it, a staff PIN ends it."""

from __future__ import annotations

from sqlalchemy import func, select

from frontdesk.db.engine import Database
from frontdesk.db.models import AuditEvent, ParentAccount, StaffRole
from frontdesk.i18n import current_language
from frontdesk.services.audit import AuditAction
from screens.kiosk.account import NewAccountScreen
from screens.kiosk.staff_exit import StaffExitScreen
from screens.kiosk.welcome import WelcomeScreen
from tests.factories import PASSWORD, STAFF_PIN, change_settings, staff_member
from tests.screens.kiosk.helpers import (
    kiosk,
    pass_human_check,
    press,
    settle,
    text_on,
    type_into,
    typed_values,
)
from tests.screens.kiosk.test_walkthrough import fill_account


async def test_no_quit_key_leaves_kiosk_mode(database: Database) -> None:
    app = kiosk(database)
    async with app.run_test(size=(110, 50)) as pilot:
        await settle(pilot)
        for key in ("ctrl+c", "ctrl+q", "ctrl+z", "ctrl+p", "ctrl+backslash", "escape"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, WelcomeScreen), key
            assert app.return_code is None, key
        await press(pilot, "#new-account")
        await type_into(pilot, "#first_name", "María")
        for key in ("ctrl+c", "ctrl+q", "ctrl+z", "ctrl+p"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, NewAccountScreen), key
            assert app.return_code is None, key
        assert app.clipboard == ""


async def test_staff_leave_with_their_pin_and_a_wrong_pin_is_refused(database: Database) -> None:
    staff_member(database, "carmen", StaffRole.SUPPORT, [])
    app = kiosk(database)
    async with app.run_test(size=(110, 50)) as pilot:
        await settle(pilot)
        await pilot.press("f12")
        await pilot.pause()
        assert isinstance(app.screen, StaffExitScreen)
        await pilot.press(*"1111", "enter")
        await settle(pilot)
        assert "That PIN is not right." in text_on(app)  # type: ignore[arg-type]
        assert app.return_code is None
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)
        await pilot.press("f12")
        await pilot.pause()
        await pilot.press(*STAFF_PIN, "enter")
        await settle(pilot)
        assert app.return_code == 0
    with database.read() as uow:
        actions = [e.action for e in uow.session.scalars(select(AuditEvent))]
        assert AuditAction.KIOSK_EXIT_FAILED.value in actions
        assert AuditAction.KIOSK_EXIT.value in actions


async def test_idle_time_wipes_everything_back_to_the_welcome_in_the_default_language(
    database: Database,
) -> None:
    change_settings(database, kiosk_idle_seconds=15)
    app = kiosk(database)
    async with app.run_test(size=(110, 50)) as pilot:
        await settle(pilot)
        await press(pilot, "#lang-es")
        await press(pilot, "#new-account")
        await type_into(pilot, "#first_name", "María")
        await type_into(pilot, "#password", PASSWORD)
        countdown = app.screen.query_one("#idle-countdown")
        for _second in range(7):
            app.tick_idle()
        assert not countdown.display
        app.tick_idle()
        await pilot.pause()
        assert countdown.display
        assert "se borrará en 7 segundos" in str(countdown.render())
        await pilot.press("shift")  # a key press starts the idle time again
        await pilot.pause()
        assert not countdown.display
        assert app.idle_seconds == 0
        for _second in range(15):
            app.tick_idle()
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        assert len(app.screen_stack) == 2
        assert current_language() == "en" and app.language == "en"
        assert "Parent Portal Registration" in text_on(app)
        assert app.parent_session is None
        assert not any(typed_values(app))
        assert all(not isinstance(screen, NewAccountScreen) for screen in app.screen_stack)


async def test_an_answer_arriving_after_the_wipe_reaches_no_one(database: Database) -> None:
    app = kiosk(database)
    async with app.run_test(size=(110, 50)) as pilot:
        await settle(pilot)
        await press(pilot, "#new-account")
        await fill_account(pilot)
        await pass_human_check(pilot)
        screen = app.screen
        assert isinstance(screen, NewAccountScreen)
        screen.submit()  # the account is being made in a worker...
        app.wipe()  # ...when the kiosk wipes itself
        for _wait in range(200):  # the thread cannot be stopped: wait for its transaction
            await pilot.pause(0.05)
            with database.read() as uow:
                if uow.session.scalar(select(func.count()).select_from(ParentAccount)):
                    break
        await pilot.pause(0.2)
        assert isinstance(app.screen, WelcomeScreen)
        assert app.parent_session is None
        assert len(app.screen_stack) == 2
