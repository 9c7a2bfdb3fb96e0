"""Signing in, for parents and staff: argon2id checks, lockout, per-workstation limits.

Nothing here tells an attacker which addresses (or user names) have an account: failures are
counted per *typed* address (a keyed digest), account or not, so a known and an unknown
address get the same answers at the same counts, the "locked" one included; and both do the
same work — the same queries, one argon2 verify (against a decoy hash for an unknown one),
the same writes.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlalchemy.orm import lazyload

from frontdesk import text
from frontdesk.db.engine import Database
from frontdesk.db.models import ParentAccount, Staff
from frontdesk.db.uow import UnitOfWork
from frontdesk.errors import AccountLocked, FieldErrors, RateLimited, SignInFailed
from frontdesk.services import ratelimit
from frontdesk.services.audit import ANONYMOUS, Actor, AuditAction, record
from frontdesk.services.ratelimit import AttemptKind, Limit
from frontdesk.services.sessions import ParentSession, StaffSession, parent_session, staff_session

if TYPE_CHECKING:
    from frontdesk.db.engine import Database

FOREVER = timedelta(days=100 * 365)
"""How far back a lock mark counts: a lock lasts until support (or a reset) lifts it."""


def parent_subject(uow: UnitOfWork, email: str) -> str:
    """What a parent's failed sign-ins are counted under: the typed address, account or not."""
    return ratelimit.typed_subject(uow, "email", email.strip().lower())


def staff_subject(uow: UnitOfWork, username: str) -> str:
    """What a staff member's failed sign-ins are counted under: the typed user name."""
    return ratelimit.typed_subject(uow, "username", username.strip().lower())


def forget_failures(uow: UnitOfWork, subject: str) -> None:
    """Lift a lock and forget the failures counted under ``subject`` (unlock, new password,
    a new account on an address that was only guessed before)."""
    ratelimit.forget(uow, AttemptKind.SIGNIN_FAILED, subject)
    ratelimit.forget(uow, AttemptKind.SIGNIN_LOCKED, subject)


def _is_locked(uow: UnitOfWork, account: ParentAccount | Staff | None, subject: str) -> bool:
    # The mark is asked for known addresses too: the same query on both paths.
    marked = ratelimit.recent(uow, AttemptKind.SIGNIN_LOCKED, subject, FOREVER) > 0
    return marked or (account is not None and account.locked_at is not None)


def count_failure(
    uow: UnitOfWork,
    model: type[ParentAccount] | type[Staff],
    account: ParentAccount | Staff | None,
    subject: str,
) -> bool:
    """Count one failed password against ``subject`` (and the workstation); at the district's
    limit lock it, account or not. Whether it is locked now."""
    limits = uow.settings.rate_limits
    ratelimit.note(uow, AttemptKind.SIGNIN_FAILED, subject, f"workstation:{uow.workstation}")
    window = timedelta(minutes=limits.window_minutes)
    if ratelimit.recent(uow, AttemptKind.SIGNIN_FAILED, subject, window) < (
        limits.signin_failures_per_account
    ):
        return False
    # The mark keeps an unknown address locked as long as an account's ``locked_at`` would.
    ratelimit.note(uow, AttemptKind.SIGNIN_LOCKED, subject)
    # One UPDATE whether or not an account has the address (no row has id -1).
    uow.session.execute(
        update(model)
        .where(model.id == (account.id if account is not None else -1))
        .values(locked_at=uow.now())
        .execution_options(synchronize_session="evaluate")
    )
    return True


def hold_signin(uow: UnitOfWork, subject: str) -> None:
    """Hold ``subject`` and the workstation for this transaction; ``RateLimited`` when the
    workstation has failed too often (whatever the addresses)."""
    limits = uow.settings.rate_limits
    window = timedelta(minutes=limits.window_minutes)
    workstation = f"workstation:{uow.workstation}"
    hit = ratelimit.reached(
        uow,
        AttemptKind.SIGNIN_FAILED,
        [
            Limit(workstation, limits.signin_failures_per_workstation, window),
            # Held so two guesses at one address are counted one after the other; a count at
            # the limit has left a lock mark, which ``_is_locked`` answers.
            Limit(subject, limits.signin_failures_per_account, window),
        ],
    )
    if hit is not None and hit.subject == workstation:
        record(uow, ANONYMOUS, AuditAction.RATE_LIMITED, limit="signin_workstation")
        raise RateLimited()


def password_matches(uow: UnitOfWork, account: ParentAccount | Staff | None, password: str) -> bool:
    """One argon2 verify, against the account's hash or, for an unknown address, the hasher's
    decoy (the same work); a password longer than any allowed is never right, and costs the
    same (the hasher checks a short stand-in instead)."""
    stored = account.password_hash if account is not None else None
    return uow.runtime.hasher.verify(stored, password) and account is not None


def _check_password(
    uow: UnitOfWork,
    model: type[ParentAccount] | type[Staff],
    account: ParentAccount | Staff | None,
    password: str,
    subject: str,
) -> None:
    """Verify ``password``; a failure is counted per typed address and locks it at the limit."""
    # Hashed before the hold, so the hold lasts a few statements, not an argon2 verify; the
    # answer is decided under it. A locked address is verified too: the same time.
    right = password_matches(uow, account, password)
    hold_signin(uow, subject)
    if _is_locked(uow, account, subject):
        raise AccountLocked()
    if right and account is not None:
        hasher = uow.runtime.hasher
        if hasher.needs_rehash(account.password_hash):
            account.password_hash = hasher.hash(password)
        ratelimit.forget(uow, AttemptKind.SIGNIN_FAILED, subject)
        return
    if count_failure(uow, model, account, subject):
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
    email = email.strip().lower()
    parent = uow.session.scalar(select(ParentAccount).where(ParentAccount.email == email))
    try:
        _check_password(uow, ParentAccount, parent, password, parent_subject(uow, email))
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


def parent_sign_in(database: Database, email: str, password: str) -> ParentSession:
    """A parent signs in at the kiosk: :func:`sign_in_parent` in one unit of work (a failure
    is recorded even so)."""
    with database.write() as uow:
        return sign_in_parent(uow, email, password)


def sign_in_staff(uow: UnitOfWork, username: str, password: str) -> StaffSession:
    """Check a staff member's user name and password."""
    _check_typed("username", username)
    username = username.strip().lower()
    # The schools are read only after a right password: for a known user name and an unknown
    # one, a failure sends the same statements.
    staff = uow.session.scalar(
        select(Staff).where(Staff.username == username).options(lazyload(Staff.schools))
    )
    if staff is not None and not staff.active:
        staff = None  # a disabled account answers like an unknown one
    try:
        _check_password(uow, Staff, staff, password, staff_subject(uow, username))
    except (SignInFailed, AccountLocked):
        record(
            uow, ANONYMOUS, AuditAction.STAFF_SIGNIN_FAILED, ("staff", staff.id) if staff else None
        )
        raise
    assert staff is not None
    record(uow, Actor.staff(staff), AuditAction.STAFF_SIGNIN, ("staff", staff.id))
    return staff_session(staff)


def sign_in_at_desk(database: Database, username: str, password: str) -> StaffSession:
    """A staff member signs in at the desk: :func:`sign_in_staff` in its own unit of work
    (a failure is counted and recorded all the same)."""
    with database.write() as uow:
        return sign_in_staff(uow, username, password)
