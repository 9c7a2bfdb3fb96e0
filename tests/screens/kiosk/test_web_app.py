"""The kiosk's screens as ``frontdesk serve`` runs them for one browser session (WebKioskApp)."""

from __future__ import annotations

from textual import events

from frontdesk.db.engine import Database
from screens.kiosk.signin import KioskSignInScreen
from screens.web_app import WebKioskApp
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
