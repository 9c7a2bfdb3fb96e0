"""The front office decides on a parent's children and account (V3), on the proof of
:mod:`frontdesk.services.identity_checks` (the photo-ID check in person, V2, or a letter code).

Two staff deciding for one family at once are serialized on the account: each decision locks
the account row first, then its links in id order, and decides on what it finds there. The
second clerk is told who decided first ("already decided by …"), never a database error, and
no account is left denied or disabled with an approved child, nor decided twice.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select

from frontdesk import text
from frontdesk.db.models import (
    AccountStatus,
    ActorKind,
    AuditEvent,
    LinkStatus,
    ParentAccount,
    Staff,
    StudentLink,
)
from frontdesk.db.uow import UnitOfWork
from frontdesk.errors import (
    AlreadyDecided,
    DomainError,
    FieldErrors,
    LinkNotFound,
    NotAllowed,
)
from frontdesk.i18n import Msg
from frontdesk.mail import messages
from frontdesk.mail.outbox import enqueue
from frontdesk.services.audit import Actor, AuditAction, record
from frontdesk.services.identity_checks import has_passing_check, made_by_letter
from frontdesk.services.passwords import CLOSED
from frontdesk.services.sessions import DECIDERS, StaffSession, current_staff


class CheckRequired(DomainError):
    """Approving needs a recorded photo-ID check whose name matched."""

    def __init__(self) -> None:
        super().__init__(Msg("Record the photo-ID check (with a matching name) before approving."))


def lock_account(uow: UnitOfWork, parent_id: int) -> ParentAccount:
    """The account as it stands now, locked until the transaction ends.

    Every decision about an account or its links takes this lock first, then the links it
    changes in id order (``locked_links``): two decisions for one family queue instead of
    deadlocking, and the second decides on what the first left. ``FOR NO KEY UPDATE`` rather
    than ``FOR UPDATE``: rows that only point at the account (a photo-ID check recorded in the
    same transaction, a link being asked for at a kiosk) hold ``KEY SHARE`` on it, which
    ``FOR UPDATE`` would wait for: two clerks each recording a check, then approving, would
    deadlock. SQLite needs no lock: a write transaction holds the file (BEGIN IMMEDIATE).
    """
    parent = uow.session.scalar(
        select(ParentAccount)
        .where(ParentAccount.id == parent_id)
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    )
    if parent is None:
        raise LinkNotFound()
    return parent


def locked_links(uow: UnitOfWork, parent_id: int, link_id: int | None = None) -> list[StudentLink]:
    """The account's links (or the one ``link_id``) as they stand now, locked in id order."""
    query = (
        select(StudentLink)
        .where(StudentLink.parent_id == parent_id)
        .order_by(StudentLink.id)
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    )
    if link_id is not None:
        query = query.where(StudentLink.id == link_id)
    return list(uow.session.scalars(query))


_ACCOUNT_DECISIONS = (
    AuditAction.ACCOUNT_APPROVE,
    AuditAction.ACCOUNT_DENY,
    AuditAction.ACCOUNT_DISABLE,
)
_DECIDED_AS = {
    AccountStatus.ACTIVE: LinkStatus.APPROVED.value,
    AccountStatus.DENIED: LinkStatus.DENIED.value,
    AccountStatus.DISABLED: AccountStatus.DISABLED.value,
}


_DECISION_ACTIONS = {
    LinkStatus.APPROVED: AuditAction.LINK_APPROVE,
    LinkStatus.DENIED: AuditAction.LINK_DENY,
    LinkStatus.REVOKED: AuditAction.LINK_REVOKE,
}


def set_decision(
    uow: UnitOfWork, link: StudentLink, status: LinkStatus, staff: Staff, reason: str | None
) -> Actor:
    """Decide a locked link and record the decision in the audit trail; the decider's actor."""
    link.status = status
    link.decided_at = uow.now()
    link.decided_by = staff
    link.reason = reason
    actor = Actor.staff(staff)
    record(
        uow,
        actor,
        _DECISION_ACTIONS[status],
        ("student_link", link.id),
        student_id=link.student_id,
        parent_id=link.parent_id,
    )
    return actor


