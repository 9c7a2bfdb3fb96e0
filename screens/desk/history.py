"""The desk's history (A3): every identity check, decision and disclosure; filter; export.

The filters answer as they are typed (reads in one exclusive worker group, the newest text
wins); ``f5`` writes what the filters select to a CSV file and says where.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Input, Static

from frontdesk.config import data_home
from frontdesk.errors import DomainError, FieldErrors
from frontdesk.i18n import (
    N_,
    _,
    date_input_pattern,
    format_number,
    format_short_datetime,
    ngettext,
    parse_date,
)
from frontdesk.services.history import (
    Exported,
    HistoryFilter,
    HistoryRow,
    export_history,
    read_history,
)
from frontdesk.text import SEARCH
from screens.base import BaseScreen
from screens.widgets.field import Field
from screens.widgets.key_footer import KeyFooter

ACTIONS = {
    "identity.check": N_("photo-ID check"),
    "link.approve": N_("link approved"),
    "link.deny": N_("link denied"),
    "link.revoke": N_("link revoked"),
    "account.approve": N_("account approved"),
    "account.deny": N_("account denied"),
    "student.disclose": N_("student record shown"),
}


def export_folder() -> Path:
    """Where the desk writes its exports."""
    return data_home() / "exports"


class HistoryScreen(BaseScreen[None]):
    """Decisions and identity checks, newest first, with filters and a CSV export."""

    CSS_PATH = "history.tcss"
    BINDINGS = [
        Binding("f5", "export", N_("Export CSV"), priority=True),
        Binding("escape", "back", N_("Back")),
    ]

    def __init__(self, *, folder: Path | None = None) -> None:
        super().__init__()
        self.folder = folder or export_folder()
        self._in_flight = False
        self._shown: HistoryFilter | None = None

    def compose(self) -> ComposeResult:
        yield Static(_("Desk history"), classes="title")
        with Horizontal(id="history-filters"):
            yield Field(_("Parent"), Input(id="parent", max_length=SEARCH), name="parent")
            yield Field(
                _("Student or student ID"), Input(id="student", max_length=SEARCH), name="student"
            )
            yield Field(_("Staff"), Input(id="staff", max_length=SEARCH), name="staff")
            pattern = date_input_pattern()
            yield Field(
                _("From ({pattern})").format(pattern=pattern), Input(id="since"), name="since"
            )
            yield Field(
                _("To ({pattern})").format(pattern=pattern), Input(id="until"), name="until"
            )
        table: DataTable[str] = DataTable(id="history", cursor_type="row", zebra_stripes=True)
        table.add_column(_("When"), key="at")
        table.add_column(_("What"), key="action")
        table.add_column(_("Staff"), key="staff")
        table.add_column(_("Workstation"), key="workstation")
        table.add_column(_("Parent"), key="parent")
        table.add_column(_("Students"), key="students")
        table.add_column(_("Reason"), key="reason")
        yield table
        yield Static("", id="history-summary")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#parent", Input).focus()
        self.load()

    def _filter(self) -> HistoryFilter | None:
        """The filters as typed, or ``None`` after marking a date that is not one."""
        dates: dict[str, date | None] = {}
        bad = False
        for name in ("since", "until"):
            text = self.query_one(f"#{name}", Input).value.strip()
            field = self.query_one(f"#field-{name}", Field)
            try:
                dates[name] = parse_date(text) if text else None
                field.show_error("")
            except ValueError:
                bad = True
                field.show_error(
                    _("Enter the date like {pattern}.").format(pattern=date_input_pattern())
                )
        if bad:
            return None
        return HistoryFilter(
            parent=self.query_one("#parent", Input).value,
            student=self.query_one("#student", Input).value,
            staff=self.query_one("#staff", Input).value,
            since=dates["since"],
            until=dates["until"],
        )

    def load(self) -> None:
        """Read the history for the filters, unless a read is on its way already."""
        if self._in_flight:
            return
        wanted = self._filter()
        if wanted is None:
            return
        self._in_flight = True
        database = self.frontdesk.database
        self.run_service(
            lambda: (wanted, read_history(database, wanted)),
            self._show,
            self._failed,
            group="history-read",
            exclusive=True,
        )

    def _failed(self, error: DomainError) -> None:
        self._in_flight = False
        if isinstance(error, FieldErrors):  # a filter no history can match (too long…)
            for name, message in error.fields.items():
                self.query_one(f"#field-{name}", Field).show_error(str(message))
        else:
            self.show_error(error)

    def _show(self, result: tuple[HistoryFilter, list[HistoryRow]]) -> None:
        self._in_flight = False
        for name in ("parent", "student", "staff"):
            self.query_one(f"#field-{name}", Field).show_error("")
        wanted, rows = result
        table = self.query_one("#history", DataTable)
        table.clear()
        for row in rows:
            parent = f"{row.parent_name} <{row.parent_email}>" if row.parent_email else ""
            table.add_row(
                format_short_datetime(row.at),
                _(ACTIONS.get(row.action, row.action)),
                row.staff,
                row.workstation,
                parent,
                row.students,
                row.reason,
            )
        self.query_one("#history-summary", Static).update(
            ngettext(
                "{n} event shown (newest first)", "{n} events shown (newest first)", len(rows)
            ).format(n=format_number(len(rows)))
        )
        self._shown = wanted
        if self._filter() != wanted:
            self.load()

    @on(Input.Changed)
    def _filters_changed(self) -> None:
        self.load()

    def action_export(self) -> None:
        """Write what the filters select to a CSV file, and say where."""
        wanted = self._filter()
        if wanted is None:
            return
        database = self.frontdesk.database
        folder = self.folder
        self.run_service(
            lambda: export_history(database, wanted, folder), self._exported, group="history-export"
        )

    def _exported(self, result: Exported) -> None:
        message = ngettext(
            "Exported {n} event to {path}", "Exported {n} events to {path}", result.rows
        ).format(n=format_number(result.rows), path=result.path)
        self.query_one("#history-summary", Static).update(message)
        self.notify(message)

    def action_back(self) -> None:
        """Back to the staff home."""
        self.app.pop_screen()
