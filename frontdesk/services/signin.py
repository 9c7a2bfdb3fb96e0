"""Signing in, for parents and staff: argon2id checks, lockout, per-workstation limits."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from frontdesk import text
from frontdesk.db.models import ParentAccount, Staff
from frontdesk.db.uow import UnitOfWork
from frontdesk.errors import AccountLocked, FieldErrors, RateLimited, SignInFailed
from frontdesk.services import ratelimit
from frontdesk.services.audit import ANONYMOUS, Actor, AuditAction, record
from frontdesk.services.ratelimit import AttemptKind
from frontdesk.services.sessions import ParentSession, StaffSession, parent_session, staff_session


def _check_workstation(uow: UnitOfWork, window: timedelta) -> None:
    limit = uow.settings.rate_limits.signin_failures_per_workstation
    subject = f"workstation:{uow.workstation}"
    if ratelimit.recent(uow, AttemptKind.SIGNIN_FAILED, subject, window) >= limit:
        record(uow, ANONYMOUS, AuditAction.RATE_LIMITED, limit="signin_workstation")
        raise RateLimited()


def _check_password(
    uow: UnitOfWork, account: ParentAccount | Staff | None, password: str, subject: str
) -> None:
    """Verify ``password``; on failure count it and lock the account at the limit."""
    hasher = uow.runtime.hasher
    if account is not None and account.locked_at is not None:
        hasher.verify(None, password)  # same time as any other answer
        raise AccountLocked()
    if account is not None and hasher.verify(account.password_hash, password):
        if hasher.needs_rehash(account.password_hash):
            account.password_hash = hasher.hash(password)
        ratelimit.forget(uow, AttemptKind.SIGNIN_FAILED, subject)
        return
    if account is None:
        hasher.verify(None, password)
    limits = uow.settings.rate_limits
    window = timedelta(minutes=limits.window_minutes)
    ratelimit.note(uow, AttemptKind.SIGNIN_FAILED, subject, f"workstation:{uow.workstation}")
    if account is not None:
        failures = ratelimit.recent(uow, AttemptKind.SIGNIN_FAILED, subject, window)
        if failures >= limits.signin_failures_per_account:
            account.locked_at = uow.now()
            raise AccountLocked()
    raise SignInFailed()


def _check_typed(name: str, typed: str) -> None:
    """Refuse a sign-in name no account can have (too long, control characters) before it is
    looked up: the same answer whether or not accounts exist."""
    if (problem := text.field_problem(name, typed.strip())) is not None:
        raise FieldErrors({name: problem})


def sign_in_parent(uow: UnitOfWork, email: str, password: str) -> ParentSession:
    """Check a parent's email and password; the same answer for an unknown email."""
    _check_typed("email", email)
    window = timedelta(minutes=uow.settings.rate_limits.window_minutes)
    _check_workstation(uow, window)
    email = email.strip().lower()
    parent = uow.session.scalar(select(ParentAccount).where(ParentAccount.email == email))
    subject = f"parent:{parent.id}" if parent else ratelimit.typed_subject(uow, "email", email)
    try:
        _check_password(uow, parent, password, subject)
    except (SignInFailed, AccountLocked):
        record(
            uow,
            ANONYMOUS,
            AuditAction.PARENT_SIGNIN_FAILED,
            ("parent", parent.id) if parent else None,
        )
        raise
    assert parent is not None
    record(uow, Actor.parent(parent), AuditAction.PARENT_SIGNIN, ("parent", parent.id))
    return parent_session(parent)


def sign_in_staff(uow: UnitOfWork, username: str, password: str) -> StaffSession:
    """Check a staff member's user name and password."""
    _check_typed("username", username)
    window = timedelta(minutes=uow.settings.rate_limits.window_minutes)
    _check_workstation(uow, window)
    username = username.strip().lower()
    staff = uow.session.scalar(select(Staff).where(Staff.username == username))
    if staff is not None and not staff.active:
        staff = None  # a disabled account answers like an unknown one
    subject = f"staff:{staff.id}" if staff else ratelimit.typed_subject(uow, "username", username)
    try:
        _check_password(uow, staff, password, subject)
    except (SignInFailed, AccountLocked):
        record(
            uow, ANONYMOUS, AuditAction.STAFF_SIGNIN_FAILED, ("staff", staff.id) if staff else None
        )
        raise
    assert staff is not None
    record(uow, Actor.staff(staff), AuditAction.STAFF_SIGNIN, ("staff", staff.id))
    return staff_session(staff)
