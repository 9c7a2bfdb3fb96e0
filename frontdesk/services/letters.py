"""Letter codes (L1): a code mailed to a guardian on a student's record links that student.

A clerk issues a letter for one guardian at the desk (and can revoke it); ``frontdesk
letters`` issues them for a whole school (:mod:`frontdesk.services.letter_batch`). Receiving
the letter at the address the school has on record proves what the in-person check proves,
for a district that accepts mail as proof: the code links the student it names to whatever
account the guardian makes, approved at once or waiting for a clerk as the district chooses
(``letter_codes_approve_links``).

The guards: 74 random bits, kept only as a keyed digest; one use; an expiry; at most one live
letter per guardian and student (a new one replaces the old; the contact's row is locked, and
a partial unique index holds the rule); wrong codes count as failed child links against the
account and the workstation, in the same atomic step as the look-up (``ratelimit.reached``).
Every issue, print, use, revocation and refusal is audited, never with the code.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Final

from sqlalchemy import select, update

from frontdesk.db.models import (
    AccountStatus,
    Contact,
    LetterCode,
    LinkStatus,
    ParentAccount,
    Student,
    StudentLink,
)
from frontdesk.db.uow import UnitOfWork
from frontdesk.district_settings import DistrictSettings
from frontdesk.errors import (
    AccountNotApproved,
    DomainError,
    FieldErrors,
    LinkAlreadyExists,
    NotAllowed,
)
from frontdesk.i18n import Msg, shipped_languages
from frontdesk.services import ratelimit
from frontdesk.services.audit import Actor, AuditAction, record
from frontdesk.services.letter_pdf import Letterhead, LetterPage, write_letters
from frontdesk.services.linking import (
    LinkedStudent,
    NamedLimit,
    account_limits,
    refuse_if_limited,
    student_photo,
)
from frontdesk.services.passwords import CLOSED
from frontdesk.services.ratelimit import AttemptKind
from frontdesk.services.sessions import ParentSession, StaffSession, current_parent, current_staff
from frontdesk.services.verification import DECIDERS, activate_account, lock_account

if TYPE_CHECKING:
    from frontdesk.db.engine import Database

# --- the code --------------------------------------------------------------------------------

CODE_ALPHABET: Final = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
"""Digits and capitals without the ones read alike: no 0/O, no 1/I/L (31 symbols)."""
CODE_LENGTH: Final = 15
"""15 symbols of 31: 74 bits."""
CODE_GROUP: Final = 5
CODE_PATTERN_HINT: Final = "XXXXX-XXXXX-XXXXX"
LETTER_CODE: Final = "letter_code"
"""What a link made with a letter lists as its matched identifiers."""
_DROPPED: Final = dict.fromkeys(map(ord, " -_\t\u00a0\u2010\u2011\u2012\u2013\u2014\u2212"))
"""Spaces and dashes (typed, or pasted from a phone) a code may be written with."""
_MOST_TYPED: Final = 64


def new_code() -> str:
    """A new random code, bare (``format_code`` groups it for reading)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def format_code(code: str) -> str:
    """``code`` in groups for reading aloud: ``K7QM4-HXT2R-9WCPD``."""
    return "-".join(code[i : i + CODE_GROUP] for i in range(0, len(code), CODE_GROUP))


def normalize_code(typed: str) -> str | None:
    """The bare code a person typed (any case, with or without spaces and dashes), or
    ``None`` when it cannot be one: not 15 symbols of the alphabet."""
    if len(typed) > _MOST_TYPED:
        return None
    code = typed.translate(_DROPPED).upper()
    if len(code) != CODE_LENGTH or not set(code) <= set(CODE_ALPHABET):
        return None
    return code


def code_digest(uow: UnitOfWork, code: str) -> str:
    """How a (bare) code is stored and looked up: a keyed digest under the district key."""
    return uow.runtime.keyring.digest("letter-code-v1", code)


def letter_url(portal_url: str, code: str) -> str:
    """The web address a letter's QR code holds: the parent screens with the code filled in."""
    return f"{portal_url.rstrip('/')}/?code={format_code(code)}"


CODE_FORMAT = Msg("A letter code has 15 letters and digits, like {example}.")


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


