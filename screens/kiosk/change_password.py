"""R17: after signing in with a temporary password, the parent must choose a new one.

Nothing else is reachable from here: no Back, no Escape; the language bar still works.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual import on
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Button

from frontdesk.errors import AccountLocked, DomainError, FieldErrors, SessionEnded
from frontdesk.i18n import _
from frontdesk.services.passwords import change_password
from frontdesk.services.sessions import ParentSession
from screens.kiosk.base import KioskLabel, KioskScreen
from screens.kiosk.password_fields import PasswordDraft, compose_password_fields, screen_errors


class ForcedChangeScreen(KioskScreen[None]):
    """The generated password, the new one, the new one again; Save."""

    submit_on = "confirm_password"

    def __init__(self, session: ParentSession) -> None:
        super().__init__()
        self.session = session
        self.draft: PasswordDraft = PasswordDraft()

    def compose_body(self) -> Iterable[Widget]:
        with Vertical(classes="kiosk-column form-column"):
            yield KioskLabel(_("Choose a new password"), classes="title")
            yield KioskLabel(
                _("You signed in with a temporary password. Choose your own password to continue."),
                classes="message",
            )
            yield from compose_password_fields(self, self.draft, _("Temporary password"))
            with Horizontal(classes="buttons"):
                yield Button(_("Save"), id="save", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#current_password").focus()

    @on(Button.Pressed, "#save")
    def submit(self) -> None:
        """Change the password in a worker; then the parent goes on to their children."""
        button = self.query_one("#save", Button)
        if button.disabled:
            return
        button.disabled = True
        change = self.draft.change()
        session = self.session

        def work() -> ParentSession:
            with self.kiosk.database.write() as uow:
                return change_password(uow, session, change)

        self.run_service(work, self._saved, self._refused)

    def _saved(self, session: ParentSession) -> None:
        self.draft = PasswordDraft()
        self.kiosk.parent_session = session
        self.app.switch_screen(self.kiosk.step("menu"))
        self.app.notify(_("Your new password is saved."))

    def _refused(self, error: DomainError) -> None:
        self.query_one("#save", Button).disabled = False
        if isinstance(error, AccountLocked | SessionEnded):
            # The account cannot go on from here: back to the welcome screen, told why.
            self.kiosk.wipe()
            self.app.notify(str(error.message), severity="error", timeout=10)
            return
        if isinstance(error, FieldErrors):
            self.show_notice(error.message)
            self.show_field_errors(screen_errors(error.fields))
        else:
            self.show_form_error(error)