def account_decided(uow: UnitOfWork, parent: ParentAccount) -> AlreadyDecided:
    """The answer for someone deciding an account already decided: who did, and how."""
    decider = uow.session.execute(
        select(Staff.display_name, AuditEvent.actor_name)
        .outerjoin(
            Staff, (Staff.id == AuditEvent.actor_id) & (AuditEvent.actor_kind == ActorKind.STAFF)
        )
        .where(
            AuditEvent.subject_kind == "parent",
            AuditEvent.subject_id == parent.id,
            AuditEvent.action.in_([a.value for a in _ACCOUNT_DECISIONS]),
        )
        .order_by(AuditEvent.id.desc())
        .limit(1)
    ).first()
    # An account active from the start (links_bypass_verification) was decided by no one.
    name = (decider[0] or decider[1]) if decider else Actor.system().name
    return AlreadyDecided(name, _DECIDED_AS.get(parent.status, parent.status.value))


def _link_decided(uow: UnitOfWork, link: StudentLink) -> AlreadyDecided:
    winner = uow.session.get(Staff, link.decided_by_id) if link.decided_by_id else None
    return AlreadyDecided(winner.display_name if winner else "?", link.status.value)


def activate_account(uow: UnitOfWork, actor: Actor, parent: ParentAccount) -> None:
    """A waiting account becomes active (audited, and the parent gets a mail)."""
    if parent.status is AccountStatus.PENDING:
        parent.status = AccountStatus.ACTIVE
        parent.verified_at = uow.now()
        record(uow, actor, AuditAction.ACCOUNT_APPROVE, ("parent", parent.id))
        enqueue(
            uow,
            messages.account_approved(
                parent.email, parent.language, uow.settings.district_name, parent.first_name
            ),
        )


def _check_reason(reason: str) -> None:
    """A denial or revocation says why, in words the parent can be shown."""
    problem = text.field_problem("reason", reason)
    if not reason.strip():
        problem = Msg("Give a reason; the parent will see it.")
    if problem is not None:
        raise FieldErrors({"reason": problem})


def _decide(
    uow: UnitOfWork,
    session: StaffSession,
    link_id: int,
    status: LinkStatus,
    reason: str | None,
    expected: LinkStatus,
) -> StudentLink:
    staff = current_staff(uow, session, *DECIDERS)
    parent_id = uow.session.scalar(select(StudentLink.parent_id).where(StudentLink.id == link_id))
    if parent_id is None:
        raise LinkNotFound()
    # The account, then the link: the order every decision takes them in.
    parent = lock_account(uow, parent_id)
    locked = locked_links(uow, parent_id, link_id)
    if not locked:
        raise LinkNotFound()
    return _decide_locked(uow, session, staff, parent, locked[0], status, reason, expected)


def _decide_locked(
    uow: UnitOfWork,
    session: StaffSession,
    staff: Staff,
    parent: ParentAccount,
    link: StudentLink,
    status: LinkStatus,
    reason: str | None,
    expected: LinkStatus,
) -> StudentLink:
    """Decide ``link``, its account and it locked: on the rows as they are now, not as the
    clerk's screen last read them."""
    if not session.serves(link.school_id):
        raise NotAllowed()
    if (
        status is LinkStatus.APPROVED
        and uow.settings.photo_id_visit_required
        and not has_passing_check(uow, link.parent_id)
        and not made_by_letter(uow, link.id)
    ):
        raise CheckRequired()
    if status is not LinkStatus.APPROVED:
        _check_reason(reason or "")
    if status is LinkStatus.APPROVED and parent.status in CLOSED:
        raise account_decided(uow, parent)
    if link.status is not expected:
        raise _link_decided(uow, link)
    actor = set_decision(uow, link, status, staff, reason)
    if status is LinkStatus.APPROVED:
        activate_account(uow, actor, parent)
    student = f"{link.student.first_name} {link.student.last_name}"
    enqueue(
        uow,
        messages.link_decided(
            parent.email,
            parent.language,
            uow.settings.district_name,
            parent.first_name,
            student,
            status is LinkStatus.APPROVED,
            reason,
        ),
    )
    return link


