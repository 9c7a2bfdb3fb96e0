"""Small questions the desk asks before a decision: a reason the parent will read, a yes/no."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from frontdesk import text
from frontdesk.i18n import N_, _
from screens.base import BaseScreen
from screens.widgets.field import Field
from screens.widgets.key_footer import KeyFooter


class ReasonDialog(BaseScreen[str | None], ModalScreen[str | None]):
    """Asks why (a denial, a revocation); ``enter`` gives the reason, ``escape`` cancels."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(self, title: str, explanation: str) -> None:
        super().__init__()
        self._title = title
        self._explanation = explanation

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self._title, classes="title")
            yield Label(self._explanation, classes="dialog-text")
            yield Field(
                _("Reason (the parent will see it)"),
                Input(id="reason", max_length=text.REASON),
                name="reason",
            )
            yield Label(_("Enter to confirm, Escape to cancel"), classes="dialog-hint")
        yield KeyFooter()

    @on(Input.Submitted, "#reason")
    def _confirm(self, event: Input.Submitted) -> None:
        reason = event.value.strip()
        if not reason:
            self.query_one("#field-reason", Field).show_error(
                _("Give a reason; the parent will see it.")
            )
            return
        self.dismiss(reason)

    def action_cancel(self) -> None:
        """Close without a reason: nothing is decided."""
        self.dismiss(None)


class ConfirmDialog(BaseScreen[bool], ModalScreen[bool]):
    """A yes/no question: ``enter`` (or ``y``) confirms, ``escape`` (or ``n``) does not."""

    CSS_PATH = "dialogs.tcss"
    BINDINGS = [
        Binding("enter,y", "answer(True)", N_("Confirm")),
        Binding("escape,n", "answer(False)", N_("Cancel")),
    ]

    def __init__(self, title: str, lines: list[str]) -> None:
        super().__init__()
        self._title = title
        self._lines = lines

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self._title, classes="title")
            for line in self._lines:
                yield Label(line, classes="dialog-text")
            yield Label(_("Enter to confirm, Escape to cancel"), classes="dialog-hint")
        yield KeyFooter()

    def action_answer(self, yes: bool) -> None:
        """Close with the answer."""
        self.dismiss(yes)
