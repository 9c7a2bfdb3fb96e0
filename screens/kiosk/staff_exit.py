"""Staff leave kiosk mode with their PIN (K1)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from frontdesk.errors import DomainError
from frontdesk.i18n import _
from frontdesk.services.kiosk import leave_kiosk
from screens.base import BaseScreen
from screens.widgets.password_input import PasswordInput


class StaffExitScreen(BaseScreen[None], ModalScreen[None], inherit_bindings=False):
    """A PIN box over the kiosk; Escape closes it, the right PIN ends kiosk mode."""

    BINDINGS = [Binding("escape", "close", show=False)]
    DEFAULT_CSS = """
    StaffExitScreen { align: center middle; }
    StaffExitScreen > Vertical { width: 40; height: auto; border: thick $warning; padding: 1 2; }
    StaffExitScreen #pin-prompt { width: 1fr; }
    StaffExitScreen .error { color: $error; height: auto; }
    """

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(_("Staff PIN to leave kiosk mode"), id="pin-prompt")  # wraps in es, ht
            yield PasswordInput(id="pin", max_length=12)
            yield Label("", classes="error", id="pin-error")

    @on(Input.Submitted, "#pin")
    def check(self, event: Input.Submitted) -> None:
        """Check the PIN in a worker."""
        database, pin = self.frontdesk.database, event.value
        event.input.value = ""
        self.run_service(lambda: leave_kiosk(database, pin), self._accepted, self._refused)

    def _accepted(self, _username: str) -> None:
        self.app.exit(0)

    def _refused(self, error: DomainError) -> None:
        self.query_one("#pin-error", Label).update(str(error.message))

    def action_close(self) -> None:
        """Back to the kiosk."""
        self.app.pop_screen()
