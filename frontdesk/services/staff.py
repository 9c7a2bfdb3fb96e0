"""Staff accounts with roles and the schools a clerk serves (A1)."""

from __future__ import annotations

import re
from collections.abc import Collection

from sqlalchemy import exists, select

from frontdesk.db.models import School, Staff, StaffRole
from frontdesk.db.uow import UnitOfWork
from frontdesk.errors import FieldErrors
from frontdesk.i18n import Msg
from frontdesk.services.audit import Actor, AuditAction, record
from frontdesk.services.password_policy import password_problem

_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")


def create_staff(
    uow: UnitOfWork,
    actor: Actor,
    *,
    username: str,
    display_name: str,
    role: StaffRole,
    password: str,
    school_codes: Collection[str] = (),
    pin: str | None = None,
) -> Staff:
    """Add a staff member; clerks serve the schools named by SIS code."""
    username = username.strip().lower()
    problems: dict[str, Msg] = {}
    if not _USERNAME.match(username):
        problems["username"] = Msg(
            "Use 2 to 64 lower-case letters, digits, dots, dashes or underscores."
        )
    elif uow.session.scalar(select(exists().where(Staff.username == username))):
        problems["username"] = Msg("This user name is taken.")
    weak = password_problem(
        password,
        min_length=uow.settings.min_password_length,
        email=username,
        names=(display_name,),
    )
    if weak is not None:
        problems["password"] = weak
    if pin is not None and not (pin.isdigit() and 4 <= len(pin) <= 12):
        problems["pin"] = Msg("A PIN is 4 to 12 digits.")
    schools = list(uow.session.scalars(select(School).where(School.code.in_(list(school_codes)))))
    unknown = set(school_codes) - {s.code for s in schools}
    if unknown:
        problems["schools"] = Msg("Unknown school: {codes}", codes=", ".join(sorted(unknown)))
    if role is StaffRole.CLERK and not school_codes:
        problems["schools"] = Msg("A clerk serves at least one school.")
    if problems:
        raise FieldErrors(problems)
    hasher = uow.runtime.hasher
    staff = Staff(
        username=username,
        display_name=display_name.strip() or username,
        role=role,
        password_hash=hasher.hash(password),
        pin_hash=hasher.hash(pin) if pin else None,
        created_at=uow.now(),
        schools=schools,
    )
    uow.session.add(staff)
    uow.session.flush()
    record(
        uow,
        actor,
        AuditAction.STAFF_CREATE,
        ("staff", staff.id),
        username=username,
        role=role.value,
        schools=sorted(s.code for s in schools),
    )
    return staff
