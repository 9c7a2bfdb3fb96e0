"""The facts a clerk weighs on the request view (``RequestFacts``): the parent and their
account (left), and the highlighted child's photo, school record and contacts on record (right).

Each widget is handed plain data from ``frontdesk.services.review`` and draws it; none reads
the database. The photos are drawn off the UI thread when the request is read
(:func:`read_request`), so moving between children only swaps drawings.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime

from rich.console import RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from frontdesk.db.engine import Database
from frontdesk.db.models import LinkStatus
from frontdesk.i18n import _, format_date, format_short_date, format_timedelta
from frontdesk.i18n import language_name as name_of_language
from frontdesk.services.review import ChildRequest, RequestView
from frontdesk.services.review import read_request as read_request_view
from frontdesk.services.sessions import StaffSession
from screens.desk.letters import issuer
from screens.desk.queue_table import QueueTable, widest
from screens.labels import ACCOUNT_STATUSES, ID_TYPES, IDENTIFIERS, LINK_STATUSES

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
    """Read a request in a worker thread and draw its photos. ``disclose``: the clerk is shown
    it now (audited); otherwise it is a re-read, or a read ahead of the clerk opening it."""
    view = read_request_view(database, staff, parent_id, disclose=disclose)
    return LoadedRequest(view, {c.link_id: photo_renderable(c.photo) for c in view.children})


class RequestFacts(Horizontal):
    """The parent's facts beside the school's record: the children asked for, and the
    highlighted one's photo, record and contacts. It draws what it is handed and keeps
    nothing else (the request view's visit holds the request)."""

    def compose(self) -> ComposeResult:
        with Vertical(id="parent-box"):  # scrolls when the facts are longer than it
            yield ParentFacts("", id="parent-facts")
        with Vertical(id="record"):
            # Line-drawn tables (see QueueTable): this screen is redrawn per request.
            yield ChildrenTable(id="children")
            with Horizontal(id="student-row"):
                yield StudentPhoto("", id="photo")
                yield StudentFacts("", id="student-facts")
            yield ContactsTable(id="contacts")

    @property
    def cursor_key(self) -> str | None:
        """The key (link id) of the highlighted child."""
        return self.query_one("#children", ChildrenTable).cursor_key

    def show(self, loaded: LoadedRequest, cursor_key: str | None) -> None:
        """Draw ``loaded``, the cursor on the child whose key is ``cursor_key`` (if listed)."""
        self.query_one("#parent-facts", ParentFacts).show(loaded.view)
        self.query_one("#children", ChildrenTable).show(loaded.view.children, cursor_key)
        self.show_child(self.highlighted(loaded.view), loaded)

    def highlighted(self, view: RequestView | None) -> ChildRequest | None:
        """The child of ``view`` under the cursor."""
        key = self.cursor_key
        if view is None or key is None:
            return None
        return next((c for c in view.children if str(c.link_id) == key), None)

    def show_child(self, child: ChildRequest | None, loaded: LoadedRequest | None) -> None:
        """Draw ``child``'s photo, record and contacts (nothing for ``None``)."""
        photo = self.query_one("#photo", StudentPhoto)
        facts = self.query_one("#student-facts", StudentFacts)
        contacts = self.query_one("#contacts", ContactsTable)
        if child is None or loaded is None:
            photo.forget()
            facts.forget()
            contacts.forget()
            return
        photo.show(child, loaded.photos.get(child.link_id))
        facts.show(child, loaded.view.now)
        contacts.show(child)

    def forget(self) -> None:
        """Show no request."""
        self.query_one("#parent-facts", ParentFacts).forget()
        self.query_one("#children", ChildrenTable).set_rows([])
        self.show_child(None, None)


class ParentFacts(Static):
    """The parent, their account (status, attempts, rate limits) and the photo-ID checks."""

    def show(self, view: RequestView) -> None:
        """Draw ``view``'s parent and account."""
        self.update(self._facts(view))

    def forget(self) -> None:
        """Show nothing (no request is shown)."""
        self.update("")

    @staticmethod
    def _facts(view: RequestView) -> Text:
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


class StudentPhoto(Static):
    """The highlighted child's photo from the school's record."""

    def show(self, child: ChildRequest, drawn: RenderableType | None = None) -> None:
        """Show ``child``'s photo: ``drawn`` when it was drawn already, else drawn now."""
        self.update(drawn if drawn is not None else photo_renderable(child.photo))

    def forget(self) -> None:
        """Show nothing (no child is highlighted)."""
        self.update("")


class StudentFacts(Static):
    """The highlighted child's school record, what matched, and how the link stands."""

    def show(self, child: ChildRequest, now: datetime) -> None:
        """Draw ``child`` as of ``now``."""
        self.update(self._facts(child, now))

    def forget(self) -> None:
        """Show nothing (no child is highlighted)."""
        self.update("")

    @staticmethod
    def _facts(child: ChildRequest, now: datetime) -> Text:
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
            _("Asked {time} ago").format(time=format_timedelta(now - child.requested_at)) + "\n"
        )
        letter = child.letter
        if letter is not None:
            # L1: the code reached the address on record; the clerk decides on it.
            guardian = letter.guardian_name + (
                f" ({letter.relationship})" if letter.relationship else ""
            )
            text.append(
                _("Letter code mailed to {guardian}, issued {date} by {staff}, used {used}").format(
                    guardian=guardian,
                    date=format_short_date(letter.issued_at.date()),
                    staff=issuer(letter.issued_by),
                    used=format_short_date(letter.used_at.date()),
                )
                + "\n",
                style="bold green",
            )
            if child.status is LinkStatus.PENDING:
                text.append(_("The letter is the proof: no photo-ID check is needed.") + "\n")
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
        return text


class ChildrenTable(QueueTable):
    """The children this parent asked for at the clerk's schools, and how each stands."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(
            [
                (_("Student"), 26),
                (_("Student ID"), 10),
                (_("School"), 24),
                (_("Status"), widest(10, *(_(label) for label in LINK_STATUSES.values()))),
            ],
            id=id,
        )

    def show(self, children: list[ChildRequest], cursor_key: str | None) -> None:
        """List ``children``, the cursor on the one whose key is ``cursor_key`` (if listed)."""
        self.set_rows(
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
                for child in children
            ]
        )
        for index, child in enumerate(children):
            if str(child.link_id) == cursor_key:
                self.cursor = index


class ContactsTable(QueueTable):
    """The contacts on the highlighted child's record, and which of them is this parent."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(
            [
                (_("On the record"), 16),
                (_("Relationship"), 10),
                (_("Email"), 19),
                (_("Phone"), 10),
                (_("Portal"), widest(6, _("yes"), _("no"))),
                (_("This parent?"), widest(11, _("yes (email)"), _("yes (name)"))),
            ],
            id=id,
            cursor=False,
        )

    def forget(self) -> None:
        """List nothing (no child is highlighted)."""
        self.set_rows([])

    def show(self, child: ChildRequest) -> None:
        """List ``child``'s contacts."""
        matches = {"email": _("yes (email)"), "name": _("yes (name)")}
        self.set_rows(
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
