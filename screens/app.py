"""FrontdeskApp: the staff side (the start screen, the desk, support, administration), which
knows its screens by name (``SCREEN_KINDS``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from textual.screen import Screen

from screens.admin.settings import SettingsScreen
from screens.admin.staff import StaffAccountsScreen
from screens.base import ScreenName
from screens.base_app import BaseApp
from screens.desk.change_password import StaffPasswordScreen
from screens.desk.history import HistoryScreen
from screens.desk.home import StaffHomeScreen
from screens.desk.letters import LettersScreen
from screens.desk.queue import QueueScreen
from screens.desk.signin import StaffSignInScreen
from screens.start import StartScreen
from screens.support.desk import SupportDeskScreen


class FrontdeskApp(BaseApp):
    """The frontdesk terminal application: the start screen or the staff sign-in first."""

    SCREEN_KINDS: ClassVar[dict[ScreenName, Callable[..., Screen[Any]]]] = {
        "start": StartScreen,
        "staff-sign-in": StaffSignInScreen,
        "staff-password": StaffPasswordScreen,
        "staff-home": StaffHomeScreen,
        "queue": QueueScreen,
        "letters": LettersScreen,
        "history": HistoryScreen,
        "support": SupportDeskScreen,
        "settings": SettingsScreen,
        "staff-accounts": StaffAccountsScreen,
    }
    """Every staff-side screen by name: screens open one another through ``new_screen``."""

    def first_screen(self) -> Screen[Any]:
        """The screen the app opens on."""
        return self.new_screen("staff-sign-in" if self.start == "desk" else "start")
