"""The photo-ID check form at the foot of the request view (V2).

Keys: the cursor starts in "last 4 of the ID number"; four characters move on to the expiry
date, where ``enter`` (or ``tab``) reaches "name matches" (``space`` ticks it). An expired ID
is told beside the date as it is typed. The form is read the one way the desk's service reads
it (``frontdesk.services.decisions.identity_check_form``); this widget only puts the answers
beside the fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Checkbox, Input, Select

from frontdesk.db.models import IdType
from frontdesk.errors import FieldErrors
from frontdesk.i18n import Msg, _, date_input_pattern
from frontdesk.services.decisions import (
    TypedIdentityCheck,
    expired_problem,
    identity_check_form,
)
from frontdesk.text import NOTES
from screens.labels import ID_TYPES
from screens.widgets.field import Field
from screens.widgets.password_input import PasswordInput

FIRST_ID_TYPE = IdType.DRIVER_LICENCE
"""The ID type the form offers first, on each new request."""


class IdCheckForm(Horizontal):
    """ID type, last 4 of its number, expiry date, "name matches", notes."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.today: date | None = None
        """The request's day, against which an expiry date is judged (``None``: not yet)."""

    def compose(self) -> ComposeResult:
        yield Field(
            _("ID type"),
            Select(
                [(_(label), kind.value) for kind, label in ID_TYPES.items()],
                value=FIRST_ID_TYPE.value,
                allow_blank=False,
                id="id-type",
            ),
            name="id_type",
        )
        yield Field(
            _("Last 4 of ID number"),
            # Hidden like a password, so the digits never reach a screenshot.
            PasswordInput(id="id-last4", max_length=4),
            name="id_last4",
        )
        yield Field(
            _("Expires ({pattern})").format(pattern=date_input_pattern()),
            Input(id="id-expires"),
            name="id_expires",
        )
        yield Field(
            _("Name on the ID"),
            Checkbox(_("matches"), id="name-matches"),
            name="name_matches",
        )
        yield Field(_("Notes"), Input(id="notes", max_length=NOTES), name="notes")

    @property
    def started(self) -> bool:
        """Whether the clerk has typed the ID's number or date (a check to record)."""
        typed = self.typed()
        return bool(typed.id_last4.strip() or typed.id_expires.strip())

    def typed(self) -> TypedIdentityCheck:
        """The form as it stands."""
        return TypedIdentityCheck(
            id_type=IdType(str(self.query_one("#id-type", Select).value)),
            id_last4=self.query_one("#id-last4", Input).value,
            id_expires=self.query_one("#id-expires", Input).value,
            name_matches=self.query_one("#name-matches", Checkbox).value,
            notes=self.query_one("#notes", Input).value,
        )

    def checked(self, today: date) -> TypedIdentityCheck | None:
        """The form as typed when it can be recorded ``today``; otherwise ``None``, each
        problem shown beside its field."""
        self.clear_errors()
        typed = self.typed()
        try:
            identity_check_form(typed, today)
        except FieldErrors as error:
            self.show_problems(error.fields)
            return None
        return typed

    def show_problems(self, problems: Mapping[str, Msg]) -> dict[str, Msg]:
        """Put each problem beside its field; those of no field of this form are returned."""
        elsewhere: dict[str, Msg] = {}
        for name, message in problems.items():
            fields = self.query(f"#field-{name}")
            if fields:
                fields.first(Field).show_error(str(message))
            else:
                elsewhere[name] = message
        return elsewhere

    def clear_errors(self) -> None:
        """Take every problem away from beside its field."""
        for field in self.query(Field):
            field.show_error("")

    def reset(self, *, whole: bool = False) -> None:
        """Empty the form for the next check of the same parent (the ID type stays as chosen);
        with ``whole``, for another request (the ID type back to the first, no day known)."""
        # Every field of its kind, so that a field added later is emptied too.
        for box in self.query(Input):
            box.value = ""
        for tick in self.query(Checkbox):
            tick.value = False
        self.clear_errors()
        if whole:
            self.today = None
            self.query_one("#id-type", Select).value = FIRST_ID_TYPE.value

    @on(Input.Changed, "#id-last4")
    def _last4_typed(self, event: Input.Changed) -> None:
        if len(event.value) == 4:
            self.query_one("#id-expires", Input).focus()

    @on(Input.Changed, "#id-expires")
    def _expiry_typed(self, event: Input.Changed) -> None:
        # An expired ID is told at once, beside the field, before anything is pressed.
        problem = expired_problem(event.value, self.today) if self.today is not None else None
        self.query_one("#field-id_expires", Field).show_error(str(problem or ""))

    @on(Input.Submitted, "#id-expires")
    def _to_name_matches(self) -> None:
        self.query_one("#name-matches", Checkbox).focus()