class LetterCodeRefused(DomainError):
    """A code typed by a parent that links nothing; counted and audited."""

    recorded = True
    reason: str = ""


class LetterCodeUnknown(LetterCodeRefused):
    """No letter has this code."""

    reason = "unknown"

    def __init__(self) -> None:
        super().__init__(
            Msg("This letter code is not right. Check what you typed, or see the front office.")
        )


class LetterCodeUsed(LetterCodeRefused):
    """The code was used before (by anyone)."""

    reason = "used"

    def __init__(self) -> None:
        super().__init__(
            Msg(
                "This letter code has already been used. Each code works once. If you did "
                "not use it, please see the front office."
            )
        )


class LetterCodeExpired(LetterCodeRefused):
    """Past its expiry."""

    reason = "expired"

    def __init__(self) -> None:
        super().__init__(
            Msg(
                "This letter code has expired. Ask the school for a new letter, or see the "
                "front office."
            )
        )


class LetterCodeRevoked(LetterCodeRefused):
    """Revoked at the desk, or its guardian or student left the roster."""

    reason = "revoked"

    def __init__(self) -> None:
        super().__init__(
            Msg("This letter code was cancelled by the school. Please see the front office.")
        )


class LetterCodeReplaced(LetterCodeRefused):
    """A newer letter for the same guardian and student replaced it."""

    reason = "replaced"

    def __init__(self) -> None:
        super().__init__(
            Msg("A newer letter replaced this one. Use the code in the newest letter you received.")
        )


class LetterLinkRefused(DomainError):
    """The school denied or took back this student on this account: a letter does not undo
    a clerk's decision (the code stays unused)."""

    def __init__(self) -> None:
        super().__init__(
            Msg(
                "The school did not approve this child on your account. Please see the front "
                "office."
            )
        )


# --- what the desk sees ----------------------------------------------------------------------


class LetterState(StrEnum):
    """Where a letter stands."""

    ACTIVE = "active"
    USED = "used"
    EXPIRED = "expired"
    REVOKED = "revoked"
    REPLACED = "replaced"


def letter_state(letter: LetterCode, now: datetime) -> LetterState:
    """Where ``letter`` stands at ``now``."""
    if letter.used_at is not None:
        return LetterState.USED
    if letter.revoked_at is not None:
        return LetterState.REPLACED if letter.replaced_by_id else LetterState.REVOKED
    if letter.contact_id is None:
        return LetterState.REVOKED
    if letter.expires_at <= now:
        return LetterState.EXPIRED
    return LetterState.ACTIVE


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


# --- issuing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Issuer:
    """Who issues letters: a staff member at the desk, or an operator's bulk print."""

    actor: Actor
    staff_id: int | None
    name: str
    in_bulk: bool


def lock_contacts(uow: UnitOfWork, contact_ids: Sequence[int]) -> list[Contact]:
    """The contacts as they are now, locked in id order until the transaction ends: two
    issuers for one guardian queue, and the second replaces the first's letter.

    ``FOR NO KEY UPDATE``: a letter pointing at the contact (``KEY SHARE``) does not wait."""
    return list(
        uow.session.scalars(
            select(Contact)
            .where(Contact.id.in_(list(contact_ids)))
            .order_by(Contact.id)
            .with_for_update(key_share=True)
            .execution_options(populate_existing=True)
        )
    )


@dataclass(frozen=True)
class Issued:
    """A letter just made, with its code (only for the page that prints it)."""

    letter: LetterCode
    code: str


