"""The photo-ID check at the counter (V2), and what proves who a parent is for an approval.

A clerk records the check after looking at the ID: its type, the last 4 characters of its
number (the only part ever kept, read by :func:`kept_last4`, the one rule), its expiry (an
expired ID is refused), whether the name matches, and notes. An approval stands on a check
whose name matched, or on a letter code mailed to a guardian on record and used for the link
(L1); :mod:`frontdesk.services.verification` asks for one of the two.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select

from frontdesk import text
from frontdesk.db.models import IdentityCheck, IdType, LetterCode, ParentAccount
from frontdesk.db.uow import UnitOfWork
from frontdesk.errors import FieldErrors, IdExpired, LinkNotFound
from frontdesk.i18n import Msg
from frontdesk.services.audit import Actor, AuditAction, record
from frontdesk.services.sessions import DECIDERS, StaffSession, current_staff


class IdentityCheckForm(BaseModel):
    """What the clerk records after looking at the photo ID."""

    model_config = ConfigDict(str_strip_whitespace=True)

    id_type: IdType
    id_last4: str
    id_expires: date
    name_matches: bool
    notes: str = ""


LAST4_PROBLEM = Msg("Enter the last 4 characters of the ID number.")


def kept_last4(typed: str) -> str | None:
    """The last 4 characters of an ID number as they are kept (spaces and dashes dropped,
    upper case), or ``None`` when ``typed`` is not 4 letters or digits: the one rule."""
    last4 = typed.strip().replace(" ", "").replace("-", "")
    return last4.upper() if len(last4) == 4 and last4.isalnum() else None


def record_identity_check(
    uow: UnitOfWork, session: StaffSession, parent_id: int, form: IdentityCheckForm
) -> int:
    """Record an in-person photo-ID check of a parent; refuses an expired ID."""
    staff = current_staff(uow, session, *DECIDERS)
    parent = uow.session.get(ParentAccount, parent_id)
    if parent is None:
        raise LinkNotFound()
    problems = text.field_problems({"notes": form.notes})
    last4 = kept_last4(form.id_last4)
    if last4 is None:
        problems["id_last4"] = LAST4_PROBLEM
    if problems or last4 is None:
        raise FieldErrors(problems)
    if form.id_expires < uow.now().date():
        raise IdExpired()
    check = IdentityCheck(
        parent_id=parent.id,
        staff_id=staff.id,
        id_type=form.id_type,
        id_last4=last4,
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


def made_by_letter(uow: UnitOfWork, link_id: int) -> bool:
    """Whether a letter code mailed to a guardian on record was used for this link (L1): the
    letter proves what the photo-ID check would, so the clerk may approve without one."""
    return (
        uow.session.scalar(
            select(LetterCode.id)
            .where(LetterCode.link_id == link_id, LetterCode.used_at.is_not(None))
            .limit(1)
        )
        is not None
    )
