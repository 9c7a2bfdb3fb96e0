"""The idle countdown (K1) as a parent meets it: on screen for the last 20 seconds, above the
key hints rather than under them, and stopped by any key, which does nothing else."""

from __future__ import annotations

from frontdesk.db.engine import Database
from screens.kiosk.account import NewAccountScreen
from screens.kiosk.welcome import WelcomeScreen
from screens.kiosk_app import KioskApp
from screens.widgets.countdown import IdleCountdown
from tests.screens.kiosk.helpers import kiosk, settle


def countdown_seen(app: KioskApp) -> str:
    """The countdown's text where it shows on screen, or "" when it is hidden or covered."""
    countdown = app.screen.query_one(IdleCountdown)
    region = countdown.region
    if not countdown.display or not region.height or region.bottom > app.size.height:
        return ""
    middle = region.y + region.height // 2
    if app.screen.get_widget_at(region.x + 1, middle)[0] is not countdown:
        return ""
    return str(countdown.render())


async def idle(app: KioskApp, pilot, seconds: int) -> None:  # type: ignore[no-untyped-def]
    for _second in range(seconds):
        app.tick_idle()
    await pilot.pause()


async def test_the_countdown_shows_for_the_last_20_seconds_and_a_key_stays(
    one_db: Database,
) -> None:
    app = kiosk(one_db)
    assert app.district.kiosk_idle_seconds == 120
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await idle(app, pilot, 99)
        assert countdown_seen(app) == ""
        await idle(app, pilot, 1)
        assert "it clears in 20 seconds. Press any key to stay." in countdown_seen(app)
        # The key stops the countdown and does nothing else: Enter would otherwise have
        # pressed the welcome screen's first button.
        await pilot.press("enter")
        await pilot.pause()
        assert countdown_seen(app) == "" and app.idle_seconds == 0
        assert isinstance(app.screen, WelcomeScreen)
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, NewAccountScreen)
        await pilot.press(*"Zoë")
        await idle(app, pilot, 115)
        assert "it clears in 5 seconds" in countdown_seen(app)
        await pilot.press("x")
        await pilot.pause()
        assert countdown_seen(app) == ""
        assert form.visit.draft.first_name == "Zoë"
        await idle(app, pilot, 120)
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        assert countdown_seen(app) == ""
        # The next parent's key is theirs: it presses the first choice.
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is form and form.visit.draft.first_name == ""
        assert countdown_seen(app) == ""
