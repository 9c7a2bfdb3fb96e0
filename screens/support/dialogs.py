"""Dialogs of the support desk: the reason an action needs, and a password shown once."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from frontdesk import text
from frontdesk.errors import DomainError, FieldErrors
from frontdesk.i18n import _
from frontdesk.services.passwords import TemporaryCredentials
from screens.base import BaseScreen
from screens.widgets.field import Field

SupportAction = Callable[[str], TemporaryCredentials | None]
"""A support action on one account, given the reason typed (one service call)."""


@dataclass(frozen=True)
class ActionTaken:
    """The action went through; ``credentials`` when it made a temporary password."""

    credentials: TemporaryCredentials | None = None


class ReasonDialog(BaseScreen[ActionTaken | None], ModalScreen[ActionTaken | None]):
    """Asks why a support action is taken (it goes in the audit trail), then takes it.

    The service checks the reason: what it refuses is shown beside the field and the dialog
    stays. Closes with :class:`ActionTaken` once done; ``None`` when cancelled.
    """

    CSS_PATH = "support.tcss"
    BINDINGS = [Binding("escape", "cancel", show=False)]

    def __init__(self, title: str, subject: str, action: SupportAction) -> None:
        super().__init__()
        self.title_text = title
        self.subject = subject
        self.action = action

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
        confirm = self.query_one("#confirm", Button)
        if confirm.disabled:  # already under way: once is what was asked
            return
        confirm.disabled = True
        reason = self.query_one("#reason", Input).value
        self.query_one("#field-reason", Field).show_error("")
        self.run_service(lambda: self.action(reason), self._taken, self._refused)

    def _taken(self, credentials: TemporaryCredentials | None) -> None:
        self.dismiss(ActionTaken(credentials))

    def _refused(self, error: DomainError) -> None:
        self.query_one("#confirm", Button).disabled = False
        if isinstance(error, FieldErrors) and "reason" in error.fields:
            self.query_one("#field-reason", Field).show_error(str(error.fields["reason"]))
        else:
            self.show_error(error)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        """Close without doing anything (not while the action is under way: it may be done
        already, and a temporary password must reach the screen)."""
        if not self.query_one("#confirm", Button).disabled:
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
