"""Preferences (R14, R18): tabs; the kiosk's own is Notifications (email on or off, and to
which address). The password helper adds a Password tab."""

from __future__ import annotations

from collections.abc import Iterable

from textual import on
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Button, Checkbox, TabbedContent, TabPane

from frontdesk.errors import DomainError
from frontdesk.i18n import N_, _
from frontdesk.services.preferences import (
    NotificationPreferences,
    notification_preferences,
    save_notification_preferences,
)
from frontdesk.services.sessions import ParentSession
from screens.kiosk.base import KioskLabel, KioskScreen


class PreferencesScreen(KioskScreen[None]):
    """The parent's preferences, opened on ``tab``."""

    BINDINGS = [Binding("escape", "back", N_("Back"))]
    submit_on = "notification_email"

    def __init__(self, session: ParentSession, tab: str = "notifications") -> None:
        super().__init__()
        self.session = session
        self.tab = tab
        self.draft: NotificationPreferences | None = None

    def compose_body(self) -> Iterable[Widget]:
        with (
            TabbedContent(initial=self.tab, id="preference-tabs"),
            TabPane(_("Notifications"), id="notifications"),
        ):
            yield from self.compose_notifications()

    def compose_notifications(self) -> Iterable[Widget]:
        """The Notifications tab's content."""
        with Vertical(classes="form-column"):
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

    def on_mount(self) -> None:
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

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        """Leave without saving."""
        self.app.pop_screen()