def approve_link(uow: UnitOfWork, session: StaffSession, link_id: int) -> None:
    """Approve a pending link; the account becomes active and the parent gets a mail.

    A denied or disabled account has nothing approved: the clerk is told who closed it.
    """
    _decide(uow, session, link_id, LinkStatus.APPROVED, None, LinkStatus.PENDING)


def deny_link(uow: UnitOfWork, session: StaffSession, link_id: int, reason: str) -> None:
    """Deny a pending link with a reason the parent sees."""
    _decide(uow, session, link_id, LinkStatus.DENIED, reason.strip(), LinkStatus.PENDING)


def revoke_link(uow: UnitOfWork, session: StaffSession, link_id: int, reason: str) -> None:
    """Take back an approved link (a custody change); the student's data stops showing."""
    _decide(uow, session, link_id, LinkStatus.REVOKED, reason.strip(), LinkStatus.APPROVED)


def approve_family(
    uow: UnitOfWork,
    session: StaffSession,
    parent_id: int,
    link_ids: Collection[int] | None = None,
) -> list[int]:
    """Approve, in one go, every pending link of a parent at the schools this clerk serves.

    ``link_ids``: the links the clerk confirmed; exactly those are approved, and if another
    clerk decided one of them meanwhile nothing is (the clerk is told who), so no child is
    approved that the clerk did not look at.
    """
    staff = current_staff(uow, session, *DECIDERS)
    parent = lock_account(uow, parent_id)
    if parent.status in CLOSED:
        raise account_decided(uow, parent)
    links = locked_links(uow, parent_id)
    if link_ids is None:
        chosen = [
            link
            for link in links
            if link.status is LinkStatus.PENDING and session.serves(link.school_id)
        ]
    else:
        chosen = [link for link in links if link.id in set(link_ids)]
        if len(chosen) != len(set(link_ids)):
            raise LinkNotFound()
        decided = next((link for link in chosen if link.status is not LinkStatus.PENDING), None)
        if decided is not None:
            raise _link_decided(uow, decided)
    for link in chosen:
        _decide_locked(
            uow, session, staff, parent, link, LinkStatus.APPROVED, None, LinkStatus.PENDING
        )
    return [link.id for link in chosen]


def deny_account(uow: UnitOfWork, session: StaffSession, parent_id: int, reason: str) -> None:
    """Deny a parent account waiting for its check, with a reason; its links waiting at this
    clerk's schools are denied with it (those elsewhere can no longer be approved).

    An account already decided (approved through a child, denied, disabled) is not decided
    again: the clerk is told who decided it. Approved children are taken back one by one
    (revoke).
    """
    staff = current_staff(uow, session, *DECIDERS)
    _check_reason(reason.strip())
    parent = lock_account(uow, parent_id)
    links = locked_links(uow, parent_id)
    if links and not any(session.serves(link.school_id) for link in links):
        raise NotAllowed()
    if parent.status is not AccountStatus.PENDING:
        raise account_decided(uow, parent)
    parent.status = AccountStatus.DENIED
    parent.status_reason = reason.strip()
    record(uow, Actor.staff(staff), AuditAction.ACCOUNT_DENY, ("parent", parent.id))
    for link in links:
        if link.status is LinkStatus.PENDING and session.serves(link.school_id):
            _decide_locked(
                uow,
                session,
                staff,
                parent,
                link,
                LinkStatus.DENIED,
                reason.strip(),
                LinkStatus.PENDING,
            )
