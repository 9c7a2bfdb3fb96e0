"""A request at the counter (V2, V3): the parent beside the school's record, the photo-ID
check, and the decisions.

Keys (also in the footer): the cursor starts in the photo-ID check form (``id_check_form``).
``f2`` records the check alone; ``f3`` approves the highlighted child and ``f4`` the whole
family (after one confirmation) — with the form filled in, the check is recorded in the same
transaction. ``f6`` denies and ``f7`` revokes the highlighted child, ``f8`` denies the account;
each asks the reason the parent will read. ``f9`` opens the highlighted child's letter codes
(L1: issue, revoke). Each decision is one call of
``frontdesk.services.decisions``; the facts on screen are drawn by ``request_facts``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from rich.console import RenderableType
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Static

from frontdesk.db.engine import Database
from frontdesk.db.models import LinkStatus
from frontdesk.errors import AlreadyDecided, DomainError, FieldErrors
from frontdesk.i18n import N_, _, format_timedelta, ngettext
from frontdesk.services.decisions import (
    Approve,
    ApproveFamily,
    Decision,
    Deny,
    DenyAccount,
    Revoke,
    TypedIdentityCheck,
    decide,
    record_check,
)
from frontdesk.services.review import ChildRequest, RequestView
from frontdesk.services.review import read_request as read_request_view
from frontdesk.services.sessions import StaffSession
from screens.base import BaseScreen
from screens.desk.dialogs import ConfirmDialog, ReasonDialog
from screens.desk.id_check_form import IdCheckForm
from screens.desk.queue_table import QueueTable
from screens.desk.request_facts import (
    ChildrenTable,
    ContactsTable,
    ParentFacts,
    StudentFacts,
    StudentPhoto,
    photo_renderable,
)
from screens.widgets.key_footer import KeyFooter


@dataclass(frozen=True)
class LoadedRequest:
    """A request as read for the screen, its photos already drawn (off the UI thread)."""

    view: RequestView
    photos: dict[int, RenderableType]
    """Each child's photo by link id."""


def read_request(
    database: Database, staff: StaffSession, parent_id: int, *, disclose: bool
) -> LoadedRequest:
    """Read a request in a worker thread and draw its photos. ``disclose``: the clerk is shown
    it now (audited); otherwise it is a re-read, or a read ahead of the clerk opening it."""
    view = read_request_view(database, staff, parent_id, disclose=disclose)
    return LoadedRequest(view, {c.link_id: photo_renderable(c.photo) for c in view.children})


