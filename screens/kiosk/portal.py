"""The portal landing (R13): the parent's students and the alerts for what is still needed."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from textual import on
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Button

from frontdesk.i18n import _
from frontdesk.services.portal import Alert, PortalView, open_portal
from screens.kiosk.base import KioskLabel, KioskScreen
from screens.kiosk.common import student_line
from screens.kiosk.visit import Visit


@dataclass(eq=False)
class PortalVisit(Visit):
    """A parent's visit of the portal."""

    view: PortalView | None = None
    """The parent's students and alerts (``None`` until they are loaded)."""


class PortalScreen(KioskScreen[None]):
    """Step 9–10 of the district's document."""

    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    """Under 30 rows (the smallest kiosk, 24) the title and the two rows of buttons stand
    closer (kiosk.tcss): a parent with a child or two sees every button."""
    visit: PortalVisit

    def new_visit(self) -> PortalVisit:
        return PortalVisit()

    def compose_body(self) -> Iterable[Widget]:
        view = self.visit.view
        with Vertical(classes="kiosk-column"):
            yield KioskLabel(_("Parent Portal"), classes="title")
            if view is None:
                yield KioskLabel(_("Loading…"), classes="hint")
                return
            yield KioskLabel(_("Welcome, {name}").format(name=view.parent_name), classes="subtitle")
            for alert in view.alerts:
                yield from self._alert(alert)
            yield KioskLabel(_("Your students"), classes="subtitle")
            if not view.students:
                yield KioskLabel(_("No students are linked to your account yet."))
            for student in view.students:
                yield KioskLabel(student_line(student), classes="student-line")
            # Two rows: with the letter code beside "add a child", one row would not fit an
            # 80-column kiosk in every language.
            with Horizontal(classes="buttons"):
                yield Button(_("Add a child"), id="add-child")
                yield Button(_("I have a letter code"), id="letter-code")
            with Horizontal(classes="buttons"):
                yield Button(_("Preferences"), id="preferences")
                yield Button(_("Sign out"), id="sign-out", variant="primary")

    def _alert(self, alert: Alert) -> Iterable[Widget]:
        match alert:
            case Alert.VISIT_SCHOOL:
                yield KioskLabel(
                    _(
                        "Visit your school and show a valid photo ID before you can see "
                        "student information."
                    ),
                    classes="alert",
                    id="alert-visit-school",
                )
            case Alert.LETTER_WAITING:
                yield KioskLabel(
                    _(
                        "The school is checking the letter code you entered. You do not need "
                        "to visit: you will see your child's records once the school approves."
                    ),
                    classes="alert",
                    id="alert-letter-waiting",
                )
            case Alert.ACCOUNT_DENIED:
                yield KioskLabel(
                    _("The school did not approve this account. Please see the front office."),
                    classes="alert",
                    id="alert-denied",
                )
            case Alert.EMAIL_NOTIFICATIONS:
                yield Button(
                    _("You are not set up to receive email notifications. Set them up here."),
                    classes="alert-button",
                    id="alert-email",
                )

    def show_draft(self) -> None:
        super().show_draft()
        if self.query("#sign-out"):  # only a loaded portal has its buttons
            # A parent's students and alerts must not wait on screen for the next parent.
            self.refresh(recompose=True)

    def on_screen_resume(self) -> None:
        # KioskScreen's own handler runs after this one (Textual calls each class's).
        session = self.kiosk.parent_session
        if session is None:
            return
        database = self.kiosk.database
        self.run_service(lambda: open_portal(database, session), self._loaded)

    def _loaded(self, view: PortalView) -> None:
        self.visit.view = view
        self.refresh(recompose=True)

    @on(Button.Pressed, "#alert-email")
    @on(Button.Pressed, "#preferences")
    def preferences(self) -> None:
        """R14: notification preferences."""
        if self.kiosk.parent_session is not None:
            self.app.push_screen(self.kiosk.new_screen("preferences", self.kiosk.parent_session))

    @on(Button.Pressed, "#add-child")
    def add_child(self) -> None:
        """R11: add another child from the portal."""
        self.app.push_screen(self.kiosk.step("add-child"))

    @on(Button.Pressed, "#letter-code")
    def letter_code(self) -> None:
        """L1: link a child with the code of the school's letter."""
        self.app.push_screen(self.kiosk.step("letter"))

    @on(Button.Pressed, "#sign-out")
    def sign_out(self) -> None:
        """Done: the kiosk forgets this parent and welcomes the next one."""
        self.kiosk.wipe()
