"""The support desk (P1): find a parent, see the account, unlock it, reset its password.

Every action takes a reason and is audited; a temporary password is returned once, to show
to the staff member, and never recorded (the parent is mailed that it was set).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import ColumnElement, and_, exists, func, or_, select

from frontdesk import text as texts
from frontdesk.db.models import (
    AccountStatus,
    AuditEvent,
    LinkStatus,
    ParentAccount,
    PasswordReset,
    Staff,
    StaffRole,
    Student,
    StudentLink,
)
from frontdesk.db.uow import UnitOfWork
from frontdesk.errors import DomainError, FieldErrors, LinkNotFound
from frontdesk.i18n import Msg
from frontdesk.mail.messages import PasswordEvent
from frontdesk.names import fold_name
from frontdesk.services.audit import Actor, AuditAction, record
from frontdesk.services.password_reset import issue_reset
from frontdesk.services.passwords import CLOSED, TemporaryCredentials, issue_temporary
from frontdesk.services.sessions import StaffSession, current_staff
from frontdesk.services.signin import forget_failures, parent_subject
from frontdesk.services.verification import (
    account_decided,
    lock_account,
    locked_links,
    set_decision,
)


class ParentNotFound(DomainError):
    """Support asked for an account that no longer exists."""

    def __init__(self) -> None:
        super().__init__(Msg("This account no longer exists."))


@dataclass(frozen=True)
class ParentSummary:
    """One line of the support desk's search results."""

    parent_id: int
    first_name: str
    last_name: str
    email: str
    phone: str | None
    status: AccountStatus
    locked: bool
    must_change_password: bool


@dataclass(frozen=True)
class LinkLine:
    """A child the parent asked to see, and where that stands."""

    student_name: str
    student_number: str
    school_name: str
    status: LinkStatus


@dataclass(frozen=True)
class ResetLine:
    """A password reset of the account: when asked, and what became of it."""

    created_at: datetime
    expires_at: datetime
    used_at: datetime | None
    revoked_at: datetime | None
    failed_attempts: int


@dataclass(frozen=True)
class AuditLine:
    """A recent event of the account (sign-in failure, reset, change, unlock…)."""

    at: datetime
    action: str
    actor_name: str
    workstation: str


@dataclass(frozen=True)
class ParentDetails:
    """All the support desk shows of one account."""

    summary: ParentSummary
    language: str
    created_at: datetime
    locked_at: datetime | None
    password_changed_at: datetime
    links: list[LinkLine]
    resets: list[ResetLine]
    signin_failures: list[AuditLine]
    recent_events: list[AuditLine]


class StaffReason(BaseModel):
    """What a support action is for; kept in the audit trail."""

    reason: str = ""


def _summary(parent: ParentAccount) -> ParentSummary:
    return ParentSummary(
        parent_id=parent.id,
        first_name=parent.first_name,
        last_name=parent.last_name,
        email=parent.email,
        phone=parent.phone,
        status=parent.status,
        locked=parent.locked_at is not None,
        must_change_password=parent.must_change_password,
    )


def _support(uow: UnitOfWork, session: StaffSession) -> Actor:
    return Actor.staff(current_staff(uow, session, StaffRole.SUPPORT))


def find_parents(
    uow: UnitOfWork, session: StaffSession, query: str, limit: int = 50
) -> list[ParentSummary]:
    """Parents whose name, email or phone, or whose child's name or student number, match."""
    _support(uow, session)
    text = query.strip()
    if (problem := texts.field_problem("query", text)) is not None:
        raise FieldErrors({"query": problem})
    if not text:
        return []
    terms = [fold_name(word) for word in text.split() if fold_name(word)]
    conditions = []
    if "@" in text:
        conditions.append(ParentAccount.email.contains(text.lower(), autoescape=True))
    digits = re.sub(r"\D", "", text)
    if len(digits) >= 4:
        phone_digits: ColumnElement[Any] = func.coalesce(ParentAccount.phone, "")
        for char in "()-. +":
            phone_digits = func.replace(phone_digits, char, "")
        conditions.append(phone_digits.contains(digits, autoescape=True))
        conditions.append(
            exists().where(
                StudentLink.parent_id == ParentAccount.id,
                StudentLink.student_id == Student.id,
                Student.student_number == digits,
            )
        )
    if terms:
        conditions.append(
            and_(*(ParentAccount.name_key.contains(t, autoescape=True) for t in terms))
        )
        conditions.append(
            exists().where(
                StudentLink.parent_id == ParentAccount.id,
                StudentLink.student_id == Student.id,
                *(Student.name_key.contains(t, autoescape=True) for t in terms),
            )
        )
    if not conditions:  # only punctuation typed: nothing to look for
        return []
    parents = uow.session.scalars(
        select(ParentAccount)
        .where(or_(*conditions))
        .order_by(ParentAccount.last_name, ParentAccount.first_name, ParentAccount.id)
        .limit(limit)
    )
    return [_summary(p) for p in parents]


def _audit_lines(
    uow: UnitOfWork, parent_id: int, actions: list[str], limit: int
) -> list[AuditLine]:
    events = uow.session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.subject_kind == "parent",
            AuditEvent.subject_id == parent_id,
            AuditEvent.action.in_(actions),
        )
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(limit)
    )
    return [AuditLine(e.at, e.action, e.actor_name, e.workstation) for e in events]


