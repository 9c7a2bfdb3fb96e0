"""The audit trail (A3): who did what, when, from which workstation. Never a secret."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from frontdesk.db.models import ActorKind, AuditEvent, ParentAccount, Staff
from frontdesk.db.uow import UnitOfWork


class AuditAction(StrEnum):
    """Everything the trail records."""

    PARENT_REGISTER = "parent.register"
    PARENT_REGISTER_EMAIL_KNOWN = "parent.register_email_known"
    """Sign-up told whether an address has an account or is on record (R5): who asked."""
    PARENT_SIGNIN = "parent.signin"
    PARENT_SIGNIN_FAILED = "parent.signin_failed"
    LINK_REQUEST = "link.request"
    LINK_REQUEST_FAILED = "link.request_failed"
    LINK_APPROVE = "link.approve"
    LINK_DENY = "link.deny"
    LINK_REVOKE = "link.revoke"
    ACCOUNT_APPROVE = "account.approve"
    ACCOUNT_DENY = "account.deny"
    ACCOUNT_DISABLE = "account.disable"
    ACCOUNT_UNLOCK = "account.unlock"
    IDENTITY_CHECK = "identity.check"
    ENROLLMENT_APPLY = "enrollment.apply"
    STUDENT_DISCLOSE = "student.disclose"
    RATE_LIMITED = "rate_limited"
    PASSWORD_RESET_REQUEST = "password.reset_request"
    PASSWORD_RESET = "password.reset"
    PASSWORD_RESET_FAILED = "password.reset_failed"
    PASSWORD_TEMPORARY = "password.temporary"
    PASSWORD_CHANGE = "password.change"
    PASSWORD_CHANGE_FAILED = "password.change_failed"
    MAIL_RESEND = "mail.resend"
    STAFF_SIGNIN = "staff.signin"
    STAFF_SIGNIN_FAILED = "staff.signin_failed"
    STAFF_CREATE = "staff.create"
    STAFF_UPDATE = "staff.update"
    SETTINGS_CHANGE = "settings.change"
    ROSTER_IMPORT = "roster.import"
    PARENT_PREFERENCES = "parent.preferences"
    KIOSK_EXIT = "kiosk.exit"
    KIOSK_EXIT_FAILED = "kiosk.exit_failed"
    LETTER_ISSUE = "letter.issue"
    LETTER_PRINT = "letter.print"
    LETTER_USE = "letter.use"
    LETTER_REVOKE = "letter.revoke"
    LETTER_REFUSED = "letter.refused"
    """A letter code typed at a kiosk or browser was refused (unknown, used, expired…)."""


# Detail keys that would put a secret in the trail; a service passing one is a bug.
_SECRET_KEYS = frozenset(
    {"password", "new_password", "token", "code", "ssn", "ssn_last4", "id_number", "pin"}
)


@dataclass(frozen=True)
class Actor:
    """Who acts: a staff member, a parent, or the system itself."""

    kind: ActorKind
    id: int | None
    name: str

    @classmethod
    def staff(cls, staff: Staff) -> Actor:
        """A staff member, named by user name."""
        return cls(ActorKind.STAFF, staff.id, staff.username)

    @classmethod
    def parent(cls, parent: ParentAccount) -> Actor:
        """A parent, named by account number: what a parent typed (their email, their name)
        stays out of the trail; the account row says who it is."""
        return cls(ActorKind.PARENT, parent.id, f"parent #{parent.id}")

    @classmethod
    def system(cls, name: str = "frontdesk") -> Actor:
        """frontdesk itself, or a command run by an operator."""
        return cls(ActorKind.SYSTEM, None, name)


ANONYMOUS = Actor(ActorKind.PARENT, None, "(kiosk)")
"""A parent not signed in (e.g. asking for a password reset)."""


def record(
    uow: UnitOfWork,
    actor: Actor,
    action: AuditAction,
    subject: tuple[str, int] | None = None,
    **details: Any,
) -> AuditEvent:
    """Add one event to the trail, in the caller's transaction."""
    leaked = _SECRET_KEYS & details.keys()
    if leaked:
        raise ValueError(f"secret detail keys in an audit row: {sorted(leaked)}")
    event = AuditEvent(
        at=uow.now(),
        actor_kind=actor.kind,
        actor_id=actor.id,
        actor_name=actor.name,
        action=action.value,
        subject_kind=subject[0] if subject else None,
        subject_id=subject[1] if subject else None,
        workstation=uow.workstation,
        details=details,
    )
    uow.session.add(event)
    return event
