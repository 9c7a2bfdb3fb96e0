"""Staff accounts (A1), for administrators: list, create, disable and enable, role and schools,
a password reset shown once, and the PIN that lets staff leave kiosk mode."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TypeVar

from pydantic import SecretStr
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, DataTable, Footer, Input, Select, SelectionList, Static

from frontdesk import text
from frontdesk.db.engine import Database
from frontdesk.db.models import StaffRole
from frontdesk.errors import DomainError, FieldErrors
from frontdesk.i18n import N_, _
from frontdesk.services.schools import SchoolView
from frontdesk.services.sessions import StaffSession
from frontdesk.services.staff import StaffView
from frontdesk.services.staff_admin import (
    StaffDirectory,
    StaffForm,
    issue_staff_password,
    save_staff_account,
    set_account_active,
    set_kiosk_pin,
    staff_directory,
)
from screens.base import BaseScreen
from screens.labels import ROLE_NAMES
from screens.widgets.field import Field
from screens.widgets.password_input import PasswordInput

FORM_FIELDS = ("username", "display_name", "role", "schools", "password", "pin")
R = TypeVar("R")


class StaffAccountsScreen(BaseScreen[None]):
    """Every staff account, and a form for the one selected (or a new one)."""

    CSS_PATH = "staff.tcss"
    BINDINGS = [
        Binding("ctrl+n", "new", N_("New account")),
        Binding("ctrl+s", "save", N_("Save")),
        Binding("escape", "back", N_("Back")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.accounts: list[StaffView] = []
        self.schools: list[SchoolView] = []
        self.selected: StaffView | None = None
        """The account in the form; ``None`` while making a new one."""

    def compose(self) -> ComposeResult:
        yield Static(_("Staff accounts"), classes="title")
        with Horizontal(id="staff-body"):
            yield DataTable(id="staff-table", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="staff-form"):
                yield Static("", id="form-title", classes="subtitle")
                yield Field(
                    _("User name"), Input(id="username", max_length=text.USERNAME), name="username"
                )
                yield Field(
                    _("Name"),
                    Input(id="display_name", max_length=text.DISPLAY_NAME),
                    name="display_name",
                )
                yield Field(
                    _("Role"),
                    Select(
                        [(_(ROLE_NAMES[role]), role.value) for role in StaffRole],
                        allow_blank=False,
                        id="role",
                    ),
                    name="role",
                )
                yield Field(
                    _("Schools served (clerks)"), SelectionList[str](id="schools"), name="schools"
                )
                yield Field(_("Password"), PasswordInput(id="password"), name="password")
                yield Field(
                    _("Kiosk-exit PIN (6 to 8 digits)"),
                    PasswordInput(id="pin", max_length=text.PIN),
                    name="pin",
                )
                yield Static("", id="form-message")
                with Horizontal(classes="buttons"):
                    yield Button(_("Save"), id="save", variant="primary")
                    yield Button(_("Set PIN"), id="set-pin")
                    yield Button(_("Reset password"), id="reset-password")
                    yield Button(_("Disable"), id="toggle-active", variant="error")
                with Vertical(id="temporary", classes="-hidden"):
                    yield Static("", id="temporary-text")
                    yield Button(_("Done: hide it"), id="hide-temporary")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#staff-table", DataTable)
        table.add_columns(_("User name"), _("Name"), _("Role"), _("Schools"), _("Status"))
        self._reload()

    # --- data ------------------------------------------------------------------------------

    def _reload(self, select_id: int | None = None) -> None:
        session = self.frontdesk.staff
        assert session is not None

        def done(directory: StaffDirectory) -> None:
            self.accounts, self.schools = directory.accounts, directory.schools
            self._fill_table()
            index = next((i for i, a in enumerate(self.accounts) if a.id == select_id), 0)
            if self.accounts:
                self._show(self.accounts[index])
                # The table highlights its first row as it fills; this highlight comes last.
                self.query_one("#staff-table", DataTable).move_cursor(row=index)

        self.run_service(partial(staff_directory, self.frontdesk.database, session), done)

    def _fill_table(self) -> None:
        table = self.query_one("#staff-table", DataTable)
        table.clear()
        for account in self.accounts:
            state = _("active") if account.active else _("disabled")
            if account.locked:
                state += ", " + _("locked")
            table.add_row(
                account.username,
                account.display_name,
                _(ROLE_NAMES[account.role]),
                ", ".join(account.school_codes),
                state,
                key=str(account.id),
            )

    def _show(self, account: StaffView | None) -> None:
        """Put ``account`` in the form (``None``: an empty form for a new account)."""
        self.selected = account
        self._clear_errors()
        self.query_one("#form-title", Static).update(
            _("New staff account") if account is None else account.username
        )
        username = self.query_one("#username", Input)
        username.value = account.username if account else ""
        username.disabled = account is not None
        self.query_one("#display_name", Input).value = account.display_name if account else ""
        self.query_one("#role", Select).value = (account.role if account else StaffRole.CLERK).value
        schools = self.query_one("#schools", SelectionList)
        schools.clear_options()
        chosen = set(account.school_codes) if account else set()
        schools.add_options(
            [(f"{s.code} {s.name}", s.code, s.code in chosen) for s in self.schools]
        )
        self.query_one("#field-password").display = account is None
        self.query_one("#password", Input).value = ""
        self.query_one("#pin", Input).value = ""
        for button in ("#set-pin", "#reset-password", "#toggle-active"):
            self.query_one(button).display = account is not None
        if account is not None:
            self.query_one("#toggle-active", Button).label = (
                _("Disable") if account.active else _("Enable")
            )

    # --- events ------------------------------------------------------------------------------

    @on(DataTable.RowHighlighted, "#staff-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        key = event.row_key.value
        account = next((a for a in self.accounts if str(a.id) == key), None)
        if account is not None and account != self.selected:
            self._show(account)

    def action_new(self) -> None:
        """An empty form for a new account."""
        self._show(None)
        self.query_one("#username", Input).focus()

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        """Create the new account, or save the selected one's name, role and schools."""
        pin = self.query_one("#pin", Input).value.strip()
        form = StaffForm(
            username=self.query_one("#username", Input).value,
            display_name=self.query_one("#display_name", Input).value,
            role=StaffRole(str(self.query_one("#role", Select).value)),
            school_codes=tuple(self.query_one("#schools", SelectionList).selected),
            password=SecretStr(self.query_one("#password", Input).value),
            pin=SecretStr(pin) if pin else None,
        )
        staff_id = self.selected.id if self.selected is not None else None
        self._write(
            lambda database, session: save_staff_account(database, session, staff_id, form),
            lambda saved_id: self._saved(saved_id, _("Saved.")),
        )

    @on(Button.Pressed, "#set-pin")
    def _set_pin(self) -> None:
        selected = self.selected
        pin = self.query_one("#pin", Input).value.strip()
        if selected is None:
            return
        self._write(
            lambda database, session: set_kiosk_pin(
                database, session, selected.id, SecretStr(pin) if pin else None
            ),
            lambda staff: self._saved(
                staff.id,
                _("PIN set.") if pin else _("PIN removed: this person cannot leave kiosk mode."),
            ),
        )

    @on(Button.Pressed, "#toggle-active")
    def _toggle_active(self) -> None:
        selected = self.selected
        if selected is None:
            return
        self._write(
            lambda database, session: set_account_active(
                database, session, selected.id, not selected.active
            ),
            lambda staff: self._saved(
                staff.id, _("Account enabled.") if staff.active else _("Account disabled.")
            ),
        )

    @on(Button.Pressed, "#reset-password")
    def _reset_password(self) -> None:
        selected = self.selected
        if selected is None:
            return

        def shown(password: str) -> None:
            # Shown once, here only: never logged, never stored readable.
            self.query_one("#temporary-text", Static).update(
                _(
                    "Temporary password for {user}: {password}\n"
                    "Hand it over in person. It will not be shown again; it must be changed "
                    "at the next sign-in."
                ).format(user=selected.username, password=password)
            )
            self.query_one("#temporary").remove_class("-hidden")
            self._reload(selected.id)

        self._write(
            lambda database, session: issue_staff_password(database, session, selected.id), shown
        )

    @on(Button.Pressed, "#hide-temporary")
    def _hide_temporary(self) -> None:
        self.query_one("#temporary-text", Static).update("")
        self.query_one("#temporary").add_class("-hidden")

    # --- helpers -----------------------------------------------------------------------------

    def _write(
        self, change: Callable[[Database, StaffSession], R], done: Callable[[R], None]
    ) -> None:
        """Run one of the staff_admin services as the signed-in administrator."""
        session = self.frontdesk.staff
        assert session is not None
        self._clear_errors()
        self.run_service(partial(change, self.frontdesk.database, session), done, self._refused)

    def _saved(self, staff_id: int, message: str) -> None:
        self.query_one("#password", Input).value = ""
        self.query_one("#pin", Input).value = ""
        self.query_one("#form-message", Static).update(message)
        self._reload(staff_id)

    def _refused(self, error: DomainError) -> None:
        if isinstance(error, FieldErrors):
            for name, message in error.fields.items():
                if name in FORM_FIELDS:
                    self.query_one(f"#field-{name}", Field).show_error(str(message))
        self.query_one("#form-message", Static).update(str(error.message))

    def _clear_errors(self) -> None:
        for field in self.query(Field):
            field.show_error("")
        self.query_one("#form-message", Static).update("")

    def action_back(self) -> None:
        """Back to the desk's home."""
        self.dismiss(None)
