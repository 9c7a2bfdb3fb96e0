"""WebKioskApp: the parent kiosk served to a browser by ``frontdesk serve`` (W1).

One process per browser session. What differs from the lobby kiosk is what a browser on the
internet needs: no staff exit (a PIN dialog open to the internet would be a PIN-guessing
service), and the idle wipe ends the session instead of showing the welcome screen again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from textual.binding import BindingType
from textual.screen import Screen

from frontdesk.db.engine import Database
from frontdesk.services.letter_codes import format_code, normalize_code
from screens.base import ScreenName
from screens.kiosk.base import KioskScreen
from screens.kiosk_app import KioskApp


class WebKioskApp(KioskApp, inherit_bindings=False):
    """The kiosk's parent screens for one browser session."""

    BINDINGS: ClassVar[list[BindingType]] = []
    """No F12: staff never leave a web session, and no PIN is asked for."""

    SCREEN_KINDS: ClassVar[dict[ScreenName, Callable[..., Screen[Any]]]] = {
        name: kind for name, kind in KioskApp.SCREEN_KINDS.items() if name != "staff-exit"
    }
    """The kiosk's screens but the staff exit: no staff screen is served to the web."""

    def __init__(
        self,
        database: Database,
        *,
        start_step: str = "",
        letter_code: str = "",
        tick_seconds: float = 1.0,
    ) -> None:
        super().__init__(database, tick_seconds=tick_seconds)
        self.start_step = start_step
        """``sign-in``: the session opens on the sign-in screen, over the welcome screen.
        ``letter``: on the welcome screen, the letter's code kept (``letter_code``)."""
        code = normalize_code(letter_code) if start_step == "letter" else None
        if code is not None:
            # From a letter's QR code: the parent signs in or makes the account first, and
            # then finds the code filled in, as printed, on the letter step
            # (``KioskApp.signed_in``).
            self.letter_code = format_code(code)

    def on_mount(self) -> None:
        # Textual calls the app classes' own on_mount too (KioskApp's, BaseApp's).
        if self.start_step == "sign-in":
            self.call_after_refresh(self.push_screen, self.step("sign-in"))

    def on_app_focus(self) -> None:
        # Textual's web driver starts the app blurred, and a screen shown while the page has no
        # focus (the sign-in screen of ``/?start=sign-in``) gets no cursor: Textual gives focus
        # back only to a widget of the screen that had it. Put it where the screen starts.
        screen = self.screen
        if screen.focused is None and isinstance(screen, KioskScreen):
            screen.focus_start()

    def wipe(self) -> None:
        """After the idle time the session ends: its process exits, the page says so."""
        self.parent_session = None
        self.exit()

    def action_staff_exit(self) -> None:
        """Nothing: there is no staff exit on the web."""
