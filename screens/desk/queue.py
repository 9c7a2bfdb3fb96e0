"""The verification queue (V1): what waits for this clerk's schools, filtered as they type.

Focus starts in the filter box: typing narrows the list at once, ``enter`` opens the
highlighted request (the oldest, unless the order is flipped), ``down`` moves into the list.
Reads run in one exclusive worker group, and typing faster than the database answers only
ever runs the newest text (each keystroke waits for the read in flight, then the latest wins).
"""

from __future__ import annotations

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, Label, Static

from frontdesk.db.models import StaffRole
from frontdesk.errors import DomainError
from frontdesk.i18n import N_, _, format_number, format_timedelta, ngettext

# Named here too (explicitly): the staff home reads the queue ahead with them.
from frontdesk.services.desk_queue import QueuePage as QueuePage
from frontdesk.services.desk_queue import read_queue as read_queue
from frontdesk.services.sessions import StaffSession
from frontdesk.text import SEARCH
from screens.base import BaseScreen, installed_screen
from screens.desk.queue_table import QueueTable, widest
from screens.desk.request import RequestScreen
from screens.desk.request_facts import LoadedRequest, read_request
from screens.desk.visits import QueueVisit
from screens.widgets.key_footer import KeyFooter


def queue_school_ids(staff: StaffSession) -> frozenset[int] | None:
    """The schools whose requests ``staff`` sees (``None``: all of them, for an admin)."""
    return None if staff.role is StaffRole.ADMIN else staff.school_ids