def issue_codes(uow: UnitOfWork, contacts: Sequence[Contact], issuer: Issuer) -> list[Issued]:
    """A new letter for each of ``contacts`` (locked by the caller, see :func:`lock_contacts`),
    each replacing the guardian's live letter; audited, without the codes."""
    if not contacts:
        return []
    now = uow.now()
    expires = now + timedelta(days=uow.settings.letter_code_days)
    ids = [c.id for c in contacts]
    # Revoked before the new ones go in (the unique index allows one live letter each), in
    # one statement that re-checks each row as it updates it: a letter being used at this
    # moment stays used, not revoked.
    live = dict(
        uow.session.execute(
            update(LetterCode)
            .where(
                LetterCode.contact_id.in_(ids),
                LetterCode.used_at.is_(None),
                LetterCode.revoked_at.is_(None),
            )
            .values(revoked_at=now)
            .returning(LetterCode.contact_id, LetterCode.id)
            .execution_options(synchronize_session=False)
        ).all()
    )
    made = []
    for contact in contacts:
        code = new_code()
        letter = LetterCode(
            contact_id=contact.id,
            student_id=contact.student_id,
            guardian_name=f"{contact.first_name} {contact.last_name}",
            relationship=contact.relationship,
            code_digest=code_digest(uow, code),
            issued_at=now,
            issued_by_id=issuer.staff_id,
            issued_by_name=issuer.name,
            in_bulk=issuer.in_bulk,
            expires_at=expires,
        )
        made.append(Issued(letter, code))
    uow.session.add_all(i.letter for i in made)
    uow.session.flush()
    if live:
        new_ids = {i.letter.contact_id: i.letter.id for i in made}
        uow.session.execute(
            update(LetterCode),
            [{"id": old, "replaced_by_id": new_ids[contact]} for contact, old in live.items()],
        )
    for issued in made:
        letter = issued.letter
        old = live.get(letter.contact_id)
        record(
            uow,
            issuer.actor,
            AuditAction.LETTER_ISSUE,
            ("letter", letter.id),
            student_id=letter.student_id,
            contact_id=letter.contact_id,
            in_bulk=issuer.in_bulk,
            expires_at=expires.isoformat(),
            **({"replaced_letter_id": old} if old is not None else {}),
        )
    return made


def page_language(settings: DistrictSettings, preferred: str | None) -> str:
    """The language of a guardian's letter: theirs when frontdesk can write it, else the
    district's default."""
    if preferred and preferred in shipped_languages():
        return preferred
    return settings.default_language


def letterhead(uow: UnitOfWork, portal_url: str | None = None) -> Letterhead:
    """What every page of the district's letters carries."""
    settings = uow.settings
    return Letterhead(
        district_name=settings.district_name,
        logo=settings.logo,
        approves_at_once=settings.letter_codes_approve_links,
        portal_url=(portal_url or uow.runtime.portal_url).rstrip("/"),
    )


def letter_page(
    head: Letterhead, issued: Issued, contact: Contact, student: Student, language: str
) -> LetterPage:
    """The page that carries one letter."""
    letter = issued.letter
    return LetterPage(
        language=language,
        guardian_name=letter.guardian_name,
        student_name=f"{student.first_name} {student.last_name}",
        school_name=student.school.name,
        code=format_code(issued.code),
        url=letter_url(head.portal_url, issued.code),
        issued=letter.issued_at.date(),
        expires=letter.expires_at.date(),
    )


def account_languages(uow: UnitOfWork, emails: Sequence[str | None]) -> dict[str, str]:
    """The language of the account made with each of ``emails``, where one was: the nearest
    thing to a preferred language the records hold (the roster does not give one)."""
    known = [e for e in emails if e]
    if not known:
        return {}
    return dict(
        uow.session.execute(
            select(ParentAccount.email, ParentAccount.language).where(
                ParentAccount.email.in_(known)
            )
        ).all()
    )


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


# --- a parent uses a code --------------------------------------------------------------------


def _refuse(
    uow: UnitOfWork,
    parent: ParentAccount,
    limits: list[NamedLimit],
    error: LetterCodeRefused,
    letter: LetterCode | None,
) -> LetterCodeRefused:
    ratelimit.note(uow, AttemptKind.LINK_FAILED, *(n.limit.subject for n in limits))
    record(
        uow,
        Actor.parent(parent),
        AuditAction.LETTER_REFUSED,
        ("parent", parent.id),
        reason=error.reason,
        **({"letter_id": letter.id, "student_id": letter.student_id} if letter else {}),
    )
    return error


def _refusal(uow: UnitOfWork, letter: LetterCode | None) -> LetterCodeRefused | None:
    """Why ``letter`` links nothing, or ``None`` when it works."""
    if letter is None:
        return LetterCodeUnknown()
    match letter_state(letter, uow.now()):
        case LetterState.USED:
            return LetterCodeUsed()
        case LetterState.REPLACED:
            return LetterCodeReplaced()
        case LetterState.REVOKED:
            return LetterCodeRevoked()
        case LetterState.EXPIRED:
            return LetterCodeExpired()
    student = uow.session.get(Student, letter.student_id)
    if student is None or not student.active:
        return LetterCodeRevoked()  # the student left the roster
    return None


