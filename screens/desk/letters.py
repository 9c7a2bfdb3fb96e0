"""A student's letter codes at the desk (L1): each guardian with portal access on the record,
their newest letter (issued when, by whom, valid until when, used or not), and every letter
sent to the highlighted one.

Keys (also in the footer): ``f2`` issues a letter for the highlighted guardian and says where
its page was written, to be printed (a live letter is replaced: asked first); ``f7`` revokes
the guardian's live letter, after a confirmation. Each is one call of
``frontdesk.services.letters``; the list is read again after it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from frontdesk.config import data_home
from frontdesk.db.engine import Database
from frontdesk.errors import DomainError
from frontdesk.i18n import N_, Msg, _, format_short_date, format_short_datetime
from frontdesk.services.letter_codes import LetterState
from frontdesk.services.letters import (
    GuardianLetters,
    LetterView,
    StudentLetters,
    issue_letter,
    revoke_letter,
    student_letters,
)
from frontdesk.services.sessions import StaffSession
from screens.base import BaseScreen
from screens.desk.dialogs import ConfirmDialog
from screens.desk.queue_table import QueueTable
from screens.widgets.key_footer import KeyFooter


def letters_folder() -> Path:
    """Where the desk writes the letters it issues, for the clerk to print."""
    return data_home() / "letters"


def issuer(name: str) -> str:
    """Who issued a letter, as the service names them: a staff member, or ``cli:<login>`` for
    an operator's bulk print (``frontdesk letters``)."""
    if name.startswith("cli:"):
        return _("{name} (printed in bulk)").format(name=name.removeprefix("cli:"))
    return name


def state_text(letter: LetterView) -> str:
    """Where ``letter`` stands, said with its date: used or not, and why it no longer works."""
    match letter.state:
        case LetterState.ACTIVE:
            return _("not used yet")
        case LetterState.USED:
            used = letter.used_at
            return _("used {date}").format(date=format_short_date(used.date()) if used else "—")
        case LetterState.EXPIRED:
            return _("expired, never used")
        case LetterState.REPLACED:
            return _("replaced by a newer letter")
        case LetterState.REVOKED:
            revoked = letter.revoked_at
            return _("revoked {date} by {name}").format(
                date=format_short_date(revoked.date()) if revoked else "—",
                name=letter.revoked_by or "—",
            )


