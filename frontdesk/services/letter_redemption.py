"""A parent redeems a letter code (L1): the code links the student its letter names.

Receiving the letter at the address the school has on record proves what the in-person check
proves, for a district that accepts mail as proof: the code links the student to whatever
account the guardian makes, approved at once or waiting for a clerk as the district chooses
(``letter_codes_approve_links``). One use; an expiry; wrong codes count as failed child links
against the account and the workstation, in the same atomic step as the look-up
(``ratelimit.reached``). Every use and refusal is audited, never with the code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from frontdesk.db.models import (
    AccountStatus,
    LetterCode,
    LinkStatus,
    ParentAccount,
    Student,
    StudentLink,
)
from frontdesk.db.uow import UnitOfWork
from frontdesk.errors import AccountNotApproved, DomainError, FieldErrors, LinkAlreadyExists
from frontdesk.i18n import Msg
from frontdesk.services import ratelimit
from frontdesk.services.audit import Actor, AuditAction, record
from frontdesk.services.letter_codes import (
    CODE_FORMAT,
    CODE_PATTERN_HINT,
    LETTER_CODE,
    LetterState,
    code_digest,
    letter_state,
    normalize_code,
)
from frontdesk.services.linking import (
    LinkedStudent,
    NamedLimit,
    account_limits,
    refuse_if_limited,
    student_photo,
)
from frontdesk.services.passwords import CLOSED
from frontdesk.services.ratelimit import AttemptKind
from frontdesk.services.sessions import ParentSession, current_parent
from frontdesk.services.verification import activate_account, lock_account

if TYPE_CHECKING:
    from frontdesk.db.engine import Database


# --- answers ---------------------------------------------------------------------------------


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
    return LinkedStudent.shown(link, student, photo)


def redeem_letter(database: Database, session: ParentSession, typed: str) -> LinkedStudent:
    """A parent enters the code of a letter (:func:`redeem`), in one unit of work."""
    with database.write() as uow:
        return redeem(uow, session, typed)
