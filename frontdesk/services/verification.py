"""The front office checks a parent's photo ID in person and decides (V2, V3).

Decisions are conditional updates (``… WHERE status = 'pending'``): when two clerks decide
the same request at once, exactly one update matches a row; the other clerk is told who won.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select, update

from frontdesk import text
from frontdesk.db.models import (
    AccountStatus,
    IdentityCheck,
    IdType,
    LinkStatus,
    ParentAccount,
    StaffRole,
    StudentLink,
)
from frontdesk.db.uow import UnitOfWork
from frontdesk.errors import (
    AlreadyDecided,
    DomainError,
    FieldErrors,
    IdExpired,
    LinkNotFound,
    NotAllowed,
)
from frontdesk.i18n import Msg
from frontdesk.mail import messages
from frontdesk.mail.outbox import enqueue
from frontdesk.services.audit import Actor, AuditAction, record
from frontdesk.services.sessions import StaffSession, current_staff

DECIDERS = (StaffRole.CLERK, StaffRole.ADMIN)


class IdentityCheckForm(BaseModel):
    """What the clerk records after looking at the photo ID."""

    model_config = ConfigDict(str_strip_whitespace=True)

    id_type: IdType
    id_last4: str
    id_expires: date
    name_matches: bool
    notes: str = ""


class CheckRequired(DomainError):
    """Approving needs a recorded photo-ID check whose name matched."""

    def __init__(self) -> None:
        super().__init__(Msg("Record the photo-ID check (with a matching name) before approving."))


def record_identity_check(
    uow: UnitOfWork, session: StaffSession, parent_id: int, form: IdentityCheckForm
) -> int:
    """Record an in-person photo-ID check of a parent; refuses an expired ID."""
    staff = current_staff(uow, session, *DECIDERS)
    parent = uow.session.get(ParentAccount, parent_id)
    if parent is None:
        raise LinkNotFound()
    problems = text.field_problems({"notes": form.notes})
    last4 = form.id_last4.replace(" ", "").replace("-", "")
    if len(last4) != 4 or not last4.isalnum():
        problems["id_last4"] = Msg("Enter the last 4 characters of the ID number.")
    if problems:
        raise FieldErrors(problems)
    if form.id_expires < uow.now().date():
        raise IdExpired()
    check = IdentityCheck(
        parent_id=parent.id,
        staff_id=staff.id,
        id_type=form.id_type,
        id_last4=last4.upper(),
        id_expires=form.id_expires,
        name_matches=form.name_matches,
        notes=form.notes,
        checked_at=uow.now(),
        workstation=uow.workstation,
    )
    uow.session.add(check)
    uow.session.flush()
    record(
        uow,
        Actor.staff(staff),
        AuditAction.IDENTITY_CHECK,
        ("parent", parent.id),
        id_type=form.id_type.value,
        name_matches=form.name_matches,
        check_id=check.id,
    )
    return check.id


def has_passing_check(uow: UnitOfWork, parent_id: int) -> bool:
    """Whether a photo-ID check with a matching name, valid when made, is on record."""
    return (
        uow.session.scalar(
            select(IdentityCheck.id)
            .where(IdentityCheck.parent_id == parent_id, IdentityCheck.name_matches.is_(True))
            .limit(1)
        )
        is not None
    )


def _activate(uow: UnitOfWork, actor: Actor, parent: ParentAccount) -> None:
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
    link = uow.session.get(StudentLink, link_id)
    if link is None:
        raise LinkNotFound()
    if not session.serves(link.school_id):
        raise NotAllowed()
    if (
        status is LinkStatus.APPROVED
        and uow.settings.photo_id_visit_required
        and not (has_passing_check(uow, link.parent_id))
    ):
        raise CheckRequired()
    if status is not LinkStatus.APPROVED:
        _check_reason(reason or "")
    result = uow.session.execute(
        update(StudentLink)
        .where(StudentLink.id == link_id, StudentLink.status == expected)
        .values(status=status, decided_at=uow.now(), decided_by_id=staff.id, reason=reason)
        .execution_options(synchronize_session=False)
    )
    uow.session.refresh(link)
    if getattr(result, "rowcount", 0) != 1:
        winner = link.decided_by.display_name if link.decided_by else "?"
        raise AlreadyDecided(winner, link.status.value)
    actor = Actor.staff(staff)
    action = {
        LinkStatus.APPROVED: AuditAction.LINK_APPROVE,
        LinkStatus.DENIED: AuditAction.LINK_DENY,
        LinkStatus.REVOKED: AuditAction.LINK_REVOKE,
    }[status]
    record(
        uow,
        actor,
        action,
        ("student_link", link.id),
        student_id=link.student_id,
        parent_id=link.parent_id,
    )
    parent = link.parent
    if status is LinkStatus.APPROVED:
        _activate(uow, actor, parent)
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
    """Approve a pending link; the account becomes active and the parent gets a mail."""
    _decide(uow, session, link_id, LinkStatus.APPROVED, None, LinkStatus.PENDING)


def deny_link(uow: UnitOfWork, session: StaffSession, link_id: int, reason: str) -> None:
    """Deny a pending link with a reason the parent sees."""
    _decide(uow, session, link_id, LinkStatus.DENIED, reason.strip(), LinkStatus.PENDING)


def revoke_link(uow: UnitOfWork, session: StaffSession, link_id: int, reason: str) -> None:
    """Take back an approved link (a custody change); the student's data stops showing."""
    _decide(uow, session, link_id, LinkStatus.REVOKED, reason.strip(), LinkStatus.APPROVED)


def approve_family(uow: UnitOfWork, session: StaffSession, parent_id: int) -> list[int]:
    """Approve, in one go, every pending link of a parent at the schools this clerk serves."""
    pending = uow.session.scalars(
        select(StudentLink)
        .where(StudentLink.parent_id == parent_id, StudentLink.status == LinkStatus.PENDING)
        .order_by(StudentLink.id)
    ).all()
    approved = [link.id for link in pending if session.serves(link.school_id)]
    for link_id in approved:
        approve_link(uow, session, link_id)
    return approved


def deny_account(uow: UnitOfWork, session: StaffSession, parent_id: int, reason: str) -> None:
    """Deny a parent account (and so every link it waits for), with a reason."""
    staff = current_staff(uow, session, *DECIDERS)
    _check_reason(reason.strip())
    parent = uow.session.get(ParentAccount, parent_id)
    if parent is None:
        raise LinkNotFound()
    parent.status = AccountStatus.DENIED
    parent.status_reason = reason.strip()
    record(uow, Actor.staff(staff), AuditAction.ACCOUNT_DENY, ("parent", parent.id))
    for link in parent.links:
        if link.status is LinkStatus.PENDING and session.serves(link.school_id):
            deny_link(uow, session, link.id, reason)
