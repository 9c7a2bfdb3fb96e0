"""A request at the counter (V2, V3): the parent beside the school's record, the photo-ID
check, and the decisions.

Keys (also in the footer): the cursor starts in "last 4 of the ID number"; four characters
move on to the expiry date; ``tab`` reaches "name matches" (``space`` ticks it). ``f2``
records the check alone; ``f3`` approves the highlighted child and ``f4`` the whole family
(after one confirmation) — with the form filled in, the check is recorded in the same
transaction. ``f6`` denies and ``f7`` revokes the highlighted child, ``f8`` denies the account;
each asks the reason the parent will read.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from datetime import date

from rich.console import RenderableType
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Checkbox, Input, Select, Static

from frontdesk.db.engine import Database
from frontdesk.db.models import IdType, LinkStatus
from frontdesk.db.uow import UnitOfWork
from frontdesk.errors import AlreadyDecided, DomainError, FieldErrors
from frontdesk.i18n import (
    N_,
    _,
    date_input_pattern,
    format_date,
    format_short_date,
    format_timedelta,
    ngettext,
    parse_date,
)
from frontdesk.i18n import language_name as name_of_language
from frontdesk.services.review import ChildRequest, RequestView, open_request
from frontdesk.services.sessions import StaffSession
from frontdesk.services.verification import (
    IdentityCheckForm,
    approve_family,
    approve_link,
    deny_account,
    deny_link,
    record_identity_check,
    revoke_link,
)
from frontdesk.text import NOTES
from screens.base import BaseScreen
from screens.desk.dialogs import ConfirmDialog, ReasonDialog
from screens.desk.queue_table import QueueTable
from screens.labels import ACCOUNT_STATUSES, LINK_STATUSES
from screens.widgets.field import Field
from screens.widgets.key_footer import KeyFooter
from screens.widgets.password_input import PasswordInput

ID_TYPES = {
    IdType.DRIVER_LICENCE: N_("Driver license"),
    IdType.STATE_ID: N_("State ID"),
    IdType.PASSPORT: N_("Passport"),
    IdType.MILITARY_ID: N_("Military ID"),
    IdType.CONSULAR_ID: N_("Consular ID"),
    IdType.OTHER: N_("Other photo ID"),
}

IDENTIFIERS = {
    "first_name": N_("first name"),
    "last_name": N_("last name"),
    "student_id": N_("student ID"),
    "birthdate": N_("birthdate"),
    "ssn_last4": N_("last 4 of SSN"),
}

PHOTO_SIZE = (16, 20)
"""Photo size in pixels: 16 columns, 10 rows of half-block cells."""


def photo_renderable(data: bytes | None) -> RenderableType:
    """The student's photo as half-block characters, or a plain note when there is none."""
    if not data:
        return Text(_("No photo on file"), style="dim")
    try:
        from PIL import Image
        from rich_pixels import HalfcellRenderer, Pixels

        image = Image.open(io.BytesIO(data)).convert("RGB")
        pixels: RenderableType = Pixels.from_image(
            image, resize=PHOTO_SIZE, renderer=HalfcellRenderer()
        )
        return pixels
    except Exception:
        # A damaged file from the SIS must not stop the desk.
        return Text(_("The photo on file cannot be shown"), style="dim")


@dataclass(frozen=True)
class LoadedRequest:
    """A request as read for the screen, its photos already drawn (off the UI thread)."""

    view: RequestView
    photos: dict[int, RenderableType]
    """Each child's photo by link id."""


def read_request(
    database: Database, staff: StaffSession, parent_id: int, *, disclose: bool
) -> LoadedRequest:
    """Read a request in a worker thread. ``disclose``: the clerk is shown it now (audited);
    otherwise it is a re-read, or a read ahead of the clerk opening it."""
    if disclose:
        with database.write() as uow:
            view = open_request(uow, staff, parent_id)
    else:
        with database.read() as uow:
            view = open_request(uow, staff, parent_id, record_disclosure=False)
    return LoadedRequest(view, {c.link_id: photo_renderable(c.photo) for c in view.children})


