"""Apply to enroll a new child (R12): the school, the child's details, saved for its staff."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel
from textual import on
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Button, Select

from frontdesk.errors import DomainError
from frontdesk.i18n import N_, _
from frontdesk.services.enrollment import EnrollmentForm, apply_for_enrollment
from frontdesk.services.schools import SchoolView, list_schools
from screens.kiosk.base import KioskLabel, KioskScreen, typed_date


class EnrollmentDraft(BaseModel):
    """The application as typed."""

    school_id: int | None = None
    child_first_name: str = ""
    child_last_name: str = ""
    child_birthdate: str = ""
    grade: str = ""
    notes: str = ""


class EnrollmentScreen(KioskScreen[None]):
    """The application form; Submit saves it and returns to the student listing."""

    BINDINGS = [Binding("escape", "back", N_("Back"))]
    submit_on = "notes"
    draft: EnrollmentDraft

    def __init__(self) -> None:
        super().__init__()
        self.schools: list[SchoolView] = []

    def new_draft(self) -> EnrollmentDraft:
        return EnrollmentDraft()

    def compose_body(self) -> Iterable[Widget]:
        with Vertical(classes="kiosk-column form-column"):
            yield KioskLabel(_("Apply to enroll a new child"), classes="title")
            yield self.field(
                _("School") + " *",
                "school_id",
                Select(
                    [(school.name, school.id) for school in self.schools],
                    value=self.draft.school_id if self.draft.school_id else Select.NULL,
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

    def on_mount(self) -> None:
        def work() -> list[SchoolView]:
            with self.kiosk.database.read() as uow:
                return list_schools(uow)

        self.run_service(work, self._schools_loaded)

    def _schools_loaded(self, schools: list[SchoolView]) -> None:
        self.schools = schools
        self.refresh(recompose=True)

    @on(Select.Changed, "#school_id")
    def _school_chosen(self, event: Select.Changed) -> None:
        self.draft.school_id = event.value if isinstance(event.value, int) else None

    @on(Button.Pressed, "#submit")
    def submit(self) -> None:
        """Save the application (in a worker)."""
        button = self.query_one("#submit", Button)
        if button.disabled or self.kiosk.parent_session is None:
            return
        problem = self.date_problem("child_birthdate")
        if problem is not None:
            self.show_field_errors({"child_birthdate": problem})
            return
        form = EnrollmentForm(
            school_id=self.draft.school_id,
            child_first_name=self.draft.child_first_name,
            child_last_name=self.draft.child_last_name,
            child_birthdate=typed_date(self.draft.child_birthdate),
            grade=self.draft.grade,
            notes=self.draft.notes,
        )
        session = self.kiosk.parent_session
        button.disabled = True

        def work() -> int:
            with self.kiosk.database.write() as uow:
                return apply_for_enrollment(uow, session, form)

        self.run_service(work, self._saved, self._refused)

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
