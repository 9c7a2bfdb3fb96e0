"""Apply to enroll a new child (R12): the school, the child's details, saved for its staff."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from textual import on
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Button, Select

from frontdesk.errors import DomainError
from frontdesk.i18n import N_, _
from frontdesk.services.enrollment import TypedApplication, submit_application
from frontdesk.services.schools import SchoolView, school_choices
from screens.kiosk.base import KioskLabel, KioskScreen
from screens.kiosk.visit import Visit


@dataclass(eq=False)
class EnrollmentVisit(Visit):
    """A parent's visit of the application form."""

    draft: TypedApplication = field(default_factory=TypedApplication)
    schools: list[SchoolView] = field(default_factory=list)
    """The schools to choose from (none until they are loaded)."""


class EnrollmentScreen(KioskScreen[None]):
    """The application form; Submit saves it and returns to the student listing."""

    BINDINGS = [Binding("escape", "back", N_("Back"))]
    submit_on = "notes"
    visit: EnrollmentVisit

    def new_visit(self) -> EnrollmentVisit:
        return EnrollmentVisit()

    def compose_body(self) -> Iterable[Widget]:
        chosen = self.visit.draft.school_id
        with Vertical(classes="kiosk-column form-column"):
            yield KioskLabel(_("Apply to enroll a new child"), classes="title")
            yield self.field(
                _("School") + " *",
                "school_id",
                Select(
                    self.school_options(),
                    value=chosen if chosen else Select.NULL,
                    prompt=_("Choose a school"),
                    id="school_id",
                ),
            )
            yield self.field(_("Child's first name") + " *", "child_first_name")
            yield self.field(_("Child's last name") + " *", "child_last_name")
            yield self.date_field(_("Child's birthdate") + " *", "child_birthdate")
            yield self.field(_("Grade applying for") + " *", "grade")
            yield self.field(_("Anything the school should know"), "notes")
            with Horizontal(classes="buttons"):
                yield Button(_("Submit application"), id="submit", variant="primary")
                yield Button(_("Back"), id="back")

    def school_options(self) -> list[tuple[str, int]]:
        """The visit's schools, as the school list's choices."""
        return [(school.name, school.id) for school in self.visit.schools]

    def on_screen_resume(self) -> None:
        # KioskScreen's own handler runs after this one (Textual calls each class's).
        if not self.visit.schools:
            database = self.kiosk.database
            self.run_service(lambda: school_choices(database), self._schools_loaded)

    def _schools_loaded(self, schools: list[SchoolView]) -> None:
        self.visit.schools = schools
        select = self.query_one("#school_id", Select)
        chosen = self.visit.draft.school_id
        # Only the list changes (the draft follows the list's Changed messages); a school
        # already chosen from the list shown meanwhile stays chosen if it is still there.
        select.set_options(self.school_options())
        if chosen in {school.id for school in schools}:
            select.value = chosen

    @on(Select.Changed, "#school_id")
    def _school_chosen(self, event: Select.Changed) -> None:
        self.visit.draft.school_id = event.value if isinstance(event.value, int) else None

    @on(Button.Pressed, "#submit")
    def submit(self) -> None:
        """Save the application (in a worker): the service reads the birthdate first."""
        button = self.query_one("#submit", Button)
        session = self.kiosk.parent_session
        if button.disabled or session is None:
            return
        button.disabled = True
        database, typed = self.kiosk.database, self.visit.draft.model_copy()
        language = self.kiosk.language
        self.run_service(
            lambda: submit_application(database, session, typed, language),
            self._saved,
            self._refused,
        )

    def _saved(self, _application_id: int) -> None:
        self.app.pop_screen()
        self.app.notify(_("Your application is saved. The school will contact you."), timeout=10)

    def _refused(self, error: DomainError) -> None:
        self.query_one("#submit", Button).disabled = False
        self.show_form_error(error)

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        """Back to the student listing without applying."""
        self.app.pop_screen()
