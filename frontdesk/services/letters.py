"""Letter codes at the desk (L1): a clerk lists a student's guardians and their letters,
issues a letter for one guardian, or revokes a live one; the request view shows the letter a
link was made with.

A letter code mailed to a guardian on a student's record links that student
(:mod:`frontdesk.services.letter_redemption`); ``frontdesk letters`` issues them for a whole
school (:mod:`frontdesk.services.letter_batch`). The code itself and a letter's state are in
:mod:`frontdesk.services.letter_codes`, issuing and the printed page in
:mod:`frontdesk.services.letter_issuing`. Every issue, print and revocation is audited, never
with the code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from frontdesk.db.models import Contact, LetterCode, Student
from frontdesk.db.uow import UnitOfWork
from frontdesk.errors import DomainError, NotAllowed
from frontdesk.i18n import Msg
from frontdesk.services.audit import Actor, AuditAction, record
from frontdesk.services.letter_codes import LetterState, letter_state
from frontdesk.services.letter_issuing import (
    Issuer,
    account_languages,
    issue_codes,
    letter_page,
    letterhead,
    lock_contacts,
    page_language,
)
from frontdesk.services.letter_pdf import write_letters
from frontdesk.services.sessions import DECIDERS, StaffSession, current_staff

if TYPE_CHECKING:
    from frontdesk.db.engine import Database

# --- answers ---------------------------------------------------------------------------------


class LetterNotFound(DomainError):
    """No such letter, contact or student (gone since the desk read it)."""

    def __init__(self) -> None:
        super().__init__(Msg("That letter or contact is no longer on record."))


class NoPortalAccess(DomainError):
    """The roster says this contact may not have portal access."""

    def __init__(self) -> None:
        super().__init__(
            Msg("This contact has no portal access on the student's record: no letter code.")
        )


class StudentNotActive(DomainError):
    """The student left the roster: no new letter."""

    def __init__(self) -> None:
        super().__init__(Msg("This student is no longer enrolled: no letter code."))


class LetterNotActive(DomainError):
    """Only a live letter can be revoked."""

    def __init__(self) -> None:
        super().__init__(
            Msg("This letter can no longer be revoked: it was used, revoked, or has expired.")
        )


# --- what the desk sees ----------------------------------------------------------------------


@dataclass(frozen=True)
class LetterView:
    """One letter as the desk lists it (never its code)."""

    id: int
    contact_id: int | None
    student_id: int
    guardian_name: str
    issued_at: datetime
    issued_by: str
    """The staff member's name, or ``cli:<login>`` for ``frontdesk letters``."""
    in_bulk: bool
    expires_at: datetime
    used_at: datetime | None
    used_by_parent_id: int | None
    link_id: int | None
    revoked_at: datetime | None
    revoked_by: str | None
    """Who revoked it at the desk; ``None`` when a newer letter replaced it."""
    replaced: bool
    state: LetterState


def _view(letter: LetterCode, now: datetime) -> LetterView:
    return LetterView(
        id=letter.id,
        contact_id=letter.contact_id,
        student_id=letter.student_id,
        guardian_name=letter.guardian_name,
        issued_at=letter.issued_at,
        issued_by=letter.issued_by_name,
        in_bulk=letter.in_bulk,
        expires_at=letter.expires_at,
        used_at=letter.used_at,
        used_by_parent_id=letter.used_by_id,
        link_id=letter.link_id,
        revoked_at=letter.revoked_at,
        revoked_by=letter.revoked_by.display_name if letter.revoked_by else None,
        replaced=letter.replaced_by_id is not None,
        state=letter_state(letter, now),
    )


@dataclass(frozen=True)
class GuardianLetters:
    """A contact with portal access on the student's record, and the letters sent to them."""

    contact_id: int
    name: str
    relationship: str
    letters: list[LetterView]
    """Newest first."""

    @property
    def current(self) -> LetterView | None:
        """The letter that works now, if one does."""
        first = self.letters[0] if self.letters else None
        return first if first is not None and first.state is LetterState.ACTIVE else None


@dataclass(frozen=True)
class StudentLetters:
    """The letters of one student's guardians, for the desk."""

    student_id: int
    student_name: str
    school_name: str
    guardians: list[GuardianLetters]
    """The contacts with portal access, in the record's order."""
    now: datetime


def _staff_student(uow: UnitOfWork, session: StaffSession, student_id: int) -> Student:
    current_staff(uow, session, *DECIDERS)
    student = uow.session.get(Student, student_id)
    if student is None:
        raise LetterNotFound()
    if not session.serves(student.school_id):
        raise NotAllowed()
    return student


