"""FrontdeskApp: holds the database, the district settings, the language and who is signed in."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import App
from textual.reactive import reactive
from textual.screen import Screen

from frontdesk.db.engine import Database
from frontdesk.i18n import set_language
from frontdesk.services.district import DistrictSettings
from frontdesk.services.sessions import StaffSession
from screens.widgets.language_bar import LanguageBar


class FrontdeskApp(App[int]):
    """The frontdesk terminal application."""

    CSS_PATH = "app.tcss"
    TITLE = "frontdesk"
    # The palette's own strings are English only, and parents have no use for it.
    ENABLE_COMMAND_PALETTE = False

    language: reactive[str] = reactive("en", init=False)
    """The language every screen is shown in; switching it re-renders the screen."""

    def __init__(self, database: Database, *, start: str = "start", notice: str = "") -> None:
        super().__init__()
        self.database = database
        self.start = start
        self.notice = notice
        with database.read() as uow:
            self.district: DistrictSettings = uow.settings
        self.staff: StaffSession | None = None
        self.set_reactive(FrontdeskApp.language, self.district.default_language)
        set_language(self.district.default_language)

    def on_mount(self) -> None:
        self.push_screen(self.first_screen())

    def first_screen(self) -> Screen[Any]:
        """The screen the app opens on."""
        from screens.desk.signin import StaffSignInScreen
        from screens.start import StartScreen

        return StaffSignInScreen() if self.start == "desk" else StartScreen()

    def watch_language(self, language: str) -> None:
        set_language(language)
        self.screen.refresh(recompose=True)
        self.refresh_bindings()

    @on(LanguageBar.Chosen)
    def _language_chosen(self, event: LanguageBar.Chosen) -> None:
        self.language = event.language


OPEN_KIOSK = 100
"""What the start screen's "Parent kiosk" button exits with: run_app then starts the kiosk."""


def run_app(database: Database, *, start: str = "start", notice: str = "") -> int:
    """Run the app until it quits; returns its exit code.

    The kiosk is an app of its own (locked down, K1); started from the start screen, the
    staff PIN that ends it brings the start screen back.
    """
    from screens.kiosk.app import KioskApp

    if start == "kiosk":
        return KioskApp(database).run() or 0
    while True:
        result = FrontdeskApp(database, start=start, notice=notice).run()
        if result != OPEN_KIOSK:
            return result or 0
        KioskApp(database).run()
