"""The start screen: the district's logo and the way into the staff desk (and the kiosk)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.widgets import Button, Footer, Static

from frontdesk.i18n import N_, _
from screens.base import BaseScreen
from screens.widgets.language_bar import LanguageBar

OPEN_KIOSK = 100
"""What the "Parent kiosk" button exits the app with: ``run_app`` then starts the kiosk."""


class StartScreen(BaseScreen[None]):
    """Where a workstation starts: choose the staff desk."""

    BINDINGS = [
        Binding("d", "desk", N_("Staff desk")),
        Binding("k", "kiosk", N_("Parent kiosk")),
        Binding("ctrl+q", "app.quit", N_("Quit")),
    ]

    def compose(self) -> ComposeResult:
        district = self.frontdesk.district
        yield LanguageBar(district.languages, self.frontdesk.language)
        with Vertical(classes="centered"):
            yield Static(district.logo, classes="logo")
            yield Static(district.district_name, classes="title")
            with Center():
                yield Button(_("Staff desk"), id="desk", variant="primary")
            with Center():
                yield Button(_("Parent kiosk"), id="kiosk")
            if self.frontdesk.notice:
                yield Static(self.frontdesk.notice, classes="notice", markup=False)
        yield Footer()

    @on(Button.Pressed, "#desk")
    def action_desk(self) -> None:
        """Go to the staff sign-in."""
        self.app.push_screen(self.frontdesk.new_screen("staff-sign-in"))

    @on(Button.Pressed, "#kiosk")
    def action_kiosk(self) -> None:
        """Turn this workstation into a parent kiosk (left with a staff PIN)."""
        self.app.exit(OPEN_KIOSK)
