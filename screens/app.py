"""FrontdeskApp: holds the database, the district settings, the language and who is signed in,
and knows the staff side's screens by name (``SCREEN_KINDS``)."""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any, ClassVar

from textual import on
from textual.app import App
from textual.reactive import reactive
from textual.screen import Screen

from frontdesk.config import MailSettings
from frontdesk.db.engine import Database
from frontdesk.district_settings import DistrictSettings
from frontdesk.i18n import set_language
from frontdesk.services.sessions import StaffSession
from screens.admin.settings import SettingsScreen
from screens.admin.staff import StaffAccountsScreen
from screens.base import ScreenName
from screens.desk.change_password import StaffPasswordScreen
from screens.desk.history import HistoryScreen
from screens.desk.home import StaffHomeScreen
from screens.desk.queue import QueueScreen
from screens.desk.signin import StaffSignInScreen
from screens.start import StartScreen
from screens.support.desk import SupportDeskScreen
from screens.widgets.language_bar import LanguageBar


class FrontdeskApp(App[int]):
    """The frontdesk terminal application."""

    CSS_PATH = "app.tcss"
    TITLE = "frontdesk"
    # The palette's own strings are English only, and parents have no use for it.
    ENABLE_COMMAND_PALETTE = False

    language: reactive[str] = reactive("en", init=False)
    """The language every screen is shown in; switching it re-renders the screen."""

    SCREEN_KINDS: ClassVar[dict[ScreenName, Callable[..., Screen[Any]]]] = {
        "start": StartScreen,
        "staff-sign-in": StaffSignInScreen,
        "staff-password": StaffPasswordScreen,
        "staff-home": StaffHomeScreen,
        "queue": QueueScreen,
        "history": HistoryScreen,
        "support": SupportDeskScreen,
        "settings": SettingsScreen,
        "staff-accounts": StaffAccountsScreen,
    }
    """Every staff-side screen by name: screens open one another through ``new_screen``."""

    MAIL_INTERVAL = 30.0
    """Seconds between two delivery passes of the outbox."""

    def __init__(
        self,
        database: Database,
        *,
        start: str = "start",
        notice: str = "",
        mail: MailSettings | None = None,
    ) -> None:
        super().__init__()
        self.database = database
        self.mail = mail
        self.start = start
        self.notice = notice
        with database.read() as uow:
            self.district: DistrictSettings = uow.settings
        self.staff: StaffSession | None = None
        self.set_reactive(FrontdeskApp.language, self.district.default_language)
        set_language(self.district.default_language)

    def on_mount(self) -> None:
        self.push_screen(self.first_screen())
        if self.mail is not None:
            self.set_interval(self.MAIL_INTERVAL, self.deliver_mail)

    def first_screen(self) -> Screen[Any]:
        """The screen the app opens on."""
        return self.new_screen("staff-sign-in" if self.start == "desk" else "start")

    def new_screen(self, name: ScreenName, *args: Any) -> Screen[Any]:
        """A new screen of the kind registered as ``name``, made with ``args``."""
        return self.SCREEN_KINDS[name](*args)

    def deliver_mail(self) -> None:
        """Run one delivery pass of the outbox in a thread (E1); errors stay in the outbox."""
        from frontdesk.mail.delivery import Deliverer

        if self.mail is None or any(w.group == "mail" for w in self.workers if w.is_running):
            return
        deliverer = Deliverer(self.database, self.mail)
        self.run_worker(deliverer.deliver_due, thread=True, exit_on_error=False, group="mail")

    def on_unmount(self) -> None:
        gc.unfreeze()  # what this app set aside is an ordinary object again once it ends

    def settle_heap(self) -> None:
        """Collect the garbage made since the last call, then keep what lives now out of the
        garbage collector's later rounds (``gc.freeze``).

        Python's full collections walk every object the process holds: the desk's search
        snapshot (an entry per waiting request), a kiosk's kept screens. Falling on a key
        press, one paused the screen for 50–170 ms. Called once a screen is painted, a
        collection looks only at what came since. Frozen objects are still freed when nothing
        refers to them; only cycles among them wait for ``gc.unfreeze`` (the kiosk does that
        when it idles).
        """
        gc.collect()
        gc.freeze()

    def watch_language(self, language: str) -> None:
        set_language(language)
        self.screen.refresh(recompose=True)
        self.refresh_bindings()

    @on(LanguageBar.Chosen)
    def _language_chosen(self, event: LanguageBar.Chosen) -> None:
        self.language = event.language
