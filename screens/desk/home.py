"""What a signed-in staff member sees first: who they are, what waits, and the desk's areas.

Each area of the desk (the verification queue, the support desk, district settings…) is one
entry of ``DESK_AREAS``: a key, a title, the roles that see it, and the name of the screen it
opens (the app makes it: ``Host.new_screen``).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Button, Static

from frontdesk.db.models import StaffRole
from frontdesk.errors import DomainError
from frontdesk.i18n import N_, _, format_number, ngettext
from frontdesk.services.desk_queue import DeskSummary, desk_summary, warm_queue
from screens.base import BaseScreen, ScreenName, installed_screen
from screens.desk.queue import QueuePage, QueueScreen, queue_school_ids, read_queue
from screens.desk.request import RequestScreen
from screens.labels import ROLE_NAMES
from screens.widgets.key_footer import KeyFooter


@dataclass(frozen=True)
class DeskArea:
    """One area of the desk, shown to the roles that may use it."""

    key: str
    """Also the id of its button (``area-<key>``)."""
    title: str
    """An English msgid (translated when shown)."""
    roles: frozenset[StaffRole]
    screen: ScreenName


DECIDERS = frozenset({StaffRole.CLERK, StaffRole.ADMIN})

DESK_AREAS: list[DeskArea] = [
    DeskArea("queue", N_("Verification queue"), DECIDERS, "queue"),
    DeskArea("history", N_("Desk history"), DECIDERS, "history"),
    DeskArea(
        "support", N_("Support desk"), frozenset({StaffRole.SUPPORT, StaffRole.ADMIN}), "support"
    ),
    DeskArea(
        "settings", N_("Parent Registration settings"), frozenset({StaffRole.ADMIN}), "settings"
    ),
    DeskArea("staff", N_("Staff accounts"), frozenset({StaffRole.ADMIN}), "staff-accounts"),
]
"""The desk's areas, in menu order."""


class StaffHomeScreen(BaseScreen[None]):
    """The signed-in staff member, their schools, the requests waiting, and the way in."""

    BINDINGS = [Binding("ctrl+o", "sign_out", N_("Sign out"))]

    def __init__(self) -> None:
        super().__init__()
        self._queue_page: QueuePage | None = None
        """The queue's first page, read while the clerk looks at this screen."""
        self._reading_ahead = False

    def compose(self) -> ComposeResult:
        staff = self.frontdesk.staff
        assert staff is not None
        with Vertical(classes="notice"):
            yield Static(
                _("Signed in as {name} ({role})").format(
                    name=staff.display_name, role=_(ROLE_NAMES[staff.role])
                ),
                id="who",
            )
            yield Static("", id="schools")
            yield Static("", id="waiting")
        with Vertical(id="areas"):
            for area in DESK_AREAS:
                if staff.role in area.roles:
                    yield Button(_(area.title), id=f"area-{area.key}")
        yield KeyFooter()

    def on_mount(self) -> None:
        staff = self.frontdesk.staff
        assert staff is not None
        school_ids = staff.school_ids if staff.role is StaffRole.CLERK else None
        database = self.frontdesk.database
        self.run_service(lambda: desk_summary(database, school_ids), self._show)
        if staff.role in DECIDERS:
            self._warm_queue_search()
        else:
            self.frontdesk.settle_heap()

    def _warm_queue_search(self) -> None:
        """Build the queue's search snapshot now, so the clerk's first filter answers at once,
        and read the queue's first page, so it opens at once."""
        database = self.frontdesk.database
        school_ids = self._queue_school_ids()

        def warmed(page: QueuePage) -> None:
            self._queue_page = page
            # Built now, while the clerk reads this screen: the first request at the counter
            # opens as fast as the next ones.
            queue = installed_screen(self.app, QueueScreen, QueueScreen.INSTALLED_NAME)
            queue.prepare(page)
            installed_screen(self.app, QueueScreen, QueueScreen.INSTALLED_NAME, mount=True)
            installed_screen(self.app, RequestScreen, RequestScreen.INSTALLED_NAME, mount=True)
            self.frontdesk.settle_heap()

        self.run_service(
            lambda: warm_queue(database, school_ids),
            warmed,
            lambda _error: None,
            group="queue-warm",
        )

    def _queue_school_ids(self) -> frozenset[int] | None:
        staff = self.frontdesk.staff
        assert staff is not None
        return queue_school_ids(staff)

    def on_screen_resume(self) -> None:
        # Back from an area: read the queue again, so it opens with what waits now.
        if self._queue_page is None:
            return  # not warmed yet (or not a desk that decides)
        if self._reading_ahead:
            return
        self._reading_ahead = True
        database = self.frontdesk.database
        school_ids = self._queue_school_ids()

        def keep(page: QueuePage) -> None:
            self._reading_ahead = False
            self._queue_page = page
            if page.waiting is not None:
                self._show_waiting(page.waiting)  # decided meanwhile: the count follows

        def failed(_error: DomainError) -> None:
            self._reading_ahead = False  # the queue reads again when it opens, and says so

        self.call_after_refresh(
            self.run_service,
            lambda: read_queue(database, school_ids),
            keep,
            failed,
            group="queue-ahead",
        )

    def _open_queue(self) -> None:
        """Show the installed queue screen, with the first page read ahead."""
        screen = installed_screen(self.app, QueueScreen, QueueScreen.INSTALLED_NAME)
        screen.prepare(self._queue_page)
        self.app.push_screen(screen)

    def _show(self, summary: DeskSummary) -> None:
        staff = self.frontdesk.staff
        clerk = staff is not None and staff.role is StaffRole.CLERK
        label = ", ".join(summary.school_names) if clerk else _("All schools")
        self.query_one("#schools", Static).update(_("Schools: {names}").format(names=label))
        self._show_waiting(summary.waiting)

    def _show_waiting(self, waiting: int) -> None:
        self.query_one("#waiting", Static).update(
            ngettext(
                "{n} request waiting for verification",
                "{n} requests waiting for verification",
                waiting,
            ).format(n=format_number(waiting))
        )

    @on(Button.Pressed, "#areas Button")
    def _open_area(self, event: Button.Pressed) -> None:
        key = (event.button.id or "").removeprefix("area-")
        if key == "queue":
            self._open_queue()  # kept installed: it opens on every request at the counter
            return
        area = next(a for a in DESK_AREAS if a.key == key)
        self.app.push_screen(self.frontdesk.new_screen(area.screen))

    def action_sign_out(self) -> None:
        """Sign out and return to the sign-in screen, leaving nothing of this clerk's work for
        the next: the kept queue and request screens end their visits, and what was notified
        goes too."""
        self.frontdesk.staff = None
        for name in (QueueScreen.INSTALLED_NAME, RequestScreen.INSTALLED_NAME):
            if self.app.is_screen_installed(name):
                kept = self.app.get_screen(name)
                if isinstance(kept, QueueScreen | RequestScreen):
                    kept.end_visit()
        self.app.clear_notifications()
        self.app.switch_screen(self.frontdesk.new_screen("staff-sign-in"))
