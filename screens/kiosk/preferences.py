"""Preferences (R14, R18): Notifications (email on or off, and to which address) and Password
(the current password, the new one twice), one section under the other."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import SecretStr
from textual import on
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input

from frontdesk.errors import DomainError, FieldErrors
from frontdesk.i18n import N_, _
from frontdesk.services.passwords import change_password
from frontdesk.services.preferences import (
    NotificationPreferences,
    notification_preferences,
    save_notification_preferences,
)
from frontdesk.services.sessions import ParentSession
from screens.kiosk.base import KioskLabel, KioskScreen
from screens.kiosk.password_fields import PasswordDraft, compose_password_fields, screen_errors


class PreferencesScreen(KioskScreen[None]):
    """The parent's preferences, in one column like every kiosk screen: Notifications, then
    Password; the cursor starts in the section named by ``section``."""

    BINDINGS = [Binding("escape", "back", N_("Back"))]
    # Nothing matches before the preferences arrive: the cursor goes there once they are shown
    # (see ``KioskScreen.recompose``).
    AUTO_FOCUS = "#email_notifications"
    submit_on = "notification_email"

    def __init__(self, session: ParentSession, section: str = "notifications") -> None:
        super().__init__()
        self.session = session
        self.section = section
        self.draft: NotificationPreferences | None = None
        self.password_draft = PasswordDraft()

    def compose_body(self) -> Iterable[Widget]:
        with Vertical(classes="kiosk-column form-column"):
            yield KioskLabel(_("Preferences"), classes="title")
            yield KioskLabel(_("Notifications"), classes="subtitle", id="notifications")
            yield from self.compose_notifications()
            yield KioskLabel(_("Password"), classes="subtitle", id="password")
            yield from self.compose_password()

    def compose_notifications(self) -> Iterable[Widget]:
        """The Notifications section."""
        if self.draft is None:
            yield KioskLabel(_("Loading…"), classes="hint")
            return
        yield Checkbox(
            _("Send me email notifications"),
            self.draft.email_notifications,
            id="email_notifications",
        )
        yield self.field(_("Send them to this address"), "notification_email")
        with Horizontal(classes="buttons"):
            yield Button(_("Save"), id="save", variant="primary")
            yield Button(_("Back"), id="back")

    def compose_password(self) -> Iterable[Widget]:
        """The Password section (R18)."""
        yield from compose_password_fields(self, self.password_draft, _("Current password"))
        with Horizontal(classes="buttons"):
            yield Button(_("Save"), id="save-password", variant="primary")
            yield Button(_("Back"), id="back-password")

    def on_mount(self) -> None:
        if self.section == "password":
            self.query_one("#current_password").focus()  # and kept there when the rest arrives

        def work() -> NotificationPreferences:
            with self.kiosk.database.read() as uow:
                return notification_preferences(uow, self.session)

        self.run_service(work, self._loaded)

    def _loaded(self, prefs: NotificationPreferences) -> None:
        self.draft = prefs
        self.refresh(recompose=True)

    @on(Button.Pressed, "#save")
    def submit(self) -> None:
        """Store the choice (in a worker)."""
        button = self.query_one("#save", Button)
        if button.disabled or self.draft is None:
            return
        prefs = self.draft.model_copy()
        button.disabled = True

        def work() -> NotificationPreferences:
            with self.kiosk.database.write() as uow:
                return save_notification_preferences(uow, self.session, prefs)

        self.run_service(work, self._saved, self._refused)

    def _saved(self, prefs: NotificationPreferences) -> None:
        self.draft = prefs
        self.app.pop_screen()
        self.app.notify(_("Your preferences are saved."))

    def _refused(self, error: DomainError) -> None:
        self.query_one("#save", Button).disabled = False
        self.show_form_error(error)

    # --- the Password tab (R18) ------------------------------------------------------------------

    @on(Input.Changed, "#current_password, #new_password, #confirm_password")
    def _keep_password(self, event: Input.Changed) -> None:
        assert event.input.id is not None
        setattr(self.password_draft, event.input.id, SecretStr(event.value))

    @on(Input.Submitted, "#confirm_password")
    @on(Button.Pressed, "#save-password")
    def save_password(self) -> None:
        """Change the password (in a worker); this kiosk stays signed in, other sessions end."""
        button = self.query_one("#save-password", Button)
        if button.disabled:
            return
        button.disabled = True
        change = self.password_draft.change()
        session = self.session

        def work() -> ParentSession:
            with self.kiosk.database.write() as uow:
                return change_password(uow, session, change)

        self.run_service(work, self._password_saved, self._password_refused)

    def _password_saved(self, session: ParentSession) -> None:
        self.password_draft = PasswordDraft()
        self.session = session
        self.kiosk.parent_session = session
        self.app.pop_screen()
        self.app.notify(_("Your new password is saved."))

    def _password_refused(self, error: DomainError) -> None:
        self.query_one("#save-password", Button).disabled = False
        if isinstance(error, FieldErrors):
            self.show_notice(error.message)
            self.show_field_errors(screen_errors(error.fields))
        else:
            self.show_form_error(error)

    @on(Button.Pressed, "#back-password")
    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        """Leave without saving."""
        self.app.pop_screen()
