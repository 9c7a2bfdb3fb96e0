"""Setting and changing a parent's password (R17, R18); forgotten passwords (R15, R16) are
:mod:`frontdesk.services.password_reset`, what support staff do about them (P1)
:mod:`frontdesk.services.support`.

Built as NIST SP 800-63B asks:

- A temporary password (a redeemed reset, or support's) is random, shown once, and must be
  changed at the next sign-in (R17). Changing a password asks for the current one (R18).
- Every password change bumps ``credentials_version``, which ends the account's other sessions,
  kills the account's open resets, and mails the owner how, when and where it happened
  (ASVS 6.3.7).
- No password is ever recorded.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pydantic import BaseModel, SecretStr
from sqlalchemy import ColumnElement, update

from frontdesk.db.models import AccountStatus, ParentAccount, PasswordReset
from frontdesk.db.uow import UnitOfWork
from frontdesk.errors import AccountLocked, FieldErrors
from frontdesk.i18n import Msg
from frontdesk.mail import messages
from frontdesk.mail.messages import PasswordEvent
from frontdesk.mail.outbox import enqueue
from frontdesk.services.audit import Actor, AuditAction, record
from frontdesk.services.password_policy import password_problem
from frontdesk.services.registration import REQUIRED
from frontdesk.services.sessions import ParentSession, current_parent, parent_session
from frontdesk.services.signin import (
    count_failure,
    forget_failures,
    hold_signin,
    parent_subject,
    password_matches,
)

if TYPE_CHECKING:
    from frontdesk.db.engine import Database

ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
"""Crockford's base-32 letters in lower case: no i, l, o or u to mistake for 1, 0 or v."""
TEMPORARY_GROUPS = 4
"""A temporary password is four groups of four: 16 × 5 = 80 random bits."""
CLOSED = (AccountStatus.DENIED, AccountStatus.DISABLED)
"""Accounts whose password nobody may set or reset."""


# --- errors ------------------------------------------------------------------------------------


class WrongCurrentPassword(FieldErrors):
    """The current password typed to change it is not right; counted like a failed sign-in."""

    recorded = True

    def __init__(self) -> None:
        super().__init__({"current": Msg("This is not your current password.")})


# --- what services hand back -----------------------------------------------------------------


@dataclass(frozen=True)
class TemporaryCredentials:
    """A temporary password, shown once and never stored readable."""

    email: str
    password: str


class PasswordChange(BaseModel):
    """The change-password form (R17 forced, R18 any time)."""

    current: SecretStr = SecretStr("")
    """The temporary password (R17) or the password in use (R18)."""
    new: SecretStr = SecretStr("")
    confirm: SecretStr = SecretStr("")

    def problems(
        self, min_length: int, email: str, names: tuple[str, ...], district: str = ""
    ) -> dict[str, Msg]:
        """What is wrong with the form, by field, before the current password is checked.

        ``email`` (a staff user name), ``names`` and ``district`` are words the new password
        must not be built on."""
        current = self.current.get_secret_value()
        new = self.new.get_secret_value()
        problems: dict[str, Msg] = {}
        if not current:
            problems["current"] = REQUIRED
        weak = password_problem(
            new, min_length=min_length, email=email, names=names, district=district
        )
        if weak is not None:
            problems["new"] = weak
        elif new == current:
            problems["new"] = Msg("Choose a password different from the one you have now.")
        elif new != self.confirm.get_secret_value():
            problems["confirm"] = Msg("The two passwords are not the same.")
        return problems


# --- secrets -------------------------------------------------------------------------------


def temporary_password() -> str:
    """A random password that is easy to read aloud and type: ``7kq2-m9xd-4hz0-pw3c``.

    Parents and staff get the same kind; it never has to pass the policy, being replaced at
    the next sign-in."""
    groups = ("".join(secrets.choice(ALPHABET) for _ in range(4)) for _ in range(TEMPORARY_GROUPS))
    return "-".join(groups)


# --- setting a password ------------------------------------------------------------------------


def _open_resets(parent_id: int) -> list[ColumnElement[bool]]:
    return [
        PasswordReset.parent_id == parent_id,
        PasswordReset.used_at.is_(None),
        PasswordReset.revoked_at.is_(None),
    ]


def revoke_open_resets(uow: UnitOfWork, parent_id: int) -> None:
    """End the account's unused resets: a new password, or a newer reset, replaces them."""
    uow.session.execute(
        update(PasswordReset)
        .where(*_open_resets(parent_id))
        .values(revoked_at=uow.now())
        .execution_options(synchronize_session=False)
    )


def _set_password(
    uow: UnitOfWork, parent: ParentAccount, password: str, *, temporary: bool, how: PasswordEvent
) -> None:
    """Store a new password: other sessions end, open resets die, failures are forgotten, and
    the owner is told by mail (so a change they did not make does not go unnoticed)."""
    parent.password_hash = uow.runtime.hasher.hash(password)
    parent.must_change_password = temporary
    parent.credentials_version += 1
    parent.password_changed_at = uow.now()
    revoke_open_resets(uow, parent.id)
    forget_failures(uow, parent_subject(uow, parent.email))
    enqueue(
        uow,
        messages.password_changed(
            parent.email,
            parent.language,
            uow.settings.district_name,
            parent.first_name,
            how=how,
            when=uow.now(),
            workstation=uow.workstation,
        ),
    )


def issue_temporary(
    uow: UnitOfWork, parent: ParentAccount, how: PasswordEvent
) -> TemporaryCredentials:
    """Give ``parent`` a random temporary password, to be changed at the next sign-in."""
    password = temporary_password()
    _set_password(uow, parent, password, temporary=True, how=how)
    # The lock guards the old password against guessing; a fresh random one replaces it.
    parent.locked_at = None
    return TemporaryCredentials(parent.email, password)


# --- changing the password (R17, R18) ------------------------------------------------------------


def change_password(uow: UnitOfWork, session: ParentSession, form: PasswordChange) -> ParentSession:
    """Change the signed-in parent's password; the current one (or the temporary one) is asked.

    Returns the new session of this kiosk: every other session of the account ends.
    """
    parent = current_parent(uow, session, changing_password=True)
    if parent.locked_at is not None:
        raise AccountLocked()
    current = form.current.get_secret_value()
    new = form.new.get_secret_value()
    settings = uow.settings
    problems = form.problems(
        settings.min_password_length,
        parent.email,
        (parent.first_name, parent.last_name),
        settings.district_name,
    )
    if problems:
        raise FieldErrors(problems)
    right = password_matches(uow, parent, current)
    subject = parent_subject(uow, parent.email)
    hold_signin(uow, subject)
    if not right:
        record(uow, Actor.parent(parent), AuditAction.PASSWORD_CHANGE_FAILED, ("parent", parent.id))
        if count_failure(uow, ParentAccount, parent, subject):
            raise AccountLocked()
        raise WrongCurrentPassword()
    forced = parent.must_change_password
    _set_password(uow, parent, new, temporary=False, how=PasswordEvent.CHANGED)
    record(
        uow, Actor.parent(parent), AuditAction.PASSWORD_CHANGE, ("parent", parent.id), forced=forced
    )
    return parent_session(parent)


def set_new_password(
    database: Database, session: ParentSession, change: PasswordChange
) -> ParentSession:
    """R17, R18: :func:`change_password` in one unit of work; this kiosk's new session."""
    with database.write() as uow:
        return change_password(uow, session, change)
