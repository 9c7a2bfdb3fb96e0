"""The desk's decisions at the counter (V2, V3), each one key press and one transaction.

``record_check`` records the photo-ID check alone (F2). ``decide`` approves a child or the
whole family, denies or revokes a child, or denies the account; with the check form filled in,
the check is recorded in the same transaction, so an approval never stands without the check
it relied on, nor a check for an approval that did not go through.

The form arrives as the clerk typed it (:class:`TypedIdentityCheck`) and is read here, the one
way: :func:`identity_check_form` puts each problem beside its field, with the last-4 rule of
``identity_checks.kept_last4``; the desk calls it too, to answer before asking for a confirmation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import assert_never

from frontdesk import text
from frontdesk.db.engine import Database
from frontdesk.db.models import IdType
from frontdesk.db.uow import UnitOfWork
from frontdesk.errors import FieldErrors, IdExpired
from frontdesk.i18n import Msg, date_input_pattern, parse_date
from frontdesk.services.identity_checks import (
    LAST4_PROBLEM,
    IdentityCheckForm,
    kept_last4,
    record_identity_check,
)
from frontdesk.services.sessions import StaffSession
from frontdesk.services.verification import (
    approve_family,
    approve_link,
    deny_account,
    deny_link,
    revoke_link,
)

ID_EXPIRED: Msg = IdExpired().fields["id_expires"]
"""What the clerk reads beside the expiry date of an expired ID."""


@dataclass(frozen=True)
class TypedIdentityCheck:
    """The photo-ID check form as the clerk typed it, before it is read."""

    id_type: IdType
    id_last4: str
    id_expires: str
    """The expiry date as typed: the clerk's language's short form, or ISO ``YYYY-MM-DD``."""
    name_matches: bool
    notes: str = ""


def expired_problem(typed_expiry: str, today: date) -> Msg | None:
    """What to say beside an expiry date typed so far: that the ID has expired, or nothing
    (also for a date not typed to its end yet)."""
    try:
        expires = parse_date(typed_expiry)
    except ValueError:
        return None
    return ID_EXPIRED if expires < today else None


def identity_check_form(typed: TypedIdentityCheck, today: date) -> IdentityCheckForm:
    """The check as typed, read for recording on ``today``; raises :class:`FieldErrors` with
    every problem beside its field (the last 4, the expiry date, the notes)."""
    problems = text.field_problems({"notes": typed.notes})
    if kept_last4(typed.id_last4) is None:
        problems["id_last4"] = LAST4_PROBLEM
    expires: date | None = None
    try:
        expires = parse_date(typed.id_expires)
    except ValueError:
        problems["id_expires"] = Msg("Enter the date like {pattern}.", pattern=date_input_pattern())
    if expires is not None and expires < today:
        problems["id_expires"] = ID_EXPIRED
    if problems or expires is None:
        raise FieldErrors(problems)
    return IdentityCheckForm(
        id_type=typed.id_type,
        id_last4=typed.id_last4,
        id_expires=expires,
        name_matches=typed.name_matches,
        notes=typed.notes,
    )


@dataclass(frozen=True)
class Approve:
    """Approve one waiting child."""

    link_id: int


@dataclass(frozen=True)
class ApproveFamily:
    """Approve exactly these waiting children: the ones the clerk was shown and confirmed."""

    link_ids: tuple[int, ...]


@dataclass(frozen=True)
class Deny:
    """Deny one waiting child, with a reason the parent reads."""

    link_id: int
    reason: str


@dataclass(frozen=True)
class Revoke:
    """Take back one approved child (a custody change), with a reason the parent reads."""

    link_id: int
    reason: str


@dataclass(frozen=True)
class DenyAccount:
    """Deny the parent's account and what it waits for at the clerk's schools."""

    reason: str


Decision = Approve | ApproveFamily | Deny | Revoke | DenyAccount
"""What a clerk can decide about a request."""


def check_and_decide(
    uow: UnitOfWork,
    session: StaffSession,
    parent_id: int,
    decision: Decision,
    check: IdentityCheckForm | None = None,
) -> None:
    """In ``uow``: record ``check`` (when given), then ``decision``."""
    if check is not None:
        record_identity_check(uow, session, parent_id, check)
    match decision:
        case Approve(link_id):
            approve_link(uow, session, link_id)
        case ApproveFamily(link_ids):
            approve_family(uow, session, parent_id, link_ids)
        case Deny(link_id, reason):
            deny_link(uow, session, link_id, reason)
        case Revoke(link_id, reason):
            revoke_link(uow, session, link_id, reason)
        case DenyAccount(reason):
            deny_account(uow, session, parent_id, reason)
        case _:
            assert_never(decision)


def _today(database: Database) -> date:
    return database.runtime.clock().date()


def decide(
    database: Database,
    session: StaffSession,
    parent_id: int,
    decision: Decision,
    check: TypedIdentityCheck | None = None,
) -> None:
    """Decide about ``parent_id``'s request, after recording the photo-ID check ``check`` (the
    form as typed, when the clerk filled it in), all in one transaction.

    Raises :class:`FieldErrors` for the form (nothing is written), and the decision's own
    domain errors (``AlreadyDecided`` names who was first, ``CheckRequired``…).
    """
    # Read before the transaction: a form typed wrong does not wait for the write lock.
    form = identity_check_form(check, _today(database)) if check is not None else None
    database.transact(lambda uow: check_and_decide(uow, session, parent_id, decision, form))


def record_check(
    database: Database, session: StaffSession, parent_id: int, check: TypedIdentityCheck
) -> int:
    """Record the photo-ID check alone, as typed; the check's id."""
    form = identity_check_form(check, _today(database))
    with database.write() as uow:
        return record_identity_check(uow, session, parent_id, form)
