"""Dialogs of the support desk: the reason an action needs, and a password shown once."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from frontdesk import text
from frontdesk.i18n import _
from screens.widgets.field import Field


class ReasonDialog(ModalScreen[str | None]):
    """Asks why a support action is taken (it goes in the audit trail); ``None`` cancels."""

    CSS_PATH = "support.tcss"
    BINDINGS = [Binding("escape", "cancel", show=False)]

    def __init__(self, title: str, subject: str) -> None:
        super().__init__()
        self.title_text = title
        self.subject = subject

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="title")
            yield Static(self.subject, markup=False)
            yield Field(
                _("Reason (kept in the audit trail)"),
                Input(id="reason", max_length=text.REASON),
                name="reason",
            )
            with Horizontal(classes="buttons"):
                yield Button(_("Confirm"), id="confirm", variant="primary")
                yield Button(_("Cancel"), id="cancel")

    @on(Input.Submitted, "#reason")
    @on(Button.Pressed, "#confirm")
    def _confirm(self) -> None:
        reason = self.query_one("#reason", Input).value.strip()
        if not reason:
            self.query_one("#field-reason", Field).show_error(
                _("Say why (it goes in the audit trail).")
            )
            return
        self.dismiss(reason)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        """Close without doing anything."""
        self.dismiss(None)


class ShownOnceDialog(ModalScreen[None]):
    """A temporary password, shown once to the staff member to read to the parent."""

    CSS_PATH = "support.tcss"
    BINDINGS = [Binding("escape", "close", show=False)]

    def __init__(self, email: str, password: str) -> None:
        super().__init__()
        self.email = email
        self.password = password

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(_("Temporary password"), classes="title")
            yield Static(self.email, markup=False)
            yield Static(self.password, id="temporary-password", markup=False)
            yield Static(
                _(
                    "Read it to the parent now: it is not shown again. The parent must choose "
                    "a new password at the next sign-in."
                )
            )
            with Horizontal(classes="buttons"):
                yield Button(_("Done"), id="done", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#done").focus()

    @on(Button.Pressed, "#done")
    def action_close(self) -> None:
        """Close; the password is gone from the screen for good."""
        self.password = ""
        self.dismiss(None)
