"""What next, after the account is made or the parent signed in (R8): add a child (or link one
with a letter code, L1), apply for enrollment, or finish and see the portal. It lists the
children added so far."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from textual import on
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Button

from frontdesk.i18n import _
from frontdesk.services.portal import PortalView, open_portal
from screens.kiosk.base import KioskLabel, KioskScreen
from screens.kiosk.common import student_line
from screens.kiosk.visit import Visit


@dataclass(eq=False)
class MenuVisit(Visit):
    """A parent's visit of the menu."""

    view: PortalView | None = None
    """The parent's students (``None`` until they are loaded)."""


class ChildMenuScreen(KioskScreen[None]):
    """Step 6 of the district's document: the student listing and three choices."""

    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    """Under 30 rows (the smallest kiosk, 24) the choices stand closer (kiosk.tcss): all four
    are on screen with the listing."""
    visit: MenuVisit

    def new_visit(self) -> MenuVisit:
        return MenuVisit()

    def compose_body(self) -> Iterable[Widget]:
        with Vertical(classes="kiosk-column"):
            ready = KioskLabel(_("Your account is ready."), classes="title", id="ready")
            ready.display = self.greets
            yield ready
            yield KioskLabel(_("Your students"), classes="subtitle")
            with Vertical(id="listing"):
                yield from self.listing()
            yield Button(
                _("I would like to ADD A CHILD who is already enrolled."),
                id="add-child",
                classes="choice",
                variant="primary",
            )
            # The printed letter tells the parent to choose this: the same words (L1).
            yield Button(_("I have a letter code"), id="letter-code", classes="choice")
            yield Button(
                _("I would like to APPLY FOR ENROLLMENT for a new child."),
                id="apply",
                classes="choice",
            )
            yield Button(
                _("I am FINISHED adding students. Please take me to the Portal."),
                id="finished",
                classes="choice",
            )

    def listing(self) -> list[Widget]:
        """The students linked so far (nothing until they are loaded)."""
        view = self.visit.view
        if view is None:
            return []
        if not view.students:
            return [KioskLabel(_("No students are linked to your account yet."), id="no-students")]
        return [KioskLabel(student_line(s), classes="student-line") for s in view.students]

    @property
    def greets(self) -> bool:
        """Whether the parent has just made the account (the screen says it is ready)."""
        session = self.kiosk.parent_session
        return session is not None and session.new_account

    def show_draft(self) -> None:
        super().show_draft()
        ready = self.query_one("#ready")
        if ready.display:
            ready.display = False
        listing = self.query_one("#listing", Vertical)
        if listing.children:
            listing.remove_children()

    def on_screen_resume(self) -> None:
        # KioskScreen's own handler runs after this one (Textual calls each class's).
        ready = self.query_one("#ready")
        if ready.display != self.greets:
            ready.display = self.greets
        # After the screen is painted: a worker's Python would hold the lock painting needs.
        self.call_after_refresh(self.load)

    def load(self) -> None:
        """Fetch the student listing."""
        session = self.kiosk.parent_session
        if session is None:
            return
        database = self.kiosk.database
        self.run_service(lambda: open_portal(database, session), self._loaded)

    def _loaded(self, view: PortalView) -> None:
        # Only the listing changes: re-rendering the whole screen would double the wait.
        self.visit.view = view
        listing = self.query_one("#listing", Vertical)
        listing.remove_children()
        listing.mount_all(self.listing())

    @on(Button.Pressed, "#add-child")
    def add_child(self) -> None:
        """Step 7: identify a child already enrolled."""
        self.app.push_screen(self.kiosk.step("add-child"))

    @on(Button.Pressed, "#letter-code")
    def letter_code(self) -> None:
        """L1: link a child with the code of the school's letter."""
        self.app.push_screen(self.kiosk.step("letter"))

    @on(Button.Pressed, "#apply")
    def apply(self) -> None:
        """R12: apply to enroll a new child."""
        self.app.push_screen(self.kiosk.step("enrollment"))

    @on(Button.Pressed, "#finished")
    def finished(self) -> None:
        """Step 9: the portal."""
        self.app.switch_screen(self.kiosk.step("portal"))