class RequestScreen(BaseScreen[None]):
    """One parent's request: details, the school's record, the photo-ID check, decisions."""

    CSS_PATH = "request.tcss"
    BINDINGS = [
        Binding("f2", "record_check", N_("Record check"), priority=True),
        Binding("f3", "approve", N_("Approve"), priority=True),
        Binding("f4", "approve_family", N_("Approve family"), priority=True),
        Binding("f6", "deny", N_("Deny"), priority=True),
        Binding("f7", "revoke", N_("Revoke"), priority=True),
        Binding("f8", "deny_account", N_("Deny account"), priority=True),
        Binding("f9", "letters", N_("Letter codes"), priority=True),
        Binding("escape", "back", N_("Back")),
    ]

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    """Under 100 columns the parent's facts, the record and the check form are stacked, and
    the screen scrolls (request.tcss)."""

    INSTALLED_NAME = "desk-request"
    """The queue keeps one request screen installed and reuses it: building this many
    widgets for every request would cost the clerk a visible pause each time."""

    def __init__(self, parent_id: int = 0, *, focus_link_id: int | None = None) -> None:
        super().__init__()
        self.parent_id = parent_id
        self.focus_link_id = focus_link_id
        self.view: RequestView | None = None
        self._photos: dict[int, RenderableType] = {}
        self._ahead: LoadedRequest | None = None
        self._busy = False
        self._opening = bool(parent_id)

    def prepare(
        self,
        parent_id: int,
        *,
        focus_link_id: int | None = None,
        ahead: LoadedRequest | None = None,
    ) -> None:
        """Show ``parent_id``'s request next time this screen comes up, nothing of the last.

        ``ahead``, the request read while the clerk looked at the queue, is shown at once; the
        read that records the disclosure follows and replaces it if anything changed.
        """
        self.parent_id = parent_id
        self.focus_link_id = focus_link_id
        self._opening = True
        self._busy = False  # an answer dropped when the clerk left never landed
        self.view = None
        self._ahead = ahead if ahead is not None and ahead.view.parent_id == parent_id else None
        if self.is_mounted:
            self._form.reset()
            self._say("")
            self.query_one("#children", QueueTable).set_rows([])
            if self._ahead is not None:
                self._show(self._ahead)
            else:
                self.query_one("#req-title", Static).update(_("Loading the request…"))
                self.query_one("#parent-facts", ParentFacts).forget()
                self._show_child(None)

    @property
    def _form(self) -> IdCheckForm:
        return self.query_one("#check-form", IdCheckForm)

    @property
    def _staff(self) -> StaffSession:
        staff = self.frontdesk.staff
        assert staff is not None, "the desk is only reached signed in"
        return staff

    # --- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(_("Loading the request…"), id="req-title", classes="title")
        with Horizontal(id="req-body"):
            with Vertical(id="parent-box"):  # scrolls when the facts are longer than it
                yield ParentFacts("", id="parent-facts")
            with Vertical(id="record"):
                # Line-drawn tables (see QueueTable): this screen is redrawn per request.
                yield ChildrenTable(id="children")
                with Horizontal(id="student-row"):
                    yield StudentPhoto("", id="photo")
                    yield StudentFacts("", id="student-facts")
                yield ContactsTable(id="contacts")
        yield Static("", id="decision-message")
        yield IdCheckForm(id="check-form")
        yield KeyFooter()

    def on_screen_resume(self) -> None:
        # Also called when a dialog of this screen closes: only a new request is read.
        if self._opening:
            self._opening = False
            self.set_focus(self.query_one("#id-last4", Input))
            if self._ahead is not None and self.view is None:
                self._show(self._ahead)  # first time up: prepared before it was mounted
            if self._ahead is not None:
                # The request as the clerk asked for it, once Textual has restyled the screen.
                self.call_next(self.paint_now)
                # Then read it again (and record the disclosure).
                self.call_after_refresh(self.load, disclose=True)
            else:
                self.load(disclose=True)
            self._ahead = None

    # --- reading ---------------------------------------------------------------------------

    def load(self, *, disclose: bool = False) -> None:
        """Read the request (opening it is a disclosure of student data, so it is audited)."""
        staff = self._staff
        parent_id = self.parent_id
        database = self.frontdesk.database
        self.run_service(
            lambda: read_request(database, staff, parent_id, disclose=disclose),
            self._show,
            self._not_disclosed if disclose else None,
            group="request-read",
            exclusive=True,
        )

    def _not_disclosed(self, error: DomainError) -> None:
        # The disclosure could not be recorded: what was read ahead must not stay on screen.
        self.show_error(error)
        if self.is_current:
            self.action_back()

    def _show(self, loaded: LoadedRequest) -> None:
        view = loaded.view
        if self.view is not None and replace(view, now=self.view.now) == self.view:
            return  # as shown already (read ahead): nothing to redraw
        self.view = view
        self._photos = loaded.photos
        waited = format_timedelta(view.now - view.waiting_since)
        self.query_one("#req-title", Static).update(
            _("Request of {name} — waiting {time}").format(name=view.name, time=waited)
        )
        self.query_one("#parent-facts", ParentFacts).show(view)
        self._form.today = view.now.date()
        # The cursor stays on its child; on a new request, it starts on the queue's.
        wanted = self._highlighted_key() or (
            str(self.focus_link_id) if self.focus_link_id else None
        )
        self.query_one("#children", ChildrenTable).show(view.children, wanted)
        self._show_child(self._highlighted())

    def _highlighted_key(self) -> str | None:
        return self.query_one("#children", QueueTable).cursor_key

    def _highlighted(self) -> ChildRequest | None:
        key = self._highlighted_key()
        if self.view is None or key is None:
            return None
        return next((c for c in self.view.children if str(c.link_id) == key), None)

    @on(QueueTable.Highlighted, "#children")
    def _child_highlighted(self) -> None:
        self._show_child(self._highlighted())

    def _show_child(self, child: ChildRequest | None) -> None:
        photo = self.query_one("#photo", StudentPhoto)
        facts = self.query_one("#student-facts", StudentFacts)
        contacts = self.query_one("#contacts", ContactsTable)
        if child is None or self.view is None:
            photo.forget()
            facts.forget()
            contacts.forget()
            return
        photo.show(child, self._photos.get(child.link_id))
        facts.show(child, self.view.now)
        contacts.show(child)

    # --- decisions -------------------------------------------------------------------------

    def _say(self, message: str, *, error: bool = False) -> None:
        widget = self.query_one("#decision-message", Static)
        widget.update(message)
        widget.set_class(error, "-error")

    def _decide(self, decision: Decision, message: str, *, with_form: bool) -> None:
        """Decide (and record the check, when the form is filled in) in one service call."""
        if self._busy or self.view is None:
            return
        check: TypedIdentityCheck | None = None
        if with_form and self._form.started:
            check = self._form.checked(self.view.now.date())
            if check is None:
                return
        parent_id = self.parent_id
        self._run(
            lambda database, staff: decide(database, staff, parent_id, decision, check),
            message,
        )

    def _run(self, work: Callable[[Database, StaffSession], object], message: str) -> None:
        """Make the service call ``work`` in a worker; ``message`` tells the clerk it is done."""
        staff = self._staff
        database = self.frontdesk.database
        self._busy = True

        def job() -> str:
            work(database, staff)
            return message  # what to tell the clerk

        self.run_service(job, self._decided, self._refused, group="request-write")

    def _decided(self, message: str) -> None:
        self._busy = False
        self._form.reset()
        self._say(message)
        self.notify(message)
        self.load()

    def _refused(self, error: DomainError) -> None:
        self._busy = False
        message = error.message
        if isinstance(error, FieldErrors):
            elsewhere = self._form.show_problems(error.fields)
            if elsewhere:  # no field on screen for it (a denial's reason): say it plainly
                message = next(iter(elsewhere.values()))
        if isinstance(error, AlreadyDecided):
            # Another clerk was first: say who, and show the request as it now stands.
            self.load()
        self._say(str(message), error=True)
        self.notify(str(message), severity="error", timeout=8)

    def action_record_check(self) -> None:
        """Record the photo-ID check alone."""
        if self._busy or self.view is None:
            return
        check = self._form.checked(self.view.now.date())
        if check is None:
            return
        parent_id = self.parent_id
        self._run(
            lambda database, staff: record_check(database, staff, parent_id, check),
            _("Photo-ID check recorded."),
        )

    def action_approve(self) -> None:
        """Approve the highlighted child's link."""
        child = self._highlighted()
        if child is None:
            return
        self._decide(
            Approve(child.link_id),
            _("Approved: {student}. The parent gets an email.").format(student=child.student_name),
            with_form=True,
        )

    def action_approve_family(self) -> None:
        """Approve every waiting child of this parent, after one confirmation."""
        view = self.view
        if view is None or self._busy:
            return
        waiting = [c for c in view.children if c.status is LinkStatus.PENDING]
        if not waiting:
            self._say(_("Nothing of this parent waits at your schools."), error=True)
            return
        form_filled = self._form.started
        if form_filled and self._form.checked(view.now.date()) is None:
            return
        lines = [f"• {c.student_name} ({c.student_number}, {c.school_name})" for c in waiting]
        if form_filled:
            lines.append(_("The photo-ID check in the form is recorded first."))
        count = len(waiting)
        # Exactly the children listed in the confirmation: not one asked for since.
        decision = ApproveFamily(tuple(c.link_id for c in waiting))

        def answered(yes: bool | None) -> None:
            if yes:
                self._decide(
                    decision,
                    ngettext(
                        "Approved {n} request of {name}. The parent gets an email.",
                        "Approved {n} requests of {name}. The parent gets an email.",
                        count,
                    ).format(n=count, name=view.name),
                    with_form=True,
                )

        self.app.push_screen(
            ConfirmDialog(_("Approve the whole family of {name}?").format(name=view.name), lines),
            answered,
        )

    def _ask_reason(
        self, title: str, explanation: str, decision: Callable[[str], Decision], message: str
    ) -> None:
        def answered(reason: str | None) -> None:
            if reason:
                self._decide(decision(reason), message, with_form=False)

        self.app.push_screen(ReasonDialog(title, explanation), answered)

    def action_deny(self) -> None:
        """Deny the highlighted child's link, with a reason the parent sees."""
        child = self._highlighted()
        if child is None or self._busy:
            return
        link_id = child.link_id
        self._ask_reason(
            _("Deny {student}?").format(student=child.student_name),
            _("{parent} will not see this student's records.").format(
                parent=self.view.name if self.view else ""
            ),
            lambda reason: Deny(link_id, reason),
            _("Denied: {student}. The parent is told why.").format(student=child.student_name),
        )

    def action_revoke(self) -> None:
        """Take back the highlighted child's approved link (a custody change)."""
        child = self._highlighted()
        if child is None or self._busy:
            return
        if child.status is not LinkStatus.APPROVED:
            self._say(_("Only an approved link can be revoked."), error=True)
            return
        link_id = child.link_id
        self._ask_reason(
            _("Revoke {student}?").format(student=child.student_name),
            _("The parent stops seeing this student's records at once (e.g. a custody change)."),
            lambda reason: Revoke(link_id, reason),
            _("Revoked: {student}. The parent is told why.").format(student=child.student_name),
        )

    def action_deny_account(self) -> None:
        """Deny the parent's account (and what it waits for at your schools)."""
        if self.view is None or self._busy:
            return
        self._ask_reason(
            _("Deny the account of {name}?").format(name=self.view.name),
            _("The account cannot be used, and its waiting requests are denied."),
            DenyAccount,
            _("Account denied. The parent is told why."),
        )

    def action_letters(self) -> None:
        """The highlighted child's letter codes: issue one for a guardian, or revoke one."""
        child = self._highlighted()
        if child is None:
            return
        self.app.push_screen(
            self.frontdesk.new_screen("letters", child.student_id, child.student_number)
        )

    def action_back(self) -> None:
        """Back to the queue."""
        self.app.pop_screen()
