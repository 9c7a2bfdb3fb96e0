"""Preferences laid out like every kiosk screen (one centred column, a title), and the password
hint under the new password it is about (R14, R18; the forced change shares the fields)."""

from __future__ import annotations

from textual.geometry import Region

from frontdesk.db.engine import Database
from screens.kiosk.change_password import ForcedChangeScreen
from screens.kiosk.preferences import PreferencesScreen
from tests.factories import register
from tests.screens.kiosk.helpers import kiosk, settle


def column(app) -> Region:  # type: ignore[no-untyped-def]
    return app.screen.query_one(".kiosk-column").region  # type: ignore[no-any-return]


async def test_preferences_stand_in_the_kiosk_column(one_db: Database) -> None:
    session = register(one_db, language="en")
    app = kiosk(one_db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await app.push_screen(app.step("new-account"))
        await settle(pilot)
        form_column = column(app)
        app.pop_screen()
        await settle(pilot)
        await app.push_screen(PreferencesScreen(session))
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PreferencesScreen)
        assert (column(app).x, column(app).width) == (form_column.x, form_column.width)
        assert str(screen.query_one(".title").render()) == "Preferences"
        assert screen.query_one("#email_notifications").region.x >= form_column.x


async def test_the_password_hint_is_under_the_new_password(one_db: Database) -> None:
    session = register(one_db, language="en")
    app = kiosk(one_db)
    async with app.run_test(size=(120, 60)) as pilot:
        await settle(pilot)
        for screen in (PreferencesScreen(session, section="password"), ForcedChangeScreen(session)):
            await app.push_screen(screen)
            await settle(pilot)
            hint = next(
                label for label in screen.query(".hint") if "Use at least" in str(label.render())
            )
            new = screen.query_one("#field-new_password").region
            again = screen.query_one("#field-confirm_password").region
            current = screen.query_one("#field-current_password").region
            assert current.bottom <= new.y, type(screen)
            assert new.bottom <= hint.region.y < again.y, type(screen)
            app.pop_screen()
            await settle(pilot)