def redeem(uow: UnitOfWork, session: ParentSession, typed: str) -> LinkedStudent:
    """In ``uow``: the signed-in parent enters a letter code; it links the student it names."""
    parent = current_parent(uow, session)
    if parent.status in CLOSED:
        raise AccountNotApproved()
    code = normalize_code(typed)
    if code is None:
        raise FieldErrors({"code": Msg(CODE_FORMAT.msgid, example=CODE_PATTERN_HINT)})
    # One step: the account's and the workstation's counts are held until this transaction
    # ends, so a burst of wrong codes queues and each sees the ones before.
    limits = account_limits(uow, parent.id)
    refuse_if_limited(uow, parent, limits, form="letter_code")
    # Locked: two accounts using one code at once queue, and the second finds it used.
    letter = uow.session.scalar(
        select(LetterCode)
        .where(LetterCode.code_digest == code_digest(uow, code))
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    refusal = _refusal(uow, letter)
    if refusal is not None:
        raise _refuse(uow, parent, limits, refusal, letter)
    assert letter is not None
    return _link(uow, parent, letter)


def _link(uow: UnitOfWork, parent: ParentAccount, letter: LetterCode) -> LinkedStudent:
    """Link the letter's student to ``parent`` (or add the letter to the request waiting)."""
    settings = uow.settings
    # The account first, then its links: the order every decision takes them in.
    parent = lock_account(uow, parent.id)
    student = uow.session.get_one(Student, letter.student_id)
    link = uow.session.scalar(
        select(StudentLink)
        .where(StudentLink.parent_id == parent.id, StudentLink.student_id == student.id)
        .with_for_update(key_share=True)
    )
    if link is not None and link.status is LinkStatus.APPROVED:
        raise LinkAlreadyExists()
    if link is not None and link.status is not LinkStatus.PENDING:
        raise LetterLinkRefused()
    live = settings.letter_codes_approve_links or (
        settings.links_bypass_verification and parent.status is AccountStatus.ACTIVE
    )
    now = uow.now()
    actor = Actor.parent(parent)
    if link is None:
        link = StudentLink(
            parent_id=parent.id,
            student_id=student.id,
            school_id=student.school_id,
            status=LinkStatus.PENDING,
            matched_identifiers=[LETTER_CODE],
            requested_at=now,
            requested_workstation=uow.workstation,
        )
        uow.session.add(link)
        uow.session.flush()
        request_action = True
    else:
        link.matched_identifiers = [*link.matched_identifiers, LETTER_CODE]
        request_action = False
    if live:
        link.status = LinkStatus.APPROVED
        link.decided_at = now
    letter.used_at = now
    letter.used_by_id = parent.id
    letter.link_id = link.id
    photo = student_photo(uow, student.id) if student.has_photo else None
    if request_action:
        # The student's name and photo are shown at once: a disclosure, so it is audited.
        record(
            uow,
            actor,
            AuditAction.LINK_REQUEST,
            ("student_link", link.id),
            student_id=student.id,
            status=link.status.value,
            disclosed=["name", "photo"] if photo else ["name"],
            letter_id=letter.id,
        )
    record(
        uow,
        actor,
        AuditAction.LETTER_USE,
        ("letter", letter.id),
        student_id=student.id,
        link_id=link.id,
        parent_id=parent.id,
        status=link.status.value,
    )
    if live and settings.letter_codes_approve_links:
        activate_account(uow, actor, parent)  # the letter proves what the check would
    uow.session.flush()
    return LinkedStudent(
        link_id=link.id,
        student_id=student.id,
        first_name=student.first_name,
        last_name=student.last_name,
        school_name=student.school.name,
        grade=student.grade,
        status=link.status,
        photo=photo,
    )


def redeem_letter(database: Database, session: ParentSession, typed: str) -> LinkedStudent:
    """A parent enters the code of a letter (:func:`redeem`), in one unit of work."""
    with database.write() as uow:
        return redeem(uow, session, typed)


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