def list_letters(uow: UnitOfWork, session: StaffSession, student_id: int) -> StudentLetters:
    """In ``uow``: the student's guardians with portal access and their letters."""
    student = _staff_student(uow, session, student_id)
    contacts = uow.session.scalars(
        select(Contact)
        .where(Contact.student_id == student.id, Contact.portal_access.is_(True))
        .order_by(Contact.id)
    ).all()
    letters: dict[int, list[LetterView]] = {c.id: [] for c in contacts}
    now = uow.now()
    for letter in uow.session.scalars(
        select(LetterCode)
        .where(LetterCode.student_id == student.id, LetterCode.contact_id.is_not(None))
        .order_by(LetterCode.issued_at.desc(), LetterCode.id.desc())
    ):
        if letter.contact_id in letters:
            letters[letter.contact_id].append(_view(letter, now))
    return StudentLetters(
        student_id=student.id,
        student_name=f"{student.first_name} {student.last_name}",
        school_name=student.school.name,
        guardians=[
            GuardianLetters(
                contact_id=c.id,
                name=f"{c.first_name} {c.last_name}",
                relationship=c.relationship,
                letters=letters[c.id],
            )
            for c in contacts
        ],
        now=now,
    )


def student_letters(database: Database, session: StaffSession, student_id: int) -> StudentLetters:
    """The letters of a student's guardians, for the desk (:func:`list_letters`)."""
    with database.read() as uow:
        return list_letters(uow, session, student_id)


# --- issuing and revoking --------------------------------------------------------------------


def issue_for_contact(
    uow: UnitOfWork, session: StaffSession, contact_id: int, out: Path
) -> LetterView:
    """In ``uow``: a clerk issues a letter for one guardian and writes its page to ``out``."""
    staff = current_staff(uow, session, *DECIDERS)
    locked = lock_contacts(uow, [contact_id])
    if not locked:
        raise LetterNotFound()
    contact = locked[0]
    student = _staff_student(uow, session, contact.student_id)
    if not contact.portal_access:
        raise NoPortalAccess()
    if not student.active:
        raise StudentNotActive()
    issuer = Issuer(Actor.staff(staff), staff.id, staff.display_name, in_bulk=False)
    (issued,) = issue_codes(uow, [contact], issuer)
    language = page_language(
        uow.settings, account_languages(uow, [contact.email]).get(contact.email or "")
    )
    head = letterhead(uow)
    write_letters(head, [letter_page(head, issued, contact, student, language)], out)
    record(
        uow,
        issuer.actor,
        AuditAction.LETTER_PRINT,
        ("letter", issued.letter.id),
        student_id=student.id,
        pages=1,
        language=language,
    )
    return _view(issued.letter, uow.now())


def issue_letter(
    database: Database, session: StaffSession, contact_id: int, out: Path
) -> LetterView:
    """A clerk issues a letter code for a guardian (a contact with portal access) and gets
    its one-page letter at ``out``, in one transaction: a page that cannot be written issues
    nothing. The letter before it for the same guardian and student is replaced."""
    return database.transact(lambda uow: issue_for_contact(uow, session, contact_id, out))


def revoke(uow: UnitOfWork, session: StaffSession, letter_id: int) -> LetterView:
    """In ``uow``: a clerk revokes a live letter."""
    staff = current_staff(uow, session, *DECIDERS)
    letter = uow.session.scalar(
        select(LetterCode)
        .where(LetterCode.id == letter_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if letter is None:
        raise LetterNotFound()
    _staff_student(uow, session, letter.student_id)
    if letter_state(letter, uow.now()) is not LetterState.ACTIVE:
        raise LetterNotActive()
    letter.revoked_at = uow.now()
    letter.revoked_by = staff
    record(
        uow,
        Actor.staff(staff),
        AuditAction.LETTER_REVOKE,
        ("letter", letter.id),
        student_id=letter.student_id,
        contact_id=letter.contact_id,
    )
    uow.session.flush()
    return _view(letter, uow.now())


def revoke_letter(database: Database, session: StaffSession, letter_id: int) -> LetterView:
    """A clerk revokes a letter not used yet: its code links nothing any more."""
    with database.write() as uow:
        return revoke(uow, session, letter_id)


# --- what the desk's request view shows of a letter -----------------------------------------


@dataclass(frozen=True)
class LetterEvidence:
    """The letter a link was made with, shown on the request (N1)."""

    letter_id: int
    guardian_name: str
    relationship: str | None
    issued_at: datetime
    issued_by: str
    used_at: datetime


def letter_evidence(uow: UnitOfWork, link_ids: Sequence[int]) -> dict[int, LetterEvidence]:
    """The letter used for each of ``link_ids`` that was made with one, by link id."""
    if not link_ids:
        return {}
    found: dict[int, LetterEvidence] = {}
    for letter in uow.session.scalars(
        select(LetterCode)
        .where(LetterCode.link_id.in_(list(link_ids)), LetterCode.used_at.is_not(None))
        .order_by(LetterCode.used_at)
    ):
        assert letter.link_id is not None and letter.used_at is not None
        found[letter.link_id] = LetterEvidence(
            letter_id=letter.id,
            guardian_name=letter.guardian_name,
            relationship=letter.relationship or None,
            issued_at=letter.issued_at,
            issued_by=letter.issued_by_name,
            used_at=letter.used_at,
        )
    return found
