"""R17: after signing in with a temporary password, the parent must choose a new one.

Nothing else is reachable from here: no Back, no Escape; the language bar still works.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from textual import on
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Button

from frontdesk.errors import AccountLocked, DomainError, FieldErrors, SessionEnded
from frontdesk.i18n import _
from frontdesk.services.passwords import set_new_password
from frontdesk.services.sessions import ParentSession
from screens.kiosk.base import KioskLabel, KioskScreen
from screens.kiosk.password_fields import PasswordDraft, compose_password_fields, screen_errors
from screens.kiosk.visit import Visit


@dataclass(eq=False)
class ForcedChangeVisit(Visit):
    """The parent who must choose a password, and what they typed."""

    session: ParentSession | None = None
    """Whose password it is (``None`` once the visit is over: nobody's)."""
    draft: PasswordDraft = field(default_factory=PasswordDraft)


class ForcedChangeScreen(KioskScreen[None]):
    """The generated password, the new one, the new one again; Save."""

    submit_on = "confirm_password"
    visit: ForcedChangeVisit

    def __init__(self, session: ParentSession) -> None:
        super().__init__(ForcedChangeVisit(session=session))

    def new_visit(self) -> ForcedChangeVisit:
        return ForcedChangeVisit()

    def compose_body(self) -> Iterable[Widget]:
        with Vertical(classes="kiosk-column form-column"):
            yield KioskLabel(_("Choose a new password"), classes="title")
            yield KioskLabel(
                _("You signed in with a temporary password. Choose your own password to continue."),
                classes="message",
            )
            yield from compose_password_fields(self, self.visit.draft, _("Temporary password"))
            with Horizontal(classes="buttons"):
                yield Button(_("Save"), id="save", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#current_password").focus()

    @on(Button.Pressed, "#save")
    def submit(self) -> None:
        """Change the password in a worker; then the parent goes on to their children."""
        button = self.query_one("#save", Button)
        session = self.visit.session
        if button.disabled or session is None:
            return
        button.disabled = True
        database, change = self.kiosk.database, self.visit.draft.change()
        self.run_service(
            lambda: set_new_password(database, session, change), self._saved, self._refused
        )

    def _saved(self, session: ParentSession) -> None:
        self.end_visit()  # the passwords typed leave memory now
        self.kiosk.parent_session = session
        self.kiosk.signed_in()
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
