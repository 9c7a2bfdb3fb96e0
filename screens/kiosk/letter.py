"""A letter code (L1): the parent, signed in, types the code of the letter the school mailed,
and the student it names is linked to the account (approved at once, or waiting for the
school, as the district chooses); the child-added screen then says which."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from pydantic import BaseModel
from textual import on
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Button, Input

from frontdesk.errors import DomainError, FieldErrors
from frontdesk.i18n import N_, _
from frontdesk.services.letter_codes import CODE_PATTERN_HINT
from frontdesk.services.letter_redemption import redeem_letter
from frontdesk.services.linking import LinkedStudent
from screens.kiosk.add_child import ChildLinkedScreen
from screens.kiosk.base import KioskLabel, KioskScreen
from screens.kiosk.visit import Visit

CODE_MAX_LENGTH = 64
"""What the code field takes at most: the service refuses longer (a pasted paragraph)."""


class LetterDraft(BaseModel):
    """The code as typed (spaces, dashes and small letters kept: the service reads it)."""

    code: str = ""


@dataclass(eq=False)
class LetterVisit(Visit):
    """A parent's visit of the letter-code form."""

    draft: LetterDraft = field(default_factory=LetterDraft)


class LetterCodeScreen(KioskScreen[None]):
    """Link a child with the code of the school's letter."""

    CARRIES_VISIT = True

    BINDINGS = [Binding("escape", "back", N_("Return to the student listing"))]
    submit_on = "code"
    visit: LetterVisit

    def new_visit(self) -> LetterVisit:
        return LetterVisit()

    def compose_body(self) -> Iterable[Widget]:
        with Vertical(classes="kiosk-column form-column"):
            yield KioskLabel(_("Link a child with a letter code"), classes="title")
            yield KioskLabel(
                _(
                    "Type the code printed in the letter the school sent you. Capital or "
                    "small letters, with or without dashes: all work."
                ),
                classes="hint",
            )
            yield self.field(
                _("Letter code"),
                "code",
                Input(
                    self.value("code"),
                    id="code",
                    max_length=CODE_MAX_LENGTH,
                    placeholder=CODE_PATTERN_HINT,
                ),
            )
            with Horizontal(classes="buttons"):
                yield Button(_("Link my child"), id="use-code", variant="primary")
                yield Button(_("Return to the student listing"), id="back")

    @on(Button.Pressed, "#use-code")
    def submit(self) -> None:
        """Send the code (in a worker): the service reads it, counts a wrong one, links."""
        button = self.query_one("#use-code", Button)
        session = self.kiosk.parent_session
        if button.disabled or session is None:
            return
        button.disabled = True
        database, typed = self.kiosk.database, self.visit.draft.code
        self.run_service(
            lambda: redeem_letter(database, session, typed), self._linked, self._refused
        )

    def _linked(self, linked: LinkedStudent) -> None:
        screen = self.kiosk.step("child-linked")
        assert isinstance(screen, ChildLinkedScreen)
        screen.show_student(linked)
        # Replaced, this screen forgets the code (it is used up: nothing to keep).
        self.app.switch_screen(screen)

    def _refused(self, error: DomainError) -> None:
        self.query_one("#use-code", Button).disabled = False
        # Every answer (a code mistyped, used, expired, cancelled, replaced, too many tries)
        # is about the one field: beside it, the code left as typed to be corrected.
        fields = error.fields if isinstance(error, FieldErrors) else {"code": error.message}
        self.show_notice(None)
        self.show_field_errors({"code": fields.get("code", error.message)})

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        """Return to the student listing without a code."""
        self.app.pop_screen()
