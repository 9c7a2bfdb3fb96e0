"""Where the keys go, as a parent types them: each kiosk screen starts with the cursor where
the parent acts first (the first field of a form, the first choice of a menu), never on the
language bar, and nothing here moves the focus by hand before typing."""

from __future__ import annotations

from textual.widget import Widget

from frontdesk.db.engine import Database
from frontdesk.services.password_reset import request_reset
from screens.kiosk.account import NewAccountScreen
from screens.kiosk.add_child import AddChildScreen, ChildLinkedScreen
from screens.kiosk.base import KioskScreen
from screens.kiosk.change_password import ForcedChangeScreen
from screens.kiosk.enrollment import EnrollmentScreen
from screens.kiosk.forgot_password import ForgotPasswordScreen
from screens.kiosk.menu import ChildMenuScreen
from screens.kiosk.portal import PortalScreen
from screens.kiosk.preferences import PreferencesScreen
from screens.kiosk.signin import KioskSignInScreen
from screens.kiosk.staff_exit import StaffExitScreen
from screens.kiosk.welcome import WelcomeScreen
from screens.kiosk_app import KioskApp
from tests.factories import PASSWORD, register, small_roster
from tests.screens.kiosk.helpers import kiosk, settle

SIZE = (80, 24)


def focused(app: KioskApp) -> str:
    widget: Widget | None = app.screen.focused
    return (widget.id or type(widget).__name__) if widget else ""


async def type_text(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type ``text`` where the cursor is, then Enter (the next field), as a parent does."""
    await pilot.press(*text, "enter")
    await pilot.pause()


async def answer_human_check(pilot) -> None:  # type: ignore[no-untyped-def]
    """From the "I'm not a robot" box: tick it, tab to the sum, answer it, Enter (sends)."""
    screen = pilot.app.screen
    assert isinstance(screen, KioskScreen)
    assert focused(pilot.app) == "human_ticked"
    await pilot.press("space", "tab")
    challenge = screen.challenge
    await pilot.press(*str(challenge.first + challenge.second), "enter")
    await settle(pilot)


async def test_the_registration_path_typed_without_moving_the_cursor(one_db: Database) -> None:
    small_roster(one_db)
    app = kiosk(one_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        assert focused(app) == "new-account"  # the first choice, not "English"
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, NewAccountScreen)
        assert focused(app) == "first_name"
        for text in ("María", "Nguyễn", "maria@example.org", "305 555 0101", "Mother"):
            await type_text(pilot, text)
        await type_text(pilot, PASSWORD)
        await pilot.press(*PASSWORD, "tab", "tab")  # past "Show password"
        draft = form.visit.draft
        assert (draft.first_name, draft.email) == ("María", "maria@example.org")
        assert draft.password_confirm.get_secret_value() == PASSWORD
        await answer_human_check(pilot)

        # The menu after Submit: the first Enter adds a child (it once switched the language).
        assert isinstance(app.screen, ChildMenuScreen)
        assert focused(app) == "add-child"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AddChildScreen)
        assert focused(app) == "first_name"
        for text in ("Jose", "O'Brien-Nguyen", "1000001", "4/2/2016", "1234"):
            await type_text(pilot, text)
        await answer_human_check(pilot)

        assert isinstance(app.screen, ChildLinkedScreen)
        assert focused(app) == "back"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ChildMenuScreen)
        await pilot.press("tab", "tab", "enter")  # past "I have a letter code"
        await settle(pilot)
        enrollment = app.screen
        assert isinstance(enrollment, EnrollmentScreen)
        assert focused(app) == "school_id"  # still there once the schools have arrived
        await pilot.press("enter", "down", "enter", "tab")
        await pilot.pause()
        await type_text(pilot, "Lucía")
        assert enrollment.visit.draft.school_id is not None
        assert enrollment.visit.draft.child_first_name == "Lucía"
        await pilot.press("escape")
        await settle(pilot)
        assert focused(app) == "apply"  # where the parent left the menu
        await pilot.press("tab", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PortalScreen)
        assert focused(app) == "alert-email"  # the first thing the portal asks of the parent
        await pilot.press("enter")
        await settle(pilot)
        preferences = app.screen
        assert isinstance(preferences, PreferencesScreen)
        assert focused(app) == "email_notifications"  # once the preferences have arrived
        await pilot.press("space")
        assert preferences.visit.draft is not None and preferences.visit.draft.email_notifications


async def test_sign_in_forgot_password_and_staff_pin_start_in_their_field(
    one_db: Database,
) -> None:
    register(one_db, email="maria@example.org", language="en")
    app = kiosk(one_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("tab", "enter")
        await settle(pilot)
        signin = app.screen
        assert isinstance(signin, KioskSignInScreen)
        await type_text(pilot, "maria@example.org")
        assert signin.visit.draft.email == "maria@example.org"
        assert focused(app) == "password"
        await pilot.press("escape")
        await settle(pilot)
        assert focused(app) == "add-child"  # where the parent left the welcome screen
        await pilot.press("tab", "enter")
        await settle(pilot)
        forgot = app.screen
        assert isinstance(forgot, ForgotPasswordScreen)
        await pilot.press(*"maria")
        assert forgot.visit.draft.email == "maria"
        await pilot.press("f12")
        await settle(pilot)
        assert isinstance(app.screen, StaffExitScreen)
        assert focused(app) == "pin"


async def test_the_forced_change_starts_in_the_temporary_password(one_db: Database) -> None:
    session = register(one_db, email="maria@example.org", language="en")
    with one_db.write() as uow:
        request_reset(uow, "maria@example.org", "en")
    app = kiosk(one_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.parent_session = session
        await app.push_screen(ForcedChangeScreen(session))
        await settle(pilot)
        await pilot.press(*"abc")
        screen = app.screen
        assert isinstance(screen, ForcedChangeScreen)
        assert screen.visit.draft.current_password.get_secret_value() == "abc"


async def test_the_language_bar_is_one_tab_stop_away_and_never_the_start(
    one_db: Database,
) -> None:
    app = kiosk(one_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert focused(app) == "first_name"
        # Back from the first field reaches the last language; forward again, the first field
        # (no invisible stop between the bar and the form).
        await pilot.press("shift+tab")
        assert focused(app) == "lang-ht"
        await pilot.press("tab")
        assert focused(app) == "first_name"
        # Choosing a language puts the cursor back where the screen starts.
        await pilot.press("shift+tab", "shift+tab", "enter")
        await settle(pilot)
        assert app.language == "es"
        await pilot.press(*"Ana")
        form = app.screen
        assert isinstance(form, NewAccountScreen)
        assert form.visit.draft.first_name == "Ana"


async def test_preferences_opened_on_the_password_start_in_the_current_password(
    one_db: Database,
) -> None:
    session = register(one_db, email="maria@example.org", language="en")
    app = kiosk(one_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.parent_session = session
        await app.push_screen(PreferencesScreen(session, section="password"))
        await settle(pilot)
        await pilot.press(*"abc")
        screen = app.screen
        assert isinstance(screen, PreferencesScreen)
        assert screen.visit.password_draft.current_password.get_secret_value() == "abc"
