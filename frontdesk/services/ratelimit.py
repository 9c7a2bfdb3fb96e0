"""Rate limits kept in the database, so every kiosk and desk counts the same attempts."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select

from frontdesk.db.models import Attempt
from frontdesk.db.uow import UnitOfWork


class AttemptKind:
    """The kinds of attempts counted."""

    LINK_FAILED = "link_failed"
    ACCOUNT_CREATED = "account_created"
    SIGNIN_FAILED = "signin_failed"
    RESET_REQUESTED = "reset_requested"
    RESET_CODE_FAILED = "reset_code_failed"


def note(uow: UnitOfWork, kind: str, *subjects: str) -> None:
    """Count one attempt against each subject (``parent:12``, ``kiosk:lobby``…)."""
    now = uow.now()
    uow.session.add_all(
        Attempt(kind=kind, subject=subject, at=now, workstation=uow.workstation)
        for subject in subjects
    )


def recent(uow: UnitOfWork, kind: str, subject: str, window: timedelta) -> int:
    """How many attempts of ``kind`` against ``subject`` fall in the last ``window``."""
    since = uow.now() - window
    return (
        uow.session.scalar(
            select(func.count())
            .select_from(Attempt)
            .where(Attempt.kind == kind, Attempt.subject == subject, Attempt.at > since)
        )
        or 0
    )


def over_limit(uow: UnitOfWork, kind: str, limits: dict[str, int], window: timedelta) -> str | None:
    """The first subject whose count has reached its limit, or ``None``."""
    for subject, limit in limits.items():
        if recent(uow, kind, subject, window) >= limit:
            return subject
    return None


def forget(uow: UnitOfWork, kind: str, subject: str) -> None:
    """Clear the attempts of ``kind`` against ``subject`` (after an unlock or a success)."""
    uow.session.execute(delete(Attempt).where(Attempt.kind == kind, Attempt.subject == subject))


def prune(uow: UnitOfWork, older_than: timedelta) -> int:
    """Drop attempts older than any window; returns how many."""
    result = uow.session.execute(delete(Attempt).where(Attempt.at < uow.now() - older_than))
    return int(getattr(result, "rowcount", 0) or 0)


def typed_subject(uow: UnitOfWork, kind: str, typed: str) -> str:
    """The subject for something a person typed (an email, a user name): a keyed digest, so
    the attempts table never holds addresses that were only guessed."""
    return f"{kind}:{uow.runtime.keyring.digest('attempt-subject', kind, typed)[:32]}"
