"""Errors a user can cause. Each carries a translatable message, shown in the user's language.

Services raise these; screens show ``error.message`` and never a traceback. Field errors name
the form field so the message can stand beside it.
"""

from __future__ import annotations

import traceback
from pathlib import Path
from typing import ClassVar

from frontdesk.i18n import Msg


class DomainError(Exception):
    """A rule said no. ``message`` is what the user reads.

    ``recorded`` rejections (a failed attempt, a rate-limit hit) must be remembered even
    though they are errors: ``Database.write()`` commits before re-raising them. A service
    raising one has written nothing but the record of the rejection.
    """

    recorded: ClassVar[bool] = False

    def __init__(self, message: Msg) -> None:
        super().__init__(message.msgid)
        self.message = message


class FieldErrors(DomainError):
    """One or more form fields are wrong; ``fields`` maps field name to message."""

    def __init__(self, fields: dict[str, Msg]) -> None:
        super().__init__(Msg("Please correct the fields marked in red."))
        self.fields = fields


class EmailAlreadyRegistered(FieldErrors):
    """An account with that email exists. Counted and audited: it tells who has an account."""

    recorded = True

    def __init__(self) -> None:
        super().__init__(
            {
                "email": Msg(
                    "An account with this email already exists. Sign in, or use "
                    "'forgot my password'."
                )
            }
        )


class EmailNotOnRecord(FieldErrors):
    """The district requires the email to be a contact email on an enrolled student (R5).
    Counted and audited: it tells which addresses the schools have."""

    recorded = True

    def __init__(self) -> None:
        super().__init__(
            {
                "email": Msg(
                    "Use the email address the school has on your child's record, "
                    "or ask the front office to add it."
                )
            }
        )


class SignUpPaused(DomainError):
    """This workstation has said "already exists" or "not on record" as often as the district
    allows in the window: new accounts are made at the front office for now."""

    recorded = True

    def __init__(self) -> None:
        super().__init__(
            Msg(
                "New accounts cannot be made at this kiosk right now. Please see the front "
                "office: the staff there will make your account with you."
            )
        )


class StudentNotMatched(DomainError):
    """The identifiers matched no enrolled student. Deliberately says nothing of which."""

    recorded = True

    def __init__(self) -> None:
        super().__init__(
            Msg(
                "We could not find an enrolled student with that information. Check what "
                "you typed, or see the front office."
            )
        )


class LinkAlreadyExists(DomainError):
    """The parent already asked for (or has) this student."""

    def __init__(self) -> None:
        super().__init__(Msg("This student is already on your account."))


class AccountNotApproved(DomainError):
    """A denied account sees no student, not even the one its typed identifiers name."""

    def __init__(self) -> None:
        super().__init__(
            Msg("The school did not approve this account. Please see the front office.")
        )


class LinkNotFound(DomainError):
    """No such link request."""

    def __init__(self) -> None:
        super().__init__(Msg("That request no longer exists."))


class AlreadyDecided(DomainError):
    """Someone else decided the request first."""

    def __init__(self, decided_by: str, status: str) -> None:
        super().__init__(
            Msg("{name} already decided this request ({status}).", name=decided_by, status=status)
        )
        self.decided_by = decided_by
        self.status = status


class IdExpired(FieldErrors):
    """The photo ID presented has expired."""

    def __init__(self) -> None:
        super().__init__({"id_expires": Msg("This ID has expired. Ask for a valid photo ID.")})


class RateLimited(DomainError):
    """Too many attempts; the person is sent to the front office."""

    recorded = True

    def __init__(self) -> None:
        super().__init__(Msg("Too many attempts. Please see the front office for help."))


class SignInFailed(DomainError):
    """Wrong user name or password; says nothing of which."""

    recorded = True

    def __init__(self) -> None:
        super().__init__(Msg("The user name or password is not right."))


class AccountLocked(DomainError):
    """Too many failed sign-ins."""

    recorded = True

    def __init__(self) -> None:
        super().__init__(
            Msg("This account is locked after too many failed sign-ins. Please contact the school.")
        )


class NotAllowed(DomainError):
    """The signed-in person may not do this."""

    def __init__(self) -> None:
        super().__init__(Msg("You are not allowed to do that."))


class SessionEnded(DomainError):
    """The password changed since this session signed in."""

    def __init__(self) -> None:
        super().__init__(Msg("Your session has ended. Please sign in again."))


class PasswordChangeRequired(DomainError):
    """A temporary password must be changed before anything else."""

    def __init__(self) -> None:
        super().__init__(Msg("Change your temporary password first."))


class StorageUnavailable(DomainError):
    """The database could not be reached; nothing was lost, try again."""

    def __init__(self) -> None:
        super().__init__(
            Msg("The system is not answering right now. Please try again, or see the front office.")
        )


def safe_description(error: BaseException) -> str:
    """What a log may say of an unexpected error: its type, where it happened, and for
    database errors the SQLSTATE and constraint — never its message, which may quote what
    someone typed (PostgreSQL's "Key (email)=(…) already exists", pydantic's input values)."""
    parts = [type(error).__name__]
    original = getattr(error, "orig", None)
    diag = getattr(original, "diag", None)
    if original is not None:
        parts.append(type(original).__name__)
    sqlstate = getattr(original, "sqlstate", None)
    if sqlstate:
        parts.append(f"sqlstate={sqlstate}")
    constraint = getattr(diag, "constraint_name", None)
    if constraint:
        parts.append(f"constraint={constraint}")
    frames = traceback.extract_tb(error.__traceback__)
    where = " < ".join(f"{Path(f.filename).name}:{f.lineno}" for f in reversed(frames[-6:]))
    return " ".join(parts) + (f" at {where}" if where else "")
