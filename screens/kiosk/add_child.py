"""Add a child already enrolled (R9, R10): the district's identifiers, the human check, then
the student's name and photo and where the request stands."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from textual import on
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Button

from frontdesk.db.models import LinkStatus
from frontdesk.district_settings import Identifier
from frontdesk.errors import DomainError
from frontdesk.i18n import N_, _
from frontdesk.services.linking import LinkedStudent, TypedChild, ask_for_child
from screens.kiosk.base import KioskLabel, KioskScreen
from screens.kiosk.common import link_status
from screens.kiosk.visit import HumanDraft, Visit
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


class ChildDraft(TypedChild, HumanDraft):
    """The identifiers as typed (the birthdate as text, read in the parent's language)."""

    def typed(self) -> TypedChild:
        """What the linking service takes."""
        return TypedChild(**self.model_dump(exclude={"human_ticked", "human_answer"}))


@dataclass(eq=False)
class ChildVisit(Visit):
    """A parent's visit of the add-a-child form."""

    draft: ChildDraft = field(default_factory=ChildDraft)


class AddChildScreen(KioskScreen[None]):
    """Steps 7–8 of the district's document."""

    CARRIES_VISIT = True

    BINDINGS = [Binding("escape", "back", N_("Return to the student listing"))]
    visit: ChildVisit

    def new_visit(self) -> ChildVisit:
        return ChildVisit()

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
        """Ask the school for this child (in a worker): the service reads the birthdate and
        judges the human check first."""
        button = self.query_one("#add-student", Button)
        session = self.kiosk.parent_session
        if button.disabled or session is None:
            return
        button.disabled = True
        database, typed = self.kiosk.database, self.visit.draft.typed()
        language, human = self.kiosk.language, self.human_answer()
        self.run_service(
            lambda: ask_for_child(database, session, typed, language, human),
            self._linked,
            self._refused,
        )

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


@dataclass(eq=False)
class LinkedVisit(Visit):
    """A parent's visit of the child-added screen."""

    linked: LinkedStudent | None = None
    """The child just linked (``None``: nobody)."""


class ChildLinkedScreen(KioskScreen[None]):
    """The child just linked: name, photo, and whether the school still has to verify."""

    BINDINGS = [Binding("escape", "back", N_("Return to the student listing"))]
    visit: LinkedVisit

    def new_visit(self) -> LinkedVisit:
        return LinkedVisit()

    def compose_body(self) -> Iterable[Widget]:
        linked = self.visit.linked
        with Vertical(classes="kiosk-column"):
            yield KioskLabel(_("Student added"), classes="title")
            with Horizontal(classes="student-card"):
                yield StudentPhoto(linked.photo if linked else None, height=PHOTO_ROWS)
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
        linked = self.visit.linked
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
        linked = self.visit.linked
        return linked is not None and linked.status is LinkStatus.PENDING

    def show_student(self, linked: LinkedStudent) -> None:
        """Show ``linked``, the child this visit is about."""
        self.visit.linked = linked
        if self.composed:
            self.show_linked()

    def show_draft(self) -> None:
        super().show_draft()
        self.show_linked()

    def show_linked(self) -> None:
        """Put the visit's child (or nobody) into the photo and the lines about them."""
        linked = self.visit.linked
        self.query_one(StudentPhoto).show_photo(linked.photo if linked else None)
        for name, text in self.facts().items():
            self.query_one(f"#{name}", KioskLabel).update(text)
        self.query_one("#pending-hint").display = self.pending

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        """Back to the listing, where another child can be added."""
        self.app.pop_screen()
