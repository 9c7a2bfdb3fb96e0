"""R15, R16: forgot password at the kiosk.

Three steps on one screen: the email (Cancel / Return to Registration / Submit, and the same
answer whether or not the address has an account); the code from the mail; the temporary
password, shown once behind "View your new credentials", with the way to sign in.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from pydantic import BaseModel
from textual import on
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Button, Static

from frontdesk.errors import DomainError
from frontdesk.i18n import N_, _
from frontdesk.services.password_reset import redeem_code, request_reset
from frontdesk.services.passwords import TemporaryCredentials
from screens.kiosk.base import KioskLabel, KioskScreen


class Step(StrEnum):
    """Where the parent is in the forgot-password path."""

    EMAIL = "email"
    CODE = "code"
    DONE = "done"


class ForgotDraft(BaseModel):
    """What the parent typed."""

    email: str = ""
    code: str = ""


class ForgotPasswordScreen(KioskScreen[None]):
    """Enter the email, then the code from the mail; get a temporary password once."""

    CSS_PATH = "passwords.tcss"
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(self) -> None:
        super().__init__()
        self.draft: ForgotDraft = ForgotDraft()
        self.step = Step.EMAIL
        self.credentials: TemporaryCredentials | None = None
        self.revealed = False

    @property
    def submit_on(self) -> str:  # type: ignore[override]
        """Enter in the step's one field sends it."""
        return "code" if self.step is Step.CODE else "email"

    def compose_body(self) -> Iterable[Widget]:
        with Vertical(classes="kiosk-column form-column"):
            if self.step is Step.EMAIL:
                yield from self._compose_email()
            elif self.step is Step.CODE:
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
            ).format(email=self.draft.email, minutes=self.kiosk.district.reset_link_minutes),
            classes="message",
            id="sent-message",
        )
        yield self.field(_("Code from the mail"), "code")
        with Horizontal(classes="buttons"):
            yield Button(_("Get a new password"), id="redeem", variant="primary")
            yield Button(_("Send the mail again"), id="again")
            yield Button(_("Cancel"), id="cancel")

    def _compose_done(self) -> Iterable[Widget]:
        credentials = self.credentials
        assert credentials is not None
        yield KioskLabel(_("Your password has been reset"), classes="title")
        yield KioskLabel(
            _(
                "A temporary password was made for your account. It is shown only once: "
                "write it down, then sign in. You will then choose your own password."
            ),
            classes="message",
        )
        if not self.revealed:
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
        target = {Step.EMAIL: "#email", Step.CODE: "#code"}.get(self.step)
        if target is None:
            target = "#sign-in" if self.revealed else "#view"
        self.query_one(target).focus()

    def _go(self, step: Step) -> None:
        self.step = step
        self.errors = {}
        self.notice = None
        self.call_later(self._rebuild)

    async def _rebuild(self) -> None:
        await self.recompose()
        self._focus_step()

    # --- step 1: the email --------------------------------------------------------------------

    def submit(self) -> None:
        """Enter in the step's field: send the email, or the code."""
        if self.step is Step.EMAIL:
            self.send_mail()
        elif self.step is Step.CODE:
            self.redeem()

    @on(Button.Pressed, "#submit")
    def send_mail(self) -> None:
        """Ask for the reset mail (in a worker); the answer does not say if the account exists."""
        button = self.query_one("#submit", Button)
        if button.disabled:
            return
        button.disabled = True
        email = self.draft.email
        language = self.kiosk.language

        def work() -> None:
            with self.kiosk.database.write() as uow:
                request_reset(uow, email, language)

        self.run_service(work, self._mail_sent, self._refused)

    def _mail_sent(self, _result: None) -> None:
        self.draft.code = ""
        self._go(Step.CODE)

    # --- step 2: the code ---------------------------------------------------------------------

    @on(Button.Pressed, "#redeem")
    def redeem(self) -> None:
        """Check the code (in a worker); a right one gives the temporary password."""
        button = self.query_one("#redeem", Button)
        if button.disabled:
            return
        button.disabled = True
        email, code = self.draft.email, self.draft.code

        def work() -> TemporaryCredentials:
            with self.kiosk.database.write() as uow:
                return redeem_code(uow, email, code)

        self.run_service(work, self._redeemed, self._refused)

    def _redeemed(self, credentials: TemporaryCredentials) -> None:
        self.credentials = credentials
        self.draft.code = ""
        self._go(Step.DONE)

    @on(Button.Pressed, "#again")
    def send_again(self) -> None:
        """Back to the email step, to ask for a new mail."""
        self._go(Step.EMAIL)

    # --- step 3: the temporary password ---------------------------------------------------------

    @on(Button.Pressed, "#view")
    def view(self) -> None:
        """Show the temporary password (only on this screen, only now)."""
        self.revealed = True
        self.call_later(self._rebuild)

    @on(Button.Pressed, "#sign-in")
    def sign_in(self) -> None:
        """Forget the temporary password and go to the sign-in, the email filled in."""
        email = self.credentials.email if self.credentials else self.draft.email
        self.credentials = None
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
        self.credentials = None
        self.app.pop_screen()

    @on(Button.Pressed, "#registration")
    def registration(self) -> None:
        """Back to the Parent Portal Registration (welcome) screen."""
        self.credentials = None
        self._back_to_welcome()

    def _back_to_welcome(self) -> None:
        # The welcome screen is the kiosk's first (above Textual's own default screen).
        while len(self.app.screen_stack) > 2:
            self.app.pop_screen()
