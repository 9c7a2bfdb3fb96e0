"""The new-account form (R4–R7): the district's fields, Show password, the human check."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from textual import on
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input

from frontdesk.district_settings import AccountField
from frontdesk.errors import DomainError
from frontdesk.i18n import N_, _
from frontdesk.services.registration import AccountForm, register_parent
from frontdesk.services.sessions import ParentSession
from screens.kiosk.base import EXTRA_MAX_LENGTH, KioskLabel, KioskScreen
from screens.kiosk.visit import HumanDraft, Visit
from screens.widgets.password_input import PasswordInput


class AccountDraft(AccountForm, HumanDraft):
    """The account form as typed so far (kept as typed: nothing is stripped until submitted)."""

    show_password: bool = False

    def form(self, language: str) -> AccountForm:
        """What the registration service takes."""
        typed = self.model_dump(exclude={"human_ticked", "human_answer", "show_password"})
        return AccountForm(**{**typed, "language": language})


@dataclass(eq=False)
class AccountVisit(Visit):
    """A parent's visit of the new-account form."""

    draft: AccountDraft = field(default_factory=AccountDraft)


class NewAccountScreen(KioskScreen[None]):
    """Step 4–5 of the district's document: the parent's own details, then Submit."""

    CARRIES_VISIT = True

    BINDINGS = [Binding("escape", "back", N_("Back"))]
    visit: AccountVisit

    def new_visit(self) -> AccountVisit:
        return AccountVisit()

    def compose_body(self) -> Iterable[Widget]:
        settings = self.kiosk.district
        required = settings.required_account_fields
        language = self.kiosk.language
        draft = self.visit.draft
        with Vertical(classes="kiosk-column form-column"):
            yield KioskLabel(_("Create your parent account"), classes="title")
            yield KioskLabel(_("Fields marked * must be filled in."), classes="hint")
            yield self.field(_("First name") + " *", "first_name")
            yield self.field(_("Last name") + " *", "last_name")
            yield self.field(_("Email") + " *", "email")
            star = {field: " *" if field in required else "" for field in AccountField}
            yield self.field(_("Phone") + star[AccountField.PHONE], "phone")
            yield self.field(
                _("Relationship to the child (mother, father, guardian…)")
                + star[AccountField.RELATIONSHIP],
                "relationship",
            )
            if AccountField.ADDRESS in required:
                yield self.field(_("Street address") + " *", "address_street")
                yield self.field(_("City") + " *", "address_city")
                yield self.field(_("State") + " *", "address_state")
                yield self.field(_("ZIP code") + " *", "address_postal_code")
            for extra in settings.extra_fields:
                label = extra.labels.get(language) or extra.labels.get(
                    settings.default_language, extra.key
                )
                yield self.field(
                    label + (" *" if extra.required else ""),
                    f"extra-{extra.key}",
                    Input(
                        draft.extra.get(extra.key, ""),
                        id=f"extra-{extra.key}",
                        max_length=EXTRA_MAX_LENGTH,
                    ),
                )
            hidden = not draft.show_password
            yield self.field(
                _("Password") + " *",
                "password",
                PasswordInput(value=self.value("password"), id="password", password=hidden),
            )
            yield self.field(
                _("Password again") + " *",
                "password_confirm",
                PasswordInput(
                    value=self.value("password_confirm"), id="password_confirm", password=hidden
                ),
            )
            yield Checkbox(_("Show password"), draft.show_password, id="show_password")
            yield KioskLabel(
                _(
                    "Use at least {n} characters; a few words you will remember work well. "
                    "Common passwords, your name, and runs like abcd, qwerty or aaaa are refused."
                ).format(n=settings.min_password_length),
                classes="hint",
            )
            yield from self.compose_human_check()
            with Horizontal(classes="buttons"):
                yield Button(_("Submit"), id="submit", variant="primary")
                yield Button(_("Back"), id="back")

    @on(Checkbox.Changed, "#show_password")
    def _show_password(self, event: Checkbox.Changed) -> None:
        """R6: show the password as typed."""
        for widget in self.query(PasswordInput):
            widget.password = not event.value

    @on(Button.Pressed, "#submit")
    def submit(self) -> None:
        """Send the form (in a worker): the service checks it and the human check, and makes
        the account."""
        button = self.query_one("#submit", Button)
        if button.disabled:
            return
        button.disabled = True
        database, form = self.kiosk.database, self.visit.draft.form(self.kiosk.language)
        human = self.human_answer()
        self.run_service(
            lambda: register_parent(database, form, human), self._created, self._refused
        )

    def _created(self, session: ParentSession) -> None:
        self.kiosk.parent_session = session
        # Replaced, this screen forgets the form (the password leaves memory with it).
        self.kiosk.signed_in()

    def _refused(self, error: DomainError) -> None:
        self.query_one("#submit", Button).disabled = False
        self.show_form_error(error)

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        """Back to the welcome screen; what was typed is dropped."""
        self.app.pop_screen()