class QueueScreen(BaseScreen[None]):
    """The waiting requests of the clerk's schools, oldest first, with a filter box."""

    CSS_PATH = "queue.tcss"
    BINDINGS = [
        Binding("f4", "toggle_order", N_("Oldest/newest first"), priority=True),
        Binding("f5", "reload", N_("Refresh"), priority=True),
        Binding("slash", "focus_filter", N_("Filter"), show=False),
        Binding("escape", "back", N_("Back")),
    ]

    INSTALLED_NAME = "desk-queue"
    """The staff home keeps one queue screen installed and reuses it (see ``prepare``)."""

    visit: QueueVisit
    """What this visit to the queue read and showed; replaced whole by the next
    (``screens.desk.visits``)."""

    def __init__(self) -> None:
        super().__init__()
        self.visit = QueueVisit()

    def prepare(self, page: QueuePage | None) -> None:
        """Start afresh next time this screen comes up (empty filter, oldest first), showing
        ``page`` (the queue the staff home read ahead) at once; a new read follows."""
        self.visit = QueueVisit(page)
        if not self.is_mounted:
            return  # on_mount shows the page
        filter_box = self.query_one("#filter", Input)
        if filter_box.value:
            with self.prevent(Input.Changed):
                filter_box.value = ""
        self.set_focus(filter_box)
        if page is not None:
            self._show(page)
        else:
            # Nothing of the last visit stays on screen: it may be another clerk's queue.
            self.query_one("#queue", QueueTable).set_rows([])
            self.query_one("#queue-summary", Static).update("")
            self.query_one("#queue-empty", Static).update("")

    def end_visit(self) -> None:
        """Forget the queue shown (the clerk signs out): in memory and on screen."""
        self.prepare(None)

    def compose(self) -> ComposeResult:
        yield Static(_("Verification queue"), classes="title")
        yield Static("", id="queue-summary")
        # Above the box, not in it: a placeholder cannot wrap, and this one is cut short in
        # longer languages on a narrow terminal.
        yield Label(
            _("Filter: parent or student name, email, phone, student ID"), id="filter-label"
        )
        yield Input(id="filter", max_length=SEARCH)
        # Fixed widths: the columns do not jump as the filter changes the rows.
        table = QueueTable(
            [
                (_("Waiting"), 10),
                (_("Parent"), 22),
                (_("Student"), widest(26, _("(no child asked for yet)"))),
                (_("Student ID"), 10),
                (_("School"), 22),
                (_("Email"), 24),
            ],
            id="queue",
        )
        yield table
        yield Static("", id="queue-empty")
        yield KeyFooter()

    def on_mount(self) -> None:
        # This screen's focus, not the app's: it may be mounted ahead, behind the staff home.
        self.set_focus(self.query_one("#filter", Input))
        if self.visit.page is not None:
            self._show(self.visit.page)  # on_screen_resume reads it again
        else:
            self.load()

    def on_screen_resume(self) -> None:
        # Back from a request: what was decided leaves the list, and the count with it; the
        # filter is emptied for the next person at the counter (typing adds to nothing).
        # (Nothing shown yet: read.)
        visit = self.visit
        if visit.shown is None and not visit.in_flight and not visit.rows:
            self.load()
        elif visit.shown is not None:
            visit.shown = None
            visit.ahead = None
            filter_box = self.query_one("#filter", Input)
            if filter_box.value:
                with self.prevent(Input.Changed):
                    filter_box.value = ""
            self.set_focus(filter_box)
            self.call_next(self.paint_now)  # the list as read ahead, once restyled
            # Then read it again; not before the painting: a worker's Python would hold the
            # interpreter lock the painting needs.
            self.call_after_refresh(self.load)

    # --- reading ---------------------------------------------------------------------------

    @property
    def _school_ids(self) -> frozenset[int] | None:
        staff = self.frontdesk.staff
        assert staff is not None
        return queue_school_ids(staff)

    def load(self, *, count: bool = False) -> None:
        """Read the queue for the filter's text, unless a read is already on its way; with
        ``count``, the number of links waiting too, whatever the filter."""
        visit = self.visit
        visit.count_asked = visit.count_asked or count
        if visit.in_flight:
            return  # the read in flight looks at the filter again when it lands
        visit.in_flight = True
        text = self.query_one("#filter", Input).value
        newest_first = visit.newest_first
        school_ids = self._school_ids
        need_schools = visit.schools is None
        count, visit.count_asked = visit.count_asked, False
        database = self.frontdesk.database
        self.run_service(
            lambda: read_queue(database, school_ids, text, newest_first, need_schools, count),
            self._show,
            self._failed,
            group="queue-read",
            exclusive=True,
        )

    def _failed(self, error: DomainError) -> None:
        self.visit.in_flight = False
        self.show_error(error)

    def _show(self, page: QueuePage) -> None:
        visit = self.visit
        visit.in_flight = False
        if page.schools is not None:
            visit.schools = page.schools
        if page.waiting is not None:
            visit.waiting = page.waiting
        visit.rows = {row.key: row for row in page.rows}
        schools = visit.schools or {}
        self.query_one("#queue", QueueTable).set_rows(
            [
                (
                    row.key,
                    [
                        format_timedelta(page.now - row.requested_at),
                        row.parent_name,
                        row.student_name or _("(no child asked for yet)"),
                        row.student_number or "",
                        schools.get(row.school_id, "") if row.school_id is not None else "",
                        row.parent_email,
                    ],
                )
                for row in page.rows
            ]
        )
        visit.shown = (page.text, page.newest_first)
        self._summarize(page)
        self.paint_now()  # the clerk is waiting for this list
        # Typing went on while this read ran (or F5 came): read again for the newest text.
        typed = self.query_one("#filter", Input).value
        if (typed, visit.newest_first) != visit.shown or visit.count_asked:
            self.load()

    def _summarize(self, page: QueuePage) -> None:
        order = _("newest first") if page.newest_first else _("oldest first")
        waiting = self.visit.waiting or 0
        summary = ngettext(
            "{n} link waiting for verification", "{n} links waiting for verification", waiting
        ).format(n=format_number(waiting))
        self.query_one("#queue-summary", Static).update(f"{summary} · {order}")
        empty = self.query_one("#queue-empty", Static)
        if page.rows:
            empty.update("")
        elif page.text.strip():
            empty.update(_("Nothing waiting matches “{text}”.").format(text=page.text.strip()))
        else:
            empty.update(_("Nothing is waiting. Well done."))

    # --- keys ------------------------------------------------------------------------------

    @on(Input.Changed, "#filter")
    def _filter_changed(self) -> None:
        self.load()

    @on(Input.Submitted, "#filter")
    def _open_highlighted(self) -> None:
        self.open_request(self.query_one("#queue", QueueTable).cursor_key)

    @on(QueueTable.Highlighted, "#queue")
    def _cursor_moved(self) -> None:
        # Once the list is painted (see on_screen_resume).
        self.call_after_refresh(self._read_ahead)

    def _read_ahead(self) -> None:
        """Read the highlighted request now, so ``enter`` shows it at once."""
        visit = self.visit
        row = visit.rows.get(self.query_one("#queue", QueueTable).cursor_key or "")
        if row is None or (visit.ahead is not None and visit.ahead.view.parent_id == row.parent_id):
            return
        if visit.reading_ahead:
            return  # the read on its way looks at the cursor again when it lands
        visit.reading_ahead = True
        staff = self.frontdesk.staff
        assert staff is not None
        database = self.frontdesk.database
        parent_id = row.parent_id

        def keep(loaded: LoadedRequest) -> None:
            visit.reading_ahead = False
            visit.ahead = loaded
            self._read_ahead()  # the cursor may have moved on meanwhile

        def failed(_error: DomainError) -> None:
            visit.reading_ahead = False  # opening it reads it again and tells what went wrong

        self.run_service(
            lambda: read_request(database, staff, parent_id, disclose=False),
            keep,
            failed,
            group="request-ahead",
        )

    @on(QueueTable.Selected, "#queue")
    def _row_selected(self, event: QueueTable.Selected) -> None:
        self.open_request(event.key)

    def on_key(self, event: events.Key) -> None:
        filter_box = self.query_one("#filter", Input)
        if event.key == "down" and filter_box.has_focus:
            self.query_one("#queue", QueueTable).focus()

    def open_request(self, key: str | None) -> None:
        """Open the request of the row ``key``."""
        row = self.visit.rows.get(key or "")
        if row is None:
            return
        screen = installed_screen(self.app, RequestScreen, RequestScreen.INSTALLED_NAME)
        screen.prepare(row.parent_id, focus_link_id=row.link_id, ahead=self.visit.ahead)
        self.app.push_screen(screen)

    def action_toggle_order(self) -> None:
        """Flip between oldest first and newest first."""
        self.visit.newest_first = not self.visit.newest_first
        self.load()

    def action_reload(self) -> None:
        """Read the queue again, and the number of links waiting."""
        self.load(count=True)

    def action_focus_filter(self) -> None:
        """Put the cursor in the filter box."""
        self.query_one("#filter", Input).focus()

    def action_back(self) -> None:
        """Back to the staff home."""
        self.app.pop_screen()