def parent_details(uow: UnitOfWork, session: StaffSession, parent_id: int) -> ParentDetails:
    """The account's state, its links, its recent sign-in failures, resets and staff actions."""
    _support(uow, session)
    parent = uow.session.get(ParentAccount, parent_id)
    if parent is None:
        raise ParentNotFound()
    links = uow.session.scalars(
        select(StudentLink)
        .where(StudentLink.parent_id == parent_id)
        .order_by(StudentLink.requested_at)
    )
    resets = uow.session.scalars(
        select(PasswordReset)
        .where(PasswordReset.parent_id == parent_id)
        .order_by(PasswordReset.created_at.desc(), PasswordReset.id.desc())
        .limit(10)
    )
    return ParentDetails(
        summary=_summary(parent),
        language=parent.language,
        created_at=parent.created_at,
        locked_at=parent.locked_at,
        password_changed_at=parent.password_changed_at,
        links=[
            LinkLine(
                f"{link.student.first_name} {link.student.last_name}",
                link.student.student_number,
                link.student.school.name,
                link.status,
            )
            for link in links
        ],
        resets=[
            ResetLine(r.created_at, r.expires_at, r.used_at, r.revoked_at, r.failed_attempts)
            for r in resets
        ],
        signin_failures=_audit_lines(uow, parent_id, [AuditAction.PARENT_SIGNIN_FAILED], 10),
        recent_events=_audit_lines(
            uow,
            parent_id,
            [
                AuditAction.PASSWORD_RESET_REQUEST,
                AuditAction.PASSWORD_RESET,
                AuditAction.PASSWORD_RESET_FAILED,
                AuditAction.PASSWORD_TEMPORARY,
                AuditAction.PASSWORD_CHANGE,
                AuditAction.ACCOUNT_UNLOCK,
                AuditAction.MAIL_RESEND,
            ],
            10,
        ),
    )


def _staff_target(
    uow: UnitOfWork, session: StaffSession, parent_id: int, why: StaffReason
) -> tuple[Actor, ParentAccount, str]:
    actor = _support(uow, session)
    reason = why.reason.strip()
    if not reason:
        raise FieldErrors({"reason": Msg("Say why (it goes in the audit trail).")})
    if (problem := texts.field_problem("reason", reason)) is not None:
        raise FieldErrors({"reason": problem})
    # Locked like every change to an account (verification.lock_account): a clerk deciding
    # for the same account at this instant goes before or after this action, not through it.
    try:
        parent = lock_account(uow, parent_id)
    except LinkNotFound:
        raise ParentNotFound() from None
    return actor, parent, reason


def unlock_parent(uow: UnitOfWork, session: StaffSession, parent_id: int, why: StaffReason) -> None:
    """Support unlocks an account locked by failed sign-ins; its failures are forgotten."""
    actor, parent, reason = _staff_target(uow, session, parent_id, why)
    parent.locked_at = None
    forget_failures(uow, parent_subject(uow, parent.email))
    record(uow, actor, AuditAction.ACCOUNT_UNLOCK, ("parent", parent.id), reason=reason)


def disable_parent(
    uow: UnitOfWork, session: StaffSession, parent_id: int, why: StaffReason
) -> None:
    """Support closes an account (fraud, a parent's own request): it can no longer sign in,
    and what it was granted or waits for is taken back with it, so a disabled account never
    holds an approved child. A second disable is told who disabled it first."""
    actor, parent, reason = _staff_target(uow, session, parent_id, why)
    if parent.status is AccountStatus.DISABLED:
        raise account_decided(uow, parent)
    parent.status = AccountStatus.DISABLED
    parent.status_reason = reason
    record(uow, actor, AuditAction.ACCOUNT_DISABLE, ("parent", parent.id), reason=reason)
    taken_back = {LinkStatus.APPROVED: LinkStatus.REVOKED, LinkStatus.PENDING: LinkStatus.DENIED}
    staff = uow.session.get_one(Staff, actor.id)  # already loaded by the role check
    for link in locked_links(uow, parent.id):
        if link.status in taken_back:
            set_decision(uow, link, taken_back[link.status], staff, reason)


def issue_temporary_password(
    uow: UnitOfWork, session: StaffSession, parent_id: int, why: StaffReason
) -> TemporaryCredentials:
    """Support sets a temporary password, to tell the parent once; it must be changed."""
    actor, parent, reason = _staff_target(uow, session, parent_id, why)
    if parent.status in CLOSED:
        raise FieldErrors({"reason": Msg("This account is closed; it cannot sign in.")})
    credentials = issue_temporary(uow, parent, PasswordEvent.SUPPORT)
    record(uow, actor, AuditAction.PASSWORD_TEMPORARY, ("parent", parent.id), reason=reason)
    return credentials


def resend_reset_mail(
    uow: UnitOfWork, session: StaffSession, parent_id: int, why: StaffReason
) -> None:
    """Support sends a new reset mail to the account's address (older ones stop working)."""
    actor, parent, reason = _staff_target(uow, session, parent_id, why)
    if parent.status in CLOSED:
        raise FieldErrors({"reason": Msg("This account is closed; it cannot sign in.")})
    issue_reset(uow, parent, parent.email, parent.language)
    record(uow, actor, AuditAction.MAIL_RESEND, ("parent", parent.id), reason=reason, kind="reset")
