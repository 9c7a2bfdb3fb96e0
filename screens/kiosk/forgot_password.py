"""R15, R16: forgot password at the kiosk.

Three steps on one screen: the email (Cancel / Return to Registration / Submit, and the same
answer whether or not the address has an account); the code from the mail; the temporary
password, shown once behind "View your new credentials", with the way to sign in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from pydantic import BaseModel
from textual import on
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Button, Static

from frontdesk.errors import DomainError
from frontdesk.i18n import N_, _
from frontdesk.services.password_reset import send_reset_mail, use_reset_code
from frontdesk.services.passwords import TemporaryCredentials
from screens.kiosk.base import KioskLabel, KioskScreen
from screens.kiosk.visit import Visit


class Step(StrEnum):
    """Where the parent is in the forgot-password path."""

    EMAIL = "email"
    CODE = "code"
    DONE = "done"


class ForgotDraft(BaseModel):
    """What the parent typed."""

    email: str = ""
    code: str = ""


@dataclass(eq=False)
class ForgotVisit(Visit):
    """Where a parent is in the forgot-password path, and what they typed and got."""

    draft: ForgotDraft = field(default_factory=ForgotDraft)
    step: Step = Step.EMAIL
    credentials: TemporaryCredentials | None = None
    """The temporary password, once the code was right (until the parent leaves)."""
    revealed: bool = False
    """Whether the parent asked to see the temporary password."""


class ForgotPasswordScreen(KioskScreen[None]):
    """Enter the email, then the code from the mail; get a temporary password once."""

    CSS_PATH = "passwords.tcss"
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"))]
    visit: ForgotVisit

    def new_visit(self) -> ForgotVisit:
        return ForgotVisit()

    def sends_form(self, input_id: str) -> bool:
        """Enter in the step's one field sends it."""
        return input_id == ("code" if self.visit.step is Step.CODE else "email")

    def compose_body(self) -> Iterable[Widget]:
        step = self.visit.step
        with Vertical(classes="kiosk-column form-column"):
            if step is Step.EMAIL:
                yield from self._compose_email()
            elif step is Step.CODE:
                yield from self._compose_code()
            else:
                yield from self._compose_done()

    def _compose_email(self) -> Iterable[Widget]:
        yield KioskLabel(_("Forgot your password?"), classes="title")
        yield KioskLabel(
            _(
                "Enter the email address of your parent portal account. We will send it a "
                "mail with a code to get a new password."
            ),
            classes="message",
        )
        yield self.field(_("Email"), "email")
        with Horizontal(classes="buttons"):
            yield Button(_("Submit"), id="submit", variant="primary")
            yield Button(_("Cancel"), id="cancel")
            yield Button(_("Return to Registration"), id="registration")

    def _compose_code(self) -> Iterable[Widget]:
        yield KioskLabel(_("Check your mail"), classes="title")
        yield KioskLabel(
            _(
                "If an account uses {email}, we have sent it a mail with a code. The code "
                "works once, for {minutes} minutes."
            ).format(email=self.visit.draft.email, minutes=self.kiosk.district.reset_link_minutes),
            classes="message",
            id="sent-message",
        )
        yield self.field(_("Code from the mail"), "code")
        with Horizontal(classes="buttons"):
            yield Button(_("Get a new password"), id="redeem", variant="primary")
            yield Button(_("Send the mail again"), id="again")
            yield Button(_("Cancel"), id="cancel")

    def _compose_done(self) -> Iterable[Widget]:
        credentials = self.visit.credentials
        assert credentials is not None
        yield KioskLabel(_("Your password has been reset"), classes="title")
        yield KioskLabel(
            _(
                "A temporary password was made for your account. It is shown only once: "
                "write it down, then sign in. You will then choose your own password."
            ),
            classes="message",
        )
        if not self.visit.revealed:
            yield Button(_("View your new credentials"), id="view", variant="primary")
            return
        yield KioskLabel(_("Email: {email}").format(email=credentials.email), classes="subtitle")
        yield KioskLabel(_("Temporary password:"), classes="subtitle")
        yield Static(credentials.password, id="temporary-password", markup=False)
        with Horizontal(classes="buttons"):
            yield Button(_("Sign in to the portal"), id="sign-in", variant="primary")

    def on_mount(self) -> None:
        self._focus_step()

    def _focus_step(self) -> None:
        target = {Step.EMAIL: "#email", Step.CODE: "#code"}.get(self.visit.step)
        if target is None:
            target = "#sign-in" if self.visit.revealed else "#view"
        self.query_one(target).focus()

    def _go(self, step: Step) -> None:
        self.visit.step = step
        self.visit.errors = {}
        self.visit.notice = None
        self.call_later(self._rebuild)

    async def _rebuild(self) -> None:
        await self.recompose()
        self._focus_step()

    # --- step 1: the email --------------------------------------------------------------------

    def submit(self) -> None:
        """Enter in the step's field: send the email, or the code."""
        if self.visit.step is Step.EMAIL:
            self.send_mail()
        elif self.visit.step is Step.CODE:
            self.redeem()

    @on(Button.Pressed, "#submit")
    def send_mail(self) -> None:
        """Ask for the reset mail (in a worker); the answer does not say if the account exists."""
        button = self.query_one("#submit", Button)
        if button.disabled:
            return
        button.disabled = True
        database, email, language = self.kiosk.database, self.visit.draft.email, self.kiosk.language
        self.run_service(
            lambda: send_reset_mail(database, email, language), self._mail_sent, self._refused
        )

    def _mail_sent(self, _result: None) -> None:
        self.visit.draft.code = ""
        self._go(Step.CODE)

    # --- step 2: the code ---------------------------------------------------------------------

    @on(Button.Pressed, "#redeem")
    def redeem(self) -> None:
        """Check the code (in a worker); a right one gives the temporary password."""
        button = self.query_one("#redeem", Button)
        if button.disabled:
            return
        button.disabled = True
        database, email, code = self.kiosk.database, self.visit.draft.email, self.visit.draft.code
        self.run_service(
            lambda: use_reset_code(database, email, code), self._redeemed, self._refused
        )

    def _redeemed(self, credentials: TemporaryCredentials) -> None:
        self.visit.credentials = credentials
        self.visit.draft.code = ""
        self._go(Step.DONE)

    @on(Button.Pressed, "#again")
    def send_again(self) -> None:
        """Back to the email step, to ask for a new mail."""
        self._go(Step.EMAIL)

    # --- step 3: the temporary password ---------------------------------------------------------

    @on(Button.Pressed, "#view")
    def view(self) -> None:
        """Show the temporary password (only on this screen, only now)."""
        self.visit.revealed = True
        self.call_later(self._rebuild)

    @on(Button.Pressed, "#sign-in")
    def sign_in(self) -> None:
        """Forget the temporary password and go to the sign-in, the email filled in."""
        credentials = self.visit.credentials
        email = credentials.email if credentials else self.visit.draft.email
        self.end_visit()  # the temporary password leaves memory now
        self._back_to_welcome()
        signin = self.kiosk.step("sign-in")
        signin.fill("email", email)
        self.app.push_screen(signin)

    # --- leaving ------------------------------------------------------------------------------

    def _refused(self, error: DomainError) -> None:
        for button in self.query(".buttons Button").results(Button):
            button.disabled = False
        self.show_form_error(error)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        """Back to where the parent came from (the welcome or the sign-in screen)."""
        self.end_visit()  # the temporary password leaves memory now
        self.app.pop_screen()

    @on(Button.Pressed, "#registration")
    def registration(self) -> None:
        """Back to the Parent Portal Registration (welcome) screen."""
        self.end_visit()  # the temporary password leaves memory now
        self._back_to_welcome()

    def _back_to_welcome(self) -> None:
        # The welcome screen is the kiosk's first (above Textual's own default screen).
        while len(self.app.screen_stack) > 2:
            self.app.pop_screen()
