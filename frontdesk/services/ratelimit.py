"""Rate limits kept in the database, so every kiosk and desk counts the same attempts.

A limit is only a limit when its count and the record of the next attempt are one step:
``reached`` first *holds* its subjects for the rest of the transaction, so a second attempt on
the same subject waits until the first has committed its attempt (or given up), then counts
it. Call ``reached`` once per transaction, with every subject the action is limited by, before
any ``note``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select

from frontdesk.db.models import Attempt
from frontdesk.db.uow import UnitOfWork


class AttemptKind:
    """The kinds of attempts counted."""

    LINK_FAILED = "link_failed"
    ACCOUNT_CREATED = "account_created"
    """Sign-ups at a kiosk: accounts made (``workstation:…``) and answers that say whether an
    address is known (``email-answers:workstation:…``), held together by one ``reached``."""
    SIGNIN_FAILED = "signin_failed"
    SIGNIN_LOCKED = "signin_locked"
    """A typed address or user name locked by failed sign-ins, account or not."""
    RESET_REQUESTED = "reset_requested"
    RESET_CODE_FAILED = "reset_code_failed"


@dataclass(frozen=True)
class Limit:
    """At most ``most`` attempts against ``subject`` in any ``window``."""

    subject: str
    most: int
    window: timedelta


def _lock_key(kind: str, subject: str) -> int:
    digest = hashlib.blake2b(f"{kind}\x00{subject}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def hold(uow: UnitOfWork, kind: str, subjects: Iterable[str]) -> None:
    """Make this transaction the only one counting ``kind`` against ``subjects`` until it ends.

    PostgreSQL: a transaction-scoped advisory lock per subject, taken in one order (sorted) so
    two holders of overlapping subjects queue instead of deadlocking; each count after it runs
    in a fresh READ COMMITTED snapshot and so sees what the previous holder committed. SQLite
    needs nothing: a write transaction (BEGIN IMMEDIATE) already runs alone.
    """
    if uow.session.get_bind().dialect.name != "postgresql":
        return
    for key in sorted({_lock_key(kind, subject) for subject in subjects}):
        uow.session.execute(select(func.pg_advisory_xact_lock(key)))


def reached(uow: UnitOfWork, kind: str, limits: Sequence[Limit]) -> Limit | None:
    """Hold every subject, then the first limit whose count has reached its most, or ``None``."""
    hold(uow, kind, (limit.subject for limit in limits))
    counts = _counts(uow, kind, limits)
    for limit in limits:
        if counts.get((limit.subject, limit.window), 0) >= limit.most:
            return limit
    return None


def _counts(
    uow: UnitOfWork, kind: str, limits: Sequence[Limit]
) -> dict[tuple[str, timedelta], int]:
    """Every limit's count in one query (a link attempt has ten), by subject and window."""
    if not limits:
        return {}
    now = uow.now()
    windows = sorted({limit.window for limit in limits})
    rows = uow.session.execute(
        select(
            Attempt.subject,
            *(func.count().filter(Attempt.at > now - window) for window in windows),
        )
        .where(
            Attempt.kind == kind,
            Attempt.subject.in_({limit.subject for limit in limits}),
            Attempt.at > now - windows[-1],
        )
        .group_by(Attempt.subject)
    )
    return {
        (subject, window): n
        for subject, *counts in rows
        for window, n in zip(windows, counts, strict=True)
    }


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


def latest(
    uow: UnitOfWork, kind: str, subject: str, window: timedelta
) -> tuple[int, datetime | None]:
    """How many attempts of ``kind`` against ``subject`` fall in the last ``window``, and
    when the newest was (for limits that make each attempt wait longer than the last)."""
    since = uow.now() - window
    count, newest = uow.session.execute(
        select(func.count(), func.max(Attempt.at)).where(
            Attempt.kind == kind, Attempt.subject == subject, Attempt.at > since
        )
    ).one()
    return int(count or 0), newest


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