@dataclass(frozen=True)
class Decided:
    """A decision went through: what to tell the clerk."""

    message: str


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
        Binding("escape", "back", N_("Back")),
    ]

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
            self._reset_form()
            self._say("")
            self.query_one("#children", QueueTable).set_rows([])
            if self._ahead is not None:
                self._show(self._ahead)
            else:
                self.query_one("#req-title", Static).update(_("Loading the request…"))
                self.query_one("#parent-facts", Static).update("")
                self._show_child(None)

    @property
    def _staff(self) -> StaffSession:
        staff = self.frontdesk.staff
        assert staff is not None, "the desk is only reached signed in"
        return staff

    # --- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(_("Loading the request…"), id="req-title", classes="title")
        with Horizontal(id="req-body"):
            yield Static("", id="parent-facts")
            with Vertical(id="record"):
                # Line-drawn tables (see QueueTable): this screen is redrawn per request.
                yield QueueTable(
                    [
                        (_("Student"), 26),
                        (_("Student ID"), 10),
                        (_("School"), 24),
                        (_("Status"), 10),
                    ],
                    id="children",
                )
                with Horizontal(id="student-row"):
                    yield Static("", id="photo")
                    yield Static("", id="student-facts")
                yield QueueTable(
                    [
                        (_("On the record"), 16),
                        (_("Relationship"), 10),
                        (_("Email"), 19),
                        (_("Phone"), 10),
                        (_("Portal"), 6),
                        (_("This parent?"), 11),
                    ],
                    id="contacts",
                    cursor=False,
                )
        yield Static("", id="decision-message")
        with Horizontal(id="check-form"):
            yield Field(
                _("ID type"),
                Select(
                    [(_(label), kind.value) for kind, label in ID_TYPES.items()],
                    value=IdType.DRIVER_LICENCE.value,
                    allow_blank=False,
                    id="id-type",
                ),
                name="id_type",
            )
            yield Field(
                _("Last 4 of ID number"),
                # Hidden like a password, so the digits never reach a screenshot.
                PasswordInput(id="id-last4", max_length=4),
                name="id_last4",
            )
            yield Field(
                _("Expires ({pattern})").format(pattern=date_input_pattern()),
                Input(id="id-expires"),
                name="id_expires",
            )
            yield Field(
                _("Name on the ID"),
                Checkbox(_("matches"), id="name-matches"),
                name="name_matches",
            )
            yield Field(_("Notes"), Input(id="notes", max_length=NOTES), name="notes")
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
        self.query_one("#parent-facts", Static).update(self._parent_facts(view))
        table = self.query_one("#children", QueueTable)
        cursor_key = self._highlighted_key()
        table.set_rows(
            [
                (
                    str(child.link_id),
                    [
                        child.student_name,
                        child.student_number,
                        child.school_name,
                        _(LINK_STATUSES[child.status]),
                    ],
                )
                for child in view.children
            ]
        )
        wanted = cursor_key or (str(self.focus_link_id) if self.focus_link_id else None)
        for index, child in enumerate(view.children):
            if str(child.link_id) == wanted:
                table.cursor = index
        self._show_child(self._highlighted())

    def _parent_facts(self, view: RequestView) -> Text:
        lines = Text()
        lines.append(_("Parent") + "\n", style="bold")
        relationship = f" ({view.relationship})" if view.relationship else ""
        lines.append(f"{view.name}{relationship}\n")
        lines.append(f"{view.email}\n")
        if view.phone:
            lines.append(f"{view.phone}\n")
        if view.address:
            lines.append(f"{view.address}\n")
        lines.append(_("Account: {status}").format(status=_(ACCOUNT_STATUSES[view.status])) + "\n")
        if view.status_reason:
            lines.append(_("Reason: {reason}").format(reason=view.status_reason) + "\n")
        lines.append(
            _("Language: {language}").format(language=name_of_language(view.language)) + "\n"
        )
        lines.append(
            _("Registered {time} ago at {workstation}").format(
                time=format_timedelta(view.now - view.created_at),
                workstation=view.created_workstation,
            )
            + "\n"
        )
        attempts_style = "bold red" if view.failed_link_attempts or view.rate_limit_hits else ""
        lines.append(
            _("Failed link attempts: {n}").format(n=view.failed_link_attempts) + "\n",
            style=attempts_style,
        )
        lines.append(
            _("Rate-limit hits: {n}").format(n=view.rate_limit_hits) + "\n", style=attempts_style
        )
        lines.append("\n" + _("Photo-ID checks") + "\n", style="bold")
        if not view.checks:
            lines.append(_("None recorded yet") + "\n", style="dim")
        for check in view.checks[:3]:
            verdict = _("name matches") if check.name_matches else _("name does NOT match")
            lines.append(
                _("{kind}, expires {date}, {verdict} — {staff}, {time} ago").format(
                    kind=_(ID_TYPES[check.id_type]),
                    date=format_short_date(check.id_expires),
                    verdict=verdict,
                    staff=check.staff_name,
                    time=format_timedelta(view.now - check.checked_at),
                )
                + "\n",
                style="" if check.name_matches else "bold red",
            )
        if view.other_schools:
            lines.append("\n" + _("Also waiting at another school:") + "\n", style="bold")
            for school in view.other_schools:
                lines.append(f"{school}\n")
        if not view.children and not view.other_schools:
            lines.append("\n" + _("This parent has not asked for a child yet.") + "\n")
        return lines

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
        photo = self.query_one("#photo", Static)
        facts = self.query_one("#student-facts", Static)
        contacts = self.query_one("#contacts", QueueTable)
        if child is None or self.view is None:
            contacts.set_rows([])
            photo.update("")
            facts.update("")
            return
        drawn = self._photos.get(child.link_id)
        photo.update(drawn if drawn is not None else photo_renderable(child.photo))
        text = Text()
        text.append(f"{child.student_name}\n", style="bold")
        text.append(
            _("Student ID {number} · grade {grade}").format(
                number=child.student_number, grade=child.grade
            )
            + "\n"
        )
        text.append(_("Born {date}").format(date=format_date(child.birthdate)) + "\n")
        text.append(f"{child.school_name}\n")
        if not child.active:
            text.append(_("Not actively enrolled") + "\n", style="bold red")
        matched = ", ".join(_(IDENTIFIERS.get(i, i)) for i in child.matched_identifiers)
        text.append(_("Matched: {identifiers}").format(identifiers=matched or "—") + "\n")
        text.append(
            _("Asked {time} ago").format(time=format_timedelta(self.view.now - child.requested_at))
            + "\n"
        )
        text.append(
            _("Failed attempts naming this student: {n} ({day} in 24 h)").format(
                n=child.failed_attempts, day=child.failed_attempts_day
            )
            + "\n",
            style="bold red" if child.failed_attempts else "",
        )
        on_record = child.parent_on_record
        if on_record is None:
            text.append(_("This parent is NOT on the student's record") + "\n", style="bold red")
        elif not on_record.portal_access:
            text.append(_("On the record, but without portal access") + "\n", style="bold red")
        else:
            text.append(_("On the record, with portal access") + "\n", style="green")
        if child.status is not LinkStatus.PENDING:
            text.append(
                _("{status} by {name}").format(
                    status=_(LINK_STATUSES[child.status]), name=child.decided_by or "—"
                )
                + "\n",
                style="bold",
            )
            if child.reason:
                text.append(_("Reason: {reason}").format(reason=child.reason) + "\n")
        facts.update(text)
        matches = {"email": _("yes (email)"), "name": _("yes (name)")}
        contacts.set_rows(
            [
                (
                    str(index),
                    [
                        c.name,
                        c.relationship,
                        c.email or "—",
                        c.phone or "—",
                        _("yes") if c.portal_access else _("no"),
                        matches.get(c.matched_by or "", ""),
                    ],
                )
                for index, c in enumerate(child.contacts)
            ]
        )

    # --- the photo-ID check form ------------------------------------------------------------

    def _form_started(self) -> bool:
        return bool(
            self.query_one("#id-last4", Input).value.strip()
            or self.query_one("#id-expires", Input).value.strip()
        )

    def _clear_errors(self) -> None:
        for field in self.query(Field):
            field.show_error("")

    def _show_field_errors(self, error: FieldErrors) -> None:
        for name, message in error.fields.items():
            fields = self.query(f"#field-{name}")
            if fields:
                fields.first(Field).show_error(str(message))
            else:
                self._say(str(message), error=True)

    def _read_form(self) -> IdentityCheckForm | None:
        """The check as typed, or ``None`` after putting each problem beside its field."""
        self._clear_errors()
        problems: dict[str, str] = {}
        last4 = self.query_one("#id-last4", Input).value.strip()
        if len(last4) != 4 or not last4.isalnum():
            problems["id_last4"] = _("Enter the last 4 characters of the ID number.")
        expires_text = self.query_one("#id-expires", Input).value
        expires: date | None = None
        try:
            expires = parse_date(expires_text)
        except ValueError:
            problems["id_expires"] = _("Enter the date like {pattern}.").format(
                pattern=date_input_pattern()
            )
        if expires is not None and self.view is not None and expires < self.view.now.date():
            problems["id_expires"] = _("This ID has expired. Ask for a valid photo ID.")
        for name, message in problems.items():
            self.query_one(f"#field-{name}", Field).show_error(message)
        if problems or expires is None:
            return None
        return IdentityCheckForm(
            id_type=IdType(str(self.query_one("#id-type", Select).value)),
            id_last4=last4,
            id_expires=expires,
            name_matches=self.query_one("#name-matches", Checkbox).value,
            notes=self.query_one("#notes", Input).value,
        )

    @on(Input.Changed, "#id-last4")
    def _last4_typed(self, event: Input.Changed) -> None:
        if len(event.value) == 4:
            self.query_one("#id-expires", Input).focus()

    @on(Input.Changed, "#id-expires")
    def _expiry_typed(self, event: Input.Changed) -> None:
        # An expired ID is told at once, beside the field, before anything is pressed.
        field = self.query_one("#field-id_expires", Field)
        try:
            expires = parse_date(event.value)
        except ValueError:
            field.show_error("")
            return
        if self.view is not None and expires < self.view.now.date():
            field.show_error(_("This ID has expired. Ask for a valid photo ID."))
        else:
            field.show_error("")

    @on(Input.Submitted, "#id-expires")
    def _to_name_matches(self) -> None:
        self.query_one("#name-matches", Checkbox).focus()

    def _reset_form(self) -> None:
        self.query_one("#id-last4", Input).value = ""
        self.query_one("#id-expires", Input).value = ""
        self.query_one("#notes", Input).value = ""
        self.query_one("#name-matches", Checkbox).value = False
        self._clear_errors()

    # --- decisions -------------------------------------------------------------------------

    def _say(self, message: str, *, error: bool = False) -> None:
        widget = self.query_one("#decision-message", Static)
        widget.update(message)
        widget.set_class(error, "-error")

    def _decide(self, work: object, message: str, *, with_form: bool) -> None:
        """Run a decision (and the check, when the form is filled in) in one transaction."""
        if self._busy or self.view is None:
            return
        form = None
        if with_form and self._form_started():
            form = self._read_form()
            if form is None:
                return
        staff = self._staff
        parent_id = self.parent_id
        database = self.frontdesk.database
        self._busy = True

        def decide(uow: UnitOfWork) -> None:
            if form is not None:
                record_identity_check(uow, staff, parent_id, form)
            work(uow)  # type: ignore[operator]

        def job() -> Decided:
            database.transact(decide)
            return Decided(message)

        self.run_service(job, self._decided, self._refused, group="request-write")

    def _decided(self, result: Decided) -> None:
        self._busy = False
        self._reset_form()
        self._say(result.message)
        self.notify(result.message)
        self.load()

    def _refused(self, error: DomainError) -> None:
        self._busy = False
        if isinstance(error, FieldErrors):
            self._show_field_errors(error)
        if isinstance(error, AlreadyDecided):
            # Another clerk was first: say who, and show the request as it now stands.
            self.load()
        self._say(str(error.message), error=True)
        self.notify(str(error.message), severity="error", timeout=8)

    def action_record_check(self) -> None:
        """Record the photo-ID check alone."""
        if self._busy or self.view is None:
            return
        form = self._read_form()
        if form is None:
            return
        staff = self._staff
        parent_id = self.parent_id
        database = self.frontdesk.database
        self._busy = True

        def job() -> Decided:
            with database.write() as uow:
                record_identity_check(uow, staff, parent_id, form)
            return Decided(_("Photo-ID check recorded."))

        self.run_service(job, self._decided, self._refused, group="request-write")

    def action_approve(self) -> None:
        """Approve the highlighted child's link."""
        child = self._highlighted()
        if child is None:
            return
        staff = self._staff
        self._decide(
            lambda uow: approve_link(uow, staff, child.link_id),
            _("Approved: {student}. The parent gets an email.").format(student=child.student_name),
            with_form=True,
        )

    def action_approve_family(self) -> None:
        """Approve every waiting child of this parent, after one confirmation."""
        if self.view is None or self._busy:
            return
        waiting = [c for c in self.view.children if c.status is LinkStatus.PENDING]
        if not waiting:
            self._say(_("Nothing of this parent waits at your schools."), error=True)
            return
        if self._form_started() and self._read_form() is None:
            return
        lines = [f"• {c.student_name} ({c.student_number}, {c.school_name})" for c in waiting]
        if self._form_started():
            lines.append(_("The photo-ID check in the form is recorded first."))
        staff = self._staff
        parent_id = self.parent_id
        count = len(waiting)
        # Exactly the children listed in the confirmation: not one asked for since.
        link_ids = [c.link_id for c in waiting]

        def answered(yes: bool | None) -> None:
            if yes:
                self._decide(
                    lambda uow: approve_family(uow, staff, parent_id, link_ids),
                    ngettext(
                        "Approved {n} request of {name}. The parent gets an email.",
                        "Approved {n} requests of {name}. The parent gets an email.",
                        count,
                    ).format(n=count, name=self.view.name if self.view else ""),
                    with_form=True,
                )

        self.app.push_screen(
            ConfirmDialog(
                _("Approve the whole family of {name}?").format(name=self.view.name), lines
            ),
            answered,
        )

    def _ask_reason(self, title: str, explanation: str, decide: object, message: str) -> None:
        def answered(reason: str | None) -> None:
            if reason:
                self._decide(
                    lambda uow: decide(uow, reason),  # type: ignore[operator]
                    message,
                    with_form=False,
                )

        self.app.push_screen(ReasonDialog(title, explanation), answered)

    def action_deny(self) -> None:
        """Deny the highlighted child's link, with a reason the parent sees."""
        child = self._highlighted()
        if child is None or self._busy:
            return
        staff = self._staff
        self._ask_reason(
            _("Deny {student}?").format(student=child.student_name),
            _("{parent} will not see this student's records.").format(
                parent=self.view.name if self.view else ""
            ),
            lambda uow, reason: deny_link(uow, staff, child.link_id, reason),
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
        staff = self._staff
        self._ask_reason(
            _("Revoke {student}?").format(student=child.student_name),
            _("The parent stops seeing this student's records at once (e.g. a custody change)."),
            lambda uow, reason: revoke_link(uow, staff, child.link_id, reason),
            _("Revoked: {student}. The parent is told why.").format(student=child.student_name),
        )

    def action_deny_account(self) -> None:
        """Deny the parent's account (and what it waits for at your schools)."""
        if self.view is None or self._busy:
            return
        staff = self._staff
        parent_id = self.parent_id
        self._ask_reason(
            _("Deny the account of {name}?").format(name=self.view.name),
            _("The account cannot be used, and its waiting requests are denied."),
            lambda uow, reason: deny_account(uow, staff, parent_id, reason),
            _("Account denied. The parent is told why."),
        )

    def action_back(self) -> None:
        """Back to the queue."""
        self.app.pop_screen()
