"""FrontdeskApp: holds the database, the district settings, the language and who is signed in."""

from __future__ import annotations

import gc
import os
from typing import Any

from textual import on
from textual.app import App
from textual.reactive import reactive
from textual.screen import Screen

from frontdesk.config import MailSettings
from frontdesk.db.engine import Database
from frontdesk.district_settings import DistrictSettings
from frontdesk.i18n import set_language
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
        from screens.desk.signin import StaffSignInScreen
        from screens.start import StartScreen

        return StaffSignInScreen() if self.start == "desk" else StartScreen()

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


OPEN_KIOSK = 100
"""What the start screen's "Parent kiosk" button exits with: run_app then starts the kiosk."""


def run_app(
    database: Database,
    *,
    start: str = "start",
    notice: str = "",
    mail: MailSettings | None = None,
) -> int:
    """Run the app until it quits; returns its exit code. With ``mail``, it delivers the outbox.

    The kiosk is an app of its own (locked down, K1); started from the start screen, the
    staff PIN that ends it brings the start screen back.
    """
    from screens.kiosk.app import KioskApp

    # With this set, Textual turns ctrl+c and ctrl+z into signals that would leave the kiosk.
    os.environ.pop("TEXTUAL_ALLOW_SIGNALS", None)
    if start == "kiosk":
        return KioskApp(database, mail=mail).run() or 0
    while True:
        result = FrontdeskApp(database, start=start, notice=notice, mail=mail).run()
        if result != OPEN_KIOSK:
            return result or 0
        KioskApp(database, mail=mail).run()
