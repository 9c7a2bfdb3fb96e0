"""FrontdeskApp: holds the database, the district settings, the language and who is signed in."""

from __future__ import annotations

from textual import on
from textual.app import App
from textual.reactive import reactive

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
        from screens.desk.signin import StaffSignInScreen
        from screens.start import StartScreen

        self.push_screen(StaffSignInScreen() if self.start == "desk" else StartScreen())

    def watch_language(self, language: str) -> None:
        set_language(language)
        self.screen.refresh(recompose=True)
        self.refresh_bindings()

    @on(LanguageBar.Chosen)
    def _language_chosen(self, event: LanguageBar.Chosen) -> None:
        self.language = event.language


def run_app(database: Database, *, start: str = "start", notice: str = "") -> int:
    """Run the app until it quits; returns its exit code."""
    result = FrontdeskApp(database, start=start, notice=notice).run()
    return result or 0
