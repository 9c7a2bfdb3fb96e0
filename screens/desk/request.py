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
from dataclasses import replace

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
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
from frontdesk.services.sessions import StaffSession
from screens.base import BaseScreen
from screens.desk.dialogs import ConfirmDialog, ReasonDialog
from screens.desk.id_check_form import IdCheckForm
from screens.desk.queue_table import QueueTable
from screens.desk.request_facts import LoadedRequest, RequestFacts, read_request
from screens.desk.visits import RequestVisit
from screens.widgets.key_footer import KeyFooter


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

    visit: RequestVisit
    """What this visit to a request showed; replaced whole by the next (``screens.desk.visits``)."""

    def __init__(self, parent_id: int = 0, *, focus_link_id: int | None = None) -> None:
        super().__init__()
        self.visit = RequestVisit(parent_id, focus_link_id, opening=bool(parent_id))

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
        if ahead is not None and ahead.view.parent_id != parent_id:
            ahead = None
        self.show_visit(RequestVisit(parent_id, focus_link_id, ahead, opening=True))

    def end_visit(self) -> None:
        """Forget the request shown (the clerk signs out): in memory and on screen."""
        self.show_visit(RequestVisit())

    def show_visit(self, visit: RequestVisit) -> None:
        """Go on with ``visit``, a new one, in place of the last: the widgets are emptied of
        the last one (the form too) and show what ``visit`` read ahead, if anything."""
        self.visit = visit
        if not self.is_mounted:
            return  # built from the visit when first shown (on_screen_resume)
        self._form.reset(whole=True)
        self._say("")
        self._facts.forget()
        if visit.ahead is not None:
            self._show(visit.ahead)
        else:
            self.query_one("#req-title", Static).update(_("Loading the request…"))

    @property
    def view(self) -> RequestView | None:
        """The request on screen (``None`` while it is read)."""
        return self.visit.loaded.view if self.visit.loaded is not None else None

    @property
    def _form(self) -> IdCheckForm:
        return self.query_one("#check-form", IdCheckForm)

    @property
    def _facts(self) -> RequestFacts:
        return self.query_one("#req-body", RequestFacts)

    @property
    def _staff(self) -> StaffSession:
        staff = self.frontdesk.staff
        assert staff is not None, "the desk is only reached signed in"
        return staff

    # --- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(_("Loading the request…"), id="req-title", classes="title")
        yield RequestFacts(id="req-body")
        yield Static("", id="decision-message")
        yield IdCheckForm(id="check-form")
        yield KeyFooter()

    def on_screen_resume(self) -> None:
        # Also called when a dialog of this screen closes: only a new request is read.
        visit = self.visit
        if not visit.opening:
            return
        visit.opening = False
        self.set_focus(self.query_one("#id-last4", Input))
        if visit.ahead is None:
            self.load(disclose=True)
            return
        if visit.loaded is None:
            self._show(visit.ahead)  # first time up: prepared before it was mounted
        # The request as the clerk asked for it, once Textual has restyled the screen.
        self.call_next(self.paint_now)
        # Then read it again (and record the disclosure).
        self.call_after_refresh(self.load, disclose=True)

    # --- reading ---------------------------------------------------------------------------

    def load(self, *, disclose: bool = False) -> None:
        """Read the request (opening it is a disclosure of student data, so it is audited)."""
        staff = self._staff
        parent_id = self.visit.parent_id
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
        self.visit.loaded = loaded
        waited = format_timedelta(view.now - view.waiting_since)
        self.query_one("#req-title", Static).update(
            _("Request of {name} — waiting {time}").format(name=view.name, time=waited)
        )
        self._form.today = view.now.date()
        # The cursor stays on its child; on a new request, it starts on the queue's.
        focus = self.visit.focus_link_id
        self._facts.show(loaded, self._facts.cursor_key or (str(focus) if focus else None))

    def _highlighted(self) -> ChildRequest | None:
        return self._facts.highlighted(self.view)

    @on(QueueTable.Highlighted, "#children")
    def _child_highlighted(self) -> None:
        self._facts.show_child(self._highlighted(), self.visit.loaded)

    # --- decisions -------------------------------------------------------------------------

    def _say(self, message: str, *, error: bool = False) -> None:
        widget = self.query_one("#decision-message", Static)
        widget.update(message)
        widget.set_class(error, "-error")

    def _decide(self, decision: Decision, message: str, *, with_form: bool) -> None:
        """Decide (and record the check, when the form is filled in) in one service call."""
        if self.visit.busy or self.view is None:
            return
        check: TypedIdentityCheck | None = None
        if with_form and self._form.started:
            check = self._form.checked(self.view.now.date())
            if check is None:
                return
        parent_id = self.visit.parent_id
        self._run(
            lambda database, staff: decide(database, staff, parent_id, decision, check),
            message,
        )

    def _run(self, work: Callable[[Database, StaffSession], object], message: str) -> None:
        """Make the service call ``work`` in a worker; ``message`` tells the clerk it is done."""
        staff = self._staff
        database = self.frontdesk.database
        self.visit.busy = True

        def job() -> str:
            work(database, staff)
            return message  # what to tell the clerk

        self.run_service(job, self._decided, self._refused, group="request-write")

    def _decided(self, message: str) -> None:
        self.visit.busy = False
        self._form.reset()
        self._say(message)
        self.notify(message)
        self.load()

    def _refused(self, error: DomainError) -> None:
        self.visit.busy = False
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
        if self.visit.busy or self.view is None:
            return
        check = self._form.checked(self.view.now.date())
        if check is None:
            return
        parent_id = self.visit.parent_id
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
        if view is None or self.visit.busy:
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
        if child is None or self.visit.busy:
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
        if child is None or self.visit.busy:
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
        if self.view is None or self.visit.busy:
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
