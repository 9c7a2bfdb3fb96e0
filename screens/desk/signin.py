"""Staff sign-in (A1)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.widgets import Button, Input, Static

from frontdesk import text
from frontdesk.errors import DomainError, FieldErrors
from frontdesk.i18n import N_, _
from frontdesk.services.sessions import StaffSession
from frontdesk.services.signin import sign_in_at_desk
from screens.base import BaseScreen
from screens.widgets.field import Field
from screens.widgets.key_footer import KeyFooter
from screens.widgets.password_input import PasswordInput


class StaffSignInScreen(BaseScreen[None]):
    """User name and password; on success, the staff member's home screen."""

    BINDINGS = [Binding("escape", "back", N_("Back"))]

    def compose(self) -> ComposeResult:
        with Center(), Vertical(classes="form"):
            yield Static(_("Staff sign-in"), classes="title")
            yield Field(
                _("User name"), Input(id="username", max_length=text.USERNAME), name="username"
            )
            yield Field(_("Password"), PasswordInput(id="password"), name="password")
            yield Button(_("Sign in"), id="sign-in", variant="primary")
        yield KeyFooter()

    @on(Input.Submitted, "#username")
    def _next(self) -> None:
        self.query_one("#password").focus()

    @on(Input.Submitted, "#password")
    @on(Button.Pressed, "#sign-in")
    def sign_in(self) -> None:
        """Check the user name and password in a worker."""
        username = self.query_one("#username", Input).value
        password = self.query_one("#password", Input).value
        button = self.query_one("#sign-in", Button)
        if button.disabled:
            return
        button.disabled = True
        for field in self.query(Field):
            field.show_error("")

        database = self.frontdesk.database
        self.run_service(
            lambda: sign_in_at_desk(database, username, password), self._signed_in, self._refused
        )

    def _signed_in(self, session: StaffSession) -> None:
        self.frontdesk.staff = session
        self.query_one("#password", Input).value = ""
        forced = session.must_change_password
        self.app.switch_screen(
            self.frontdesk.new_screen("staff-password" if forced else "staff-home")
        )

    def _refused(self, error: DomainError) -> None:
        self.query_one("#sign-in", Button).disabled = False
        password = self.query_one("#password", Input)
        password.value = ""
        password.focus()
        beside = error.fields if isinstance(error, FieldErrors) else {"password": error.message}
        for name, message in beside.items():
            self.query_one(f"#field-{name}", Field).show_error(str(message))

    def action_back(self) -> None:
        """Leave the sign-in."""
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()
