"""The support desk (P1): search parents, read an account, and act on it with a reason."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, DataTable, Footer, Input, Static

from frontdesk.db.engine import Database
from frontdesk.i18n import N_, _, format_short_datetime, language_name
from frontdesk.services.passwords import TemporaryCredentials
from frontdesk.services.sessions import StaffSession
from frontdesk.services.support import ParentDetails, ParentSummary, ResetLine
from frontdesk.services.support_desk import (
    give_temporary_password,
    read_parent,
    search_parents,
    send_new_reset_mail,
    unlock_account,
)
from frontdesk.text import SEARCH
from screens.base import BaseScreen
from screens.labels import ACCOUNT_STATUSES, LINK_STATUSES
from screens.support.dialogs import ActionTaken, ReasonDialog, ShownOnceDialog

EVENTS = {
    "parent.signin_failed": N_("failed sign-in"),
    "password.reset_request": N_("reset mail asked for"),
    "password.reset": N_("password reset with the mailed code"),
    "password.reset_failed": N_("wrong reset code"),
    "password.temporary": N_("temporary password issued"),
    "password.change": N_("password changed"),
    "account.unlock": N_("account unlocked"),
    "mail.resend": N_("reset mail resent"),
}


def _when(value: datetime | None) -> str:
    return format_short_datetime(value) if value is not None else "-"


def _reset_state(reset: ResetLine) -> str:
    if reset.used_at:
        return _("used {when}").format(when=_when(reset.used_at))
    if reset.revoked_at:
        return _("cancelled {when}").format(when=_when(reset.revoked_at))
    return _("open until {when}").format(when=_when(reset.expires_at))


def describe(details: ParentDetails) -> str:
    """The account as the support desk reads it (plain text, in the desk's language)."""
    s = details.summary
    lines = [
        f"{s.first_name} {s.last_name} <{s.email}> {s.phone or ''}".rstrip(),
        _("Account: {status}").format(status=_(ACCOUNT_STATUSES[s.status])),
        _("Locked since {when}").format(when=_when(details.locked_at))
        if details.locked_at
        else _("Not locked"),
    ]
    if s.must_change_password:
        lines.append(_("Has a temporary password: must change it at the next sign-in"))
    lines += [
        _("Language: {language}").format(language=language_name(details.language)),
        _("Account made {when}; password changed {changed}").format(
            when=_when(details.created_at), changed=_when(details.password_changed_at)
        ),
        "",
        _("Children"),
    ]
    lines += [
        f"  {link.student_name} ({link.student_number}), {link.school_name}: "
        f"{_(LINK_STATUSES[link.status])}"
        for link in details.links
    ] or ["  " + _("none")]
    lines += ["", _("Recent failed sign-ins")]
    lines += [f"  {_when(e.at)} · {e.workstation}" for e in details.signin_failures] or [
        "  " + _("none")
    ]
    lines += ["", _("Password resets")]
    lines += [
        "  "
        + _("asked {when}: {state}; wrong codes: {n}").format(
            when=_when(r.created_at), state=_reset_state(r), n=r.failed_attempts
        )
        for r in details.resets
    ] or ["  " + _("none")]
    lines += ["", _("Recent events")]
    lines += [
        f"  {_when(e.at)} · {_(EVENTS.get(e.action, e.action))} · {e.actor_name} · {e.workstation}"
        for e in details.recent_events
    ] or ["  " + _("none")]
    return "\n".join(lines)


class SupportDeskScreen(BaseScreen[None]):
    """Find a parent by name, email, phone or child; unlock, reset or resend, with a reason."""

    CSS_PATH = "support.tcss"
    BINDINGS = [
        Binding("escape", "back", N_("Back")),
        Binding("ctrl+f", "search", N_("Search")),
        Binding("f5", "temporary", N_("Temporary password")),
        Binding("f6", "unlock", N_("Unlock")),
        Binding("f7", "resend", N_("Resend reset mail")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.results: list[ParentSummary] = []
        self.details: ParentDetails | None = None

    def compose(self) -> ComposeResult:
        yield Static(_("Support desk"), classes="title")
        with Horizontal(id="search-row"):
            yield Input(
                placeholder=_("Name, email, phone, or a child's name or student number"),
                id="query",
                max_length=SEARCH,
            )
            yield Button(_("Search"), id="search")
        with Horizontal(id="body"):
            yield DataTable(id="results", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="details-box"):
                yield Static(_("Search, then choose a parent."), id="details", markup=False)
        with Horizontal(id="actions"):
            yield Button(_("Temporary password"), id="temporary", disabled=True)
            yield Button(_("Unlock"), id="unlock", disabled=True)
            yield Button(_("Resend reset mail"), id="resend", disabled=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#results", DataTable)
        table.add_columns(_("Name"), _("Email"), _("Phone"), _("Status"))
        self.query_one("#query").focus()

    # --- searching and reading ----------------------------------------------------------------

    @on(Input.Submitted, "#query")
    @on(Button.Pressed, "#search")
    def _search(self) -> None:
        text = self.query_one("#query", Input).value
        staff = self.frontdesk.staff
        assert staff is not None
        self.run_service(partial(search_parents, self.frontdesk.database, staff, text), self._found)

    def _found(self, results: list[ParentSummary]) -> None:
        self.results = results
        table = self.query_one("#results", DataTable)
        table.clear()
        for parent in results:
            state = _(ACCOUNT_STATUSES[parent.status])
            if parent.locked:
                state = _("locked") + " · " + state
            table.add_row(
                f"{parent.last_name}, {parent.first_name}",
                parent.email,
                parent.phone or "",
                state,
                key=str(parent.parent_id),
            )
        if results:
            table.focus()
            self._load(results[0].parent_id)
        else:
            self._show(None)
            self.notify(_("No parent matches."), timeout=4)

    @on(DataTable.RowHighlighted, "#results")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None:
            self._load(int(event.row_key.value))

    def _load(self, parent_id: int) -> None:
        staff = self.frontdesk.staff
        assert staff is not None
        self.run_service(
            partial(read_parent, self.frontdesk.database, staff, parent_id),
            self._show,
            group="details",
        )

    def _show(self, details: ParentDetails | None) -> None:
        self.details = details
        self.query_one("#details", Static).update(
            describe(details) if details else _("Search, then choose a parent.")
        )
        for button in self.query("#actions Button").results(Button):
            button.disabled = details is None
        if details is not None:
            self.query_one("#unlock", Button).disabled = not details.summary.locked

    # --- actions ----------------------------------------------------------------------------

    def _act(
        self,
        title: str,
        action: Callable[[Database, StaffSession, int, str], TemporaryCredentials | None],
        done_message: str,
    ) -> None:
        """Ask for the reason; the dialog takes ``action`` with it and says when it is done."""
        details = self.details
        staff = self.frontdesk.staff
        if details is None or staff is None:
            return
        s = details.summary
        subject = f"{s.first_name} {s.last_name} <{s.email}>"
        act = partial(action, self.frontdesk.database, staff, s.parent_id)

        def confirmed(taken: ActionTaken | None) -> None:
            if taken is None:
                return
            self.notify(done_message, timeout=5)
            result = taken.credentials
            if result is not None:
                self.app.push_screen(ShownOnceDialog(result.email, result.password))
            self._load(s.parent_id)

        self.app.push_screen(ReasonDialog(title, subject, act), confirmed)

    @on(Button.Pressed, "#temporary")
    def action_temporary(self) -> None:
        """Issue a temporary password, shown once here (after a reason)."""
        self._act(
            _("Issue a temporary password"),
            give_temporary_password,
            _("Temporary password issued."),
        )

    @on(Button.Pressed, "#unlock")
    def action_unlock(self) -> None:
        """Unlock the account (after a reason)."""
        if self.details is None or not self.details.summary.locked:
            return
        self._act(_("Unlock the account"), unlock_account, _("The account is unlocked."))

    @on(Button.Pressed, "#resend")
    def action_resend(self) -> None:
        """Send a new reset mail (after a reason); older codes stop working."""
        self._act(
            _("Resend the reset mail"),
            send_new_reset_mail,
            _("A new reset mail is on its way."),
        )

    def action_search(self) -> None:
        """Back to the search field."""
        self.query_one("#query").focus()

    def action_back(self) -> None:
        """Back to the desk's home."""
        self.app.pop_screen()
