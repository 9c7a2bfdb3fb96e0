"""A staff member's forced password change after an admin reset it (A1)."""

from __future__ import annotations

from pydantic import SecretStr
from textual import on
from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.widgets import Button, Input, Static

from frontdesk.errors import DomainError, FieldErrors
from frontdesk.i18n import _
from frontdesk.services.passwords import PasswordChange
from frontdesk.services.sessions import StaffSession
from frontdesk.services.staff import change_password_at_desk
from screens.base import BaseScreen
from screens.widgets.field import Field
from screens.widgets.key_footer import KeyFooter
from screens.widgets.password_input import PasswordInput

FIELDS = ("current", "new", "confirm")


class StaffPasswordScreen(BaseScreen[None]):
    """The temporary password, a new one twice, Save; nothing else until it is done."""

    def compose(self) -> ComposeResult:
        with Center(), Vertical(classes="form"):
            yield Static(_("Choose your own password"), classes="title")
            yield Static(
                _("An administrator gave you a temporary password. Replace it to go on."),
            )
            yield Field(_("Temporary password"), PasswordInput(id="current"), name="current")
            yield Field(_("New password"), PasswordInput(id="new"), name="new")
            yield Field(_("New password again"), PasswordInput(id="confirm"), name="confirm")
            yield Button(_("Save"), id="save", variant="primary")
        yield KeyFooter()

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        if event.input.id == "confirm":
            self.save()
        else:
            self.focus_next()

    @on(Button.Pressed, "#save")
    def save(self) -> None:
        """Change the password in a worker."""
        button = self.query_one("#save", Button)
        if button.disabled:
            return
        button.disabled = True
        values = {name: SecretStr(self.query_one(f"#{name}", Input).value) for name in FIELDS}
        change = PasswordChange(**values)
        staff = self.frontdesk.staff
        assert staff is not None
        database = self.frontdesk.database
        self.run_service(
            lambda: change_password_at_desk(database, staff, change), self._saved, self._refused
        )

    def _saved(self, session: StaffSession) -> None:
        self.frontdesk.staff = session
        self.notify(_("Your password is changed."))
        self.app.switch_screen(self.frontdesk.new_screen("staff-home"))

    def _refused(self, error: DomainError) -> None:
        self.query_one("#save", Button).disabled = False
        fields = error.fields if isinstance(error, FieldErrors) else {}
        for name in FIELDS:
            self.query_one(f"#field-{name}", Field).show_error(str(fields.get(name, "")))
        if not fields:
            self.show_error(error)
