"""Sign in at the kiosk (R3b, R11): email and password, then add a child."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from pydantic import BaseModel, SecretStr
from textual import on
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Button

from frontdesk.errors import DomainError
from frontdesk.i18n import N_, _
from frontdesk.services.sessions import ParentSession
from frontdesk.services.signin import parent_sign_in
from screens.kiosk.base import KioskLabel, KioskScreen
from screens.kiosk.visit import Visit
from screens.widgets.password_input import PasswordInput


class SignInDraft(BaseModel):
    """The sign-in form as typed."""

    email: str = ""
    password: SecretStr = SecretStr("")


@dataclass(eq=False)
class SignInVisit(Visit):
    """A parent's visit of the sign-in form."""

    draft: SignInDraft = field(default_factory=SignInDraft)


class KioskSignInScreen(KioskScreen[None]):
    """A parent with an account signs in."""

    CARRIES_VISIT = True

    BINDINGS = [Binding("escape", "back", N_("Back"))]
    submit_on = "password"
    visit: SignInVisit

    def new_visit(self) -> SignInVisit:
        return SignInVisit()

    def compose_body(self) -> Iterable[Widget]:
        with Vertical(classes="kiosk-column form-column"):
            yield KioskLabel(_("Sign in to the parent portal"), classes="title")
            yield self.field(_("Email"), "email")
            yield self.field(
                _("Password"),
                "password",
                PasswordInput(value=self.value("password"), id="password"),
            )
            with Horizontal(classes="buttons"):
                yield Button(_("Sign in"), id="sign-in", variant="primary")
                yield Button(_("Forgot password?"), id="forgot-password")
                yield Button(_("Back"), id="back")

    @on(Button.Pressed, "#sign-in")
    def submit(self) -> None:
        """Check the email and password in a worker."""
        button = self.query_one("#sign-in", Button)
        if button.disabled:
            return
        database, email = self.kiosk.database, self.visit.draft.email
        password = self.visit.draft.password.get_secret_value()
        button.disabled = True
        self.run_service(
            lambda: parent_sign_in(database, email, password), self._signed_in, self._refused
        )

    def _signed_in(self, session: ParentSession) -> None:
        self.kiosk.parent_session = session
        if session.must_change_password:
            # R17: the password helper's screen (issue 6) makes the parent choose a new one.
            self.app.switch_screen(self.kiosk.new_screen("forced-change", session))
            return
        self.kiosk.signed_in()

    def _refused(self, error: DomainError) -> None:
        self.query_one("#sign-in", Button).disabled = False
        self.visit.draft.password = SecretStr("")
        password = self.query_one("#password", PasswordInput)
        password.value = ""
        password.focus()
        self.show_form_error(error)

    @on(Button.Pressed, "#forgot-password")
    def forgot_password(self) -> None:
        """R15: the password helper's screen (issue 6)."""
        self.app.push_screen(self.kiosk.new_screen("forgot-password"))

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        """Back to the welcome screen."""
        self.app.pop_screen()
