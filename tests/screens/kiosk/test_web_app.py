"""The kiosk's screens as ``frontdesk serve`` runs them for one browser session (WebKioskApp)."""

from __future__ import annotations

import asyncio

from textual import events

from frontdesk.db.engine import Database
from screens.kiosk.signin import KioskSignInScreen
from screens.web_app import WebKioskApp
from tests.factories import change_settings, register
from tests.screens.kiosk.helpers import settle


async def test_a_screen_shown_before_the_page_has_focus_gets_the_cursor_with_it(
    one_db: Database,
) -> None:
    # Textual's web driver starts the app blurred; the reset page's link opens the session on
    # the sign-in screen before the parent has clicked the page.
    app = WebKioskApp(one_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.post_message(events.AppBlur())
        await pilot.pause()
        await app.push_screen(app.step("sign-in"))
        await settle(pilot)
        assert isinstance(app.screen, KioskSignInScreen) and app.screen.focused is None
        app.post_message(events.AppFocus())  # the parent clicks the page
        await pilot.pause()
        await pilot.press(*"ana@example.org")
        await pilot.pause()
        assert app.screen.focused is not None and app.screen.focused.id == "email"
        assert app.screen.query_one("#email").value == "ana@example.org"  # type: ignore[attr-defined]


async def test_the_session_can_open_on_the_sign_in_screen_and_has_no_staff_exit(
    one_db: Database,
) -> None:
    app = WebKioskApp(one_db, start_step="sign-in")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, KioskSignInScreen)
        await pilot.press("f12")
        await settle(pilot)
        assert isinstance(app.screen, KioskSignInScreen)
        assert "staff-exit" not in app.SCREEN_KINDS


async def test_the_idle_time_wipes_the_session_and_ends_it(one_db: Database) -> None:
    """A browser left open: after the district's idle time the parent's session is dropped and
    the app exits (its process ends, and the page says the session has ended)."""
    change_settings(one_db, kiosk_idle_seconds=15)
    parent = register(one_db)
    app = WebKioskApp(one_db, tick_seconds=0.02)  # 15 "seconds" in 0.3 s
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.parent_session = parent
        await app.push_screen(app.step("menu"))
        await settle(pilot)
        for _wait in range(200):
            if app.return_code is not None:
                break
            await asyncio.sleep(0.02)
        assert app.return_code == 0
        assert app.parent_session is None
    assert not app.is_running


async def test_a_key_before_the_idle_time_keeps_the_session(one_db: Database) -> None:
    change_settings(one_db, kiosk_idle_seconds=15)
    app = WebKioskApp(one_db, tick_seconds=3600)  # the test ticks it
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for _second in range(14):
            app.tick_idle()
        await pilot.press("shift")
        await pilot.pause()
        for _second in range(14):
            app.tick_idle()
        await pilot.pause()
        assert app.return_code is None and app.is_running
        app.tick_idle()
        await pilot.pause()
        assert app.return_code == 0
