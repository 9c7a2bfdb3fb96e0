"""Add a child already enrolled (R9, R10): the district's identifiers, the human check, then
the student's name and photo and where the request stands."""

from __future__ import annotations

from collections.abc import Iterable

from textual import on
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Button

from frontdesk.db.models import LinkStatus
from frontdesk.district_settings import Identifier
from frontdesk.errors import DomainError
from frontdesk.i18n import N_, Msg, _
from frontdesk.services.linking import ChildIdentifiers, LinkedStudent, request_link
from screens.kiosk.base import HumanDraft, KioskLabel, KioskScreen, typed_date
from screens.kiosk.common import link_status
from screens.widgets.password_input import PasswordInput
from screens.widgets.photo import StudentPhoto

LABELS = {
    Identifier.FIRST_NAME: N_("Student's first name"),
    Identifier.LAST_NAME: N_("Student's last name"),
    Identifier.STUDENT_ID: N_("Student ID"),
    Identifier.BIRTHDATE: N_("Student's birthdate"),
    Identifier.SSN_LAST4: N_("Last 4 digits of the student's Social Security number"),
}
PHOTO_ROWS = 11
"""The photo's height at most: with the title and the button, the child-added screen fits the
smallest kiosk terminal (80×24) without scrolling the name away."""


class ChildDraft(HumanDraft):
    """The identifiers as typed (the birthdate as text, read in the parent's language)."""

    first_name: str = ""
    last_name: str = ""
    student_id: str = ""
    birthdate: str = ""
    ssn_last4: str = ""


class AddChildScreen(KioskScreen[None]):
    """Steps 7–8 of the district's document."""

    BINDINGS = [Binding("escape", "back", N_("Return to the student listing"))]
    draft: ChildDraft

    def new_draft(self) -> ChildDraft:
        return ChildDraft()

    def compose_body(self) -> Iterable[Widget]:
        with Vertical(classes="kiosk-column form-column"):
            yield KioskLabel(_("Add a child who is already enrolled"), classes="title")
            yield KioskLabel(
                _("Enter what the school has on record for your child. One child at a time."),
                classes="hint",
            )
            for identifier in self.kiosk.district.identifiers_asked():
                name = identifier.value
                label = _(LABELS[identifier])
                if identifier is Identifier.BIRTHDATE:
                    yield self.date_field(label, name)
                elif identifier is Identifier.SSN_LAST4:
                    yield self.field(
                        label, name, PasswordInput(value=self.value(name), id=name, max_length=4)
                    )
                else:
                    yield self.field(label, name)
            yield from self.compose_human_check()
            with Horizontal(classes="buttons"):
                yield Button(_("Add Student"), id="add-student", variant="primary")
                yield Button(_("Return to the student listing"), id="back")

    @on(Button.Pressed, "#add-student")
    def submit(self) -> None:
        """Ask the school for this child (in a worker)."""
        button = self.query_one("#add-student", Button)
        if button.disabled or self.kiosk.parent_session is None:
            return
        problems: dict[str, Msg] = {}
        date_problem = self.date_problem("birthdate")
        if date_problem is not None:
            problems["birthdate"] = date_problem
        human = self.human_problem()
        if human is not None:
            problems["human_answer"] = human
        if problems:
            self.show_notice(None)
            self.show_field_errors(problems)
            return
        given = ChildIdentifiers(
            first_name=self.draft.first_name,
            last_name=self.draft.last_name,
            student_id=self.draft.student_id,
            birthdate=typed_date(self.draft.birthdate),
            ssn_last4=self.draft.ssn_last4,
        )
        session = self.kiosk.parent_session
        button.disabled = True

        def work() -> LinkedStudent:
            with self.kiosk.database.write() as uow:
                return request_link(uow, session, given)

        self.run_service(work, self._linked, self._refused)

    def _linked(self, linked: LinkedStudent) -> None:
        screen = self.kiosk.step("child-linked")
        assert isinstance(screen, ChildLinkedScreen)
        screen.show_student(linked)
        self.app.switch_screen(screen)

    def _refused(self, error: DomainError) -> None:
        self.query_one("#add-student", Button).disabled = False
        # What was typed stays to be corrected, the human check too: once passed, it is passed
        # for this form (guessing is held back by the rate limits, R7).
        self.show_form_error(error)

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        """Return to the student listing without adding."""
        self.app.pop_screen()


class ChildLinkedScreen(KioskScreen[None]):
    """The child just linked: name, photo, and whether the school still has to verify."""

    BINDINGS = [Binding("escape", "back", N_("Return to the student listing"))]

    def __init__(self) -> None:
        super().__init__()
        self.linked: LinkedStudent | None = None

    def compose_body(self) -> Iterable[Widget]:
        with Vertical(classes="kiosk-column"):
            yield KioskLabel(_("Student added"), classes="title")
            with Horizontal(classes="student-card"):
                yield StudentPhoto(self.linked.photo if self.linked else None, height=PHOTO_ROWS)
                with Vertical(classes="student-facts"):
                    for name, text in self.facts().items():
                        style = "subtitle" if name == "name" else ""
                        yield KioskLabel(text, classes=style, id=name)
                    pending = KioskLabel(
                        _(
                            "The school has received your request. You will see this "
                            "student's records once the school has verified it."
                        ),
                        classes="hint",
                        id="pending-hint",
                    )
                    pending.display = self.pending
                    yield pending
            yield Button(_("Return to the student listing"), id="back", variant="primary")

    def facts(self) -> dict[str, str]:
        """The lines about the student, by widget id (empty between two visits)."""
        linked = self.linked
        if linked is None:
            return dict.fromkeys(("name", "school", "grade", "link-status"), "")
        return {
            "name": f"{linked.first_name} {linked.last_name}",
            "school": linked.school_name,
            "grade": _("Grade {grade}").format(grade=linked.grade),
            "link-status": link_status(linked.status),
        }

    @property
    def pending(self) -> bool:
        """Whether the school still has to verify the link."""
        return self.linked is not None and self.linked.status is LinkStatus.PENDING

    def show_student(self, linked: LinkedStudent | None) -> None:
        """Show ``linked`` (``None``: nobody)."""
        self.linked = linked
        if not self.composed:
            return
        self.query_one(StudentPhoto).show_photo(linked.photo if linked else None)
        for name, text in self.facts().items():
            self.query_one(f"#{name}", KioskLabel).update(text)
        self.query_one("#pending-hint").display = self.pending

    def reset(self) -> None:
        super().reset()
        self.show_student(None)

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        """Back to the listing, where another child can be added."""
        self.app.pop_screen()