class GuardiansTable(QueueTable):
    """The guardians with portal access, and how the newest letter of each stands."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(
            [
                (_("Guardian"), 20),
                (_("Relationship"), 12),
                (_("Issued"), 20),  # "10/31/2026, 12:30 PM", the whole year
                (_("By"), 16),
                (_("Valid until"), 11),
                (_("Letter"), 30),
            ],
            id=id,
        )

    def show(self, guardians: list[GuardianLetters], cursor_key: str | None) -> None:
        """List ``guardians``, the cursor back on the one whose key is ``cursor_key``."""
        rows = []
        for guardian in guardians:
            newest = guardian.letters[0] if guardian.letters else None
            if newest is None:
                cells = ["—", "—", "—", _("no letter yet")]
            else:
                cells = [
                    format_short_datetime(newest.issued_at),
                    issuer(newest.issued_by),
                    format_short_date(newest.expires_at.date()),
                    state_text(newest),
                ]
            rows.append((str(guardian.contact_id), [guardian.name, guardian.relationship, *cells]))
        self.set_rows(rows)
        keys = [key for key, _cells in rows]
        if cursor_key in keys:
            self.cursor = keys.index(cursor_key)


class LettersScreen(BaseScreen[None]):
    """One student's letter codes: issue, revoke, and what each guardian was sent."""

    CSS_PATH = "letters.tcss"
    BINDINGS = [
        Binding("f2", "issue", N_("Issue letter"), priority=True),
        Binding("f7", "revoke", N_("Revoke letter"), priority=True),
        Binding("escape", "back", N_("Back")),
    ]

    def __init__(self, student_id: int, student_number: str, *, folder: Path | None = None) -> None:
        super().__init__()
        self.student_id = student_id
        self.student_number = student_number
        self.folder = folder or letters_folder()
        self.letters: StudentLetters | None = None
        self._busy = False

    @property
    def _staff(self) -> StaffSession:
        staff = self.frontdesk.staff
        assert staff is not None, "the desk is only reached signed in"
        return staff

    def compose(self) -> ComposeResult:
        yield Static(_("Letter codes"), id="letters-title", classes="title")
        yield Static(
            _(
                "A letter code lets a guardian on the record link this student from home. "
                "F2 issues a letter for the highlighted guardian (a new letter replaces the "
                "one before); F7 revokes it."
            ),
            id="letters-hint",
        )
        yield GuardiansTable(id="guardians")
        yield Static("", id="letter-history")
        yield Static("", id="letter-message")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#guardians", GuardiansTable).focus()
        self.load()

    # --- reading ---------------------------------------------------------------------------

    def load(self) -> None:
        """Read the student's guardians and their letters."""
        staff, student_id = self._staff, self.student_id
        database = self.frontdesk.database
        self.run_service(
            lambda: student_letters(database, staff, student_id),
            self._show,
            group="letters-read",
            exclusive=True,
        )

    def _show(self, letters: StudentLetters) -> None:
        self.letters = letters
        self.query_one("#letters-title", Static).update(
            _("Letter codes of {student} ({school})").format(
                student=letters.student_name, school=letters.school_name
            )
        )
        table = self.query_one("#guardians", GuardiansTable)
        table.show(letters.guardians, table.cursor_key)
        if not letters.guardians:
            self._say(_("No contact on this student's record has portal access."), error=True)
        self._show_history()

    def _highlighted(self) -> GuardianLetters | None:
        key = self.query_one("#guardians", GuardiansTable).cursor_key
        if self.letters is None or key is None:
            return None
        return next((g for g in self.letters.guardians if str(g.contact_id) == key), None)

    @on(QueueTable.Highlighted, "#guardians")
    def _show_history(self) -> None:
        """Every letter sent to the highlighted guardian, newest first."""
        guardian = self._highlighted()
        history = Text()
        if guardian is not None:
            history.append(
                _("Letters sent to {guardian}").format(guardian=guardian.name) + "\n", style="bold"
            )
            if not guardian.letters:
                history.append(_("None yet") + "\n", style="dim")
            for letter in guardian.letters:
                history.append(
                    _("Issued {date} by {name}, valid until {until}: {state}").format(
                        date=format_short_datetime(letter.issued_at),
                        name=issuer(letter.issued_by),
                        until=format_short_date(letter.expires_at.date()),
                        state=state_text(letter),
                    )
                    + "\n",
                    style="bold" if letter.state is LetterState.ACTIVE else "",
                )
        self.query_one("#letter-history", Static).update(history)

    # --- issuing and revoking ----------------------------------------------------------------

    def _say(self, message: str, *, error: bool = False) -> None:
        widget = self.query_one("#letter-message", Static)
        widget.update(message)
        widget.set_class(error, "-error")

    def _run(
        self,
        work: Callable[[Database, StaffSession], LetterView],
        said: Callable[[LetterView], str],
    ) -> None:
        """Make the service call ``work`` in a worker; ``said`` words its answer for the clerk."""
        staff, database = self._staff, self.frontdesk.database
        self._busy = True

        def done(letter: LetterView) -> None:
            self._busy = False
            message = said(letter)
            self._say(message)
            self.notify(message, timeout=10)
            self.load()

        self.run_service(lambda: work(database, staff), done, self._refused, group="letters")

    def _refused(self, error: DomainError) -> None:
        self._busy = False
        self._say(str(error.message), error=True)
        self.notify(str(error.message), severity="error", timeout=8)
        self.load()  # what stands now (another clerk may have acted)

    def action_issue(self) -> None:
        """Issue a letter for the highlighted guardian (asked first when it replaces one)."""
        guardian = self._highlighted()
        if guardian is None or self._busy:
            return
        contact_id, name = guardian.contact_id, guardian.name
        out = self.folder / f"{self.student_number}-{contact_id}.pdf"

        def issue(database: Database, staff: StaffSession) -> LetterView:
            try:
                return issue_letter(database, staff, contact_id, out)
            except OSError as error:  # nothing was issued: the transaction rolled back
                raise DomainError(
                    Msg("The letter could not be written to {path}: nothing was issued.", path=out)
                ) from error

        def issued(letter: LetterView) -> str:
            return _("Letter issued for {guardian}, valid until {date}. Print it: {path}").format(
                guardian=name, date=format_short_date(letter.expires_at.date()), path=out
            )

        current = guardian.current
        if current is None:
            self._run(issue, issued)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._run(issue, issued)

        self.app.push_screen(
            ConfirmDialog(
                _("Issue a new letter for {guardian}?").format(guardian=name),
                [
                    _("The letter issued {date} stops working: only the new one will.").format(
                        date=format_short_datetime(current.issued_at)
                    )
                ],
            ),
            answered,
        )

    def action_revoke(self) -> None:
        """Revoke the highlighted guardian's live letter, after a confirmation."""
        guardian = self._highlighted()
        if guardian is None or self._busy:
            return
        current = guardian.current
        if current is None:
            self._say(
                _("{guardian} has no letter that still works.").format(guardian=guardian.name),
                error=True,
            )
            return
        letter_id, name = current.id, guardian.name

        def revoke(database: Database, staff: StaffSession) -> LetterView:
            return revoke_letter(database, staff, letter_id)

        def revoked(letter: LetterView) -> str:
            return _("Letter of {guardian} revoked: its code no longer works.").format(
                guardian=name
            )

        def answered(yes: bool | None) -> None:
            if yes:
                self._run(revoke, revoked)

        self.app.push_screen(
            ConfirmDialog(
                _("Revoke the letter of {guardian}?").format(guardian=name),
                [
                    _("Issued {date} by {name}, valid until {until}.").format(
                        date=format_short_datetime(current.issued_at),
                        name=issuer(current.issued_by),
                        until=format_short_date(current.expires_at.date()),
                    ),
                    _("Its code stops working at once."),
                ],
            ),
            answered,
        )

    def action_back(self) -> None:
        """Back to the request."""
        self.app.pop_screen()
