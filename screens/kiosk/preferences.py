"""Preferences (R14, R18): Notifications (email on or off, and to which address) and Password
(the current password, the new one twice), one section under the other."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from pydantic import SecretStr
from textual import on
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input

from frontdesk.errors import DomainError, FieldErrors
from frontdesk.i18n import N_, _
from frontdesk.services.passwords import set_new_password
from frontdesk.services.preferences import (
    NotificationPreferences,
    open_preferences,
    save_preferences,
)
from frontdesk.services.sessions import ParentSession
from screens.kiosk.base import KioskLabel, KioskScreen
from screens.kiosk.password_fields import PasswordDraft, compose_password_fields, screen_errors
from screens.kiosk.visit import Visit


@dataclass(eq=False)
class PreferencesVisit(Visit):
    """A parent's visit of the preferences: whose, where the cursor starts, and both forms."""

    session: ParentSession | None = None
    """Whose preferences (``None`` once the visit is over: nobody's)."""
    section: str = "notifications"
    """Where the cursor starts: ``notifications`` or ``password``."""
    draft: NotificationPreferences | None = None
    """The Notifications section as typed (``None`` until the preferences are loaded)."""
    password_draft: PasswordDraft = field(default_factory=PasswordDraft)
    """The Password section as typed."""


class PreferencesScreen(KioskScreen[None]):
    """The parent's preferences, in one column like every kiosk screen: Notifications, then
    Password; the cursor starts in the section named by ``section``."""

    BINDINGS = [Binding("escape", "back", N_("Back"))]
    # Nothing matches before the preferences arrive: the cursor goes there once they are shown
    # (see ``KioskScreen.recompose``).
    AUTO_FOCUS = "#email_notifications"
    submit_on = "notification_email"
    visit: PreferencesVisit

    def __init__(self, session: ParentSession, section: str = "notifications") -> None:
        super().__init__(PreferencesVisit(session=session, section=section))

    def new_visit(self) -> PreferencesVisit:
        return PreferencesVisit()

    def compose_body(self) -> Iterable[Widget]:
        with Vertical(classes="kiosk-column form-column"):
            yield KioskLabel(_("Preferences"), classes="title")
            yield KioskLabel(_("Notifications"), classes="subtitle", id="notifications")
            yield from self.compose_notifications()
            yield KioskLabel(_("Password"), classes="subtitle", id="password")
            yield from self.compose_password()

    def compose_notifications(self) -> Iterable[Widget]:
        """The Notifications section."""
        draft = self.visit.draft
        if draft is None:
            yield KioskLabel(_("Loading…"), classes="hint")
            return
        yield Checkbox(
            _("Send me email notifications"),
            draft.email_notifications,
            id="email_notifications",
        )
        yield self.field(_("Send them to this address"), "notification_email")
        with Horizontal(classes="buttons"):
            yield Button(_("Save"), id="save", variant="primary")
            yield Button(_("Back"), id="back")

    def compose_password(self) -> Iterable[Widget]:
        """The Password section (R18)."""
        yield from compose_password_fields(self, self.visit.password_draft, _("Current password"))
        with Horizontal(classes="buttons"):
            yield Button(_("Save"), id="save-password", variant="primary")
            yield Button(_("Back"), id="back-password")

    def on_mount(self) -> None:
        if self.visit.section == "password":
            self.query_one("#current_password").focus()  # and kept there when the rest arrives
        session = self.visit.session
        if session is not None:
            database = self.kiosk.database
            self.run_service(lambda: open_preferences(database, session), self._loaded)

    def _loaded(self, prefs: NotificationPreferences) -> None:
        self.visit.draft = prefs
        self.refresh(recompose=True)

    @on(Button.Pressed, "#save")
    def submit(self) -> None:
        """Store the choice (in a worker)."""
        button = self.query_one("#save", Button)
        session, draft = self.visit.session, self.visit.draft
        if button.disabled or session is None or draft is None:
            return
        button.disabled = True
        database, prefs = self.kiosk.database, draft.model_copy()
        self.run_service(
            lambda: save_preferences(database, session, prefs), self._saved, self._refused
        )

    def _saved(self, prefs: NotificationPreferences) -> None:
        self.visit.draft = prefs
        self.app.pop_screen()
        self.app.notify(_("Your preferences are saved."))

    def _refused(self, error: DomainError) -> None:
        self.query_one("#save", Button).disabled = False
        self.show_form_error(error)

    # --- the Password tab (R18) ------------------------------------------------------------------

    @on(Input.Changed, "#current_password, #new_password, #confirm_password")
    def _keep_password(self, event: Input.Changed) -> None:
        assert event.input.id is not None
        setattr(self.visit.password_draft, event.input.id, SecretStr(event.value))

    @on(Input.Submitted, "#confirm_password")
    @on(Button.Pressed, "#save-password")
    def save_password(self) -> None:
        """Change the password (in a worker); this kiosk stays signed in, other sessions end."""
        button = self.query_one("#save-password", Button)
        session = self.visit.session
        if button.disabled or session is None:
            return
        button.disabled = True
        database, change = self.kiosk.database, self.visit.password_draft.change()
        self.run_service(
            lambda: set_new_password(database, session, change),
            self._password_saved,
            self._password_refused,
        )

    def _password_saved(self, session: ParentSession) -> None:
        self.end_visit()  # the passwords typed leave memory now
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
