"""Staff accounts with roles and the schools a clerk serves (A1)."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import exists, func, select

from frontdesk import text
from frontdesk.db.engine import Database
from frontdesk.db.models import ActorKind, School, Staff, StaffRole
from frontdesk.db.uow import UnitOfWork
from frontdesk.errors import DomainError, FieldErrors
from frontdesk.i18n import Msg
from frontdesk.services.audit import Actor, AuditAction, record
from frontdesk.services.password_policy import password_problem
from frontdesk.services.passwords import PasswordChange, temporary_password
from frontdesk.services.sessions import StaffSession, current_staff, staff_session
from frontdesk.services.signin import forget_failures, staff_subject

_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
PIN_SHORTEST = 6
"""A new kiosk PIN has at least a million values (see ``kiosk.PIN_YEARS_TO_COVER``)."""
PIN_LONGEST = 8


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
    problems = text.field_problems({"display_name": display_name.strip()})
    if not _USERNAME.match(username):
        problems["username"] = Msg(
            "Use 2 to 64 lower-case letters, digits, dots, dashes or underscores."
        )
    elif uow.session.scalar(select(exists().where(Staff.username == username))):
        problems["username"] = Msg("This user name is taken.")
    weak = password_problem(
        password,
        min_length=uow.settings.min_password_length,
        # Only what can be kept is compared with the password (a megabyte is not).
        email=username if "username" not in problems else "",
        names=(display_name,) if "display_name" not in problems else (),
        district=uow.settings.district_name,
    )
    if weak is not None:
        problems["password"] = weak
    if pin is not None and (pin_problem := _pin_problem(pin)) is not None:
        problems["pin"] = pin_problem
    schools = _schools(uow, role, school_codes, problems)
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
    # Guesses at the user name before it existed must not lock the new account.
    forget_failures(uow, staff_subject(uow, username))
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


def _pin_problem(pin: str) -> Msg | None:
    if not (pin.isdigit() and PIN_SHORTEST <= len(pin) <= PIN_LONGEST):
        return Msg("A PIN is 6 to 8 digits.")
    return None


def _schools(
    uow: UnitOfWork, role: StaffRole, school_codes: Collection[str], problems: dict[str, Msg]
) -> list[School]:
    """The schools named by SIS code; problems with them go into ``problems``."""
    for code in school_codes:
        if (problem := text.field_problem("schools", code)) is not None:
            problems["schools"] = problem
            return []
    schools = list(uow.session.scalars(select(School).where(School.code.in_(list(school_codes)))))
    unknown = set(school_codes) - {s.code for s in schools}
    if unknown:
        problems["schools"] = Msg("Unknown school: {codes}", codes=", ".join(sorted(unknown)))
    if role is StaffRole.CLERK and not school_codes:
        problems["schools"] = Msg("A clerk serves at least one school.")
    return schools


@dataclass(frozen=True)
class StaffView:
    """A staff account as the staff accounts screen lists it."""

    id: int
    username: str
    display_name: str
    role: StaffRole
    school_codes: tuple[str, ...]
    active: bool
    locked: bool
    has_pin: bool
    must_change_password: bool


def _view(staff: Staff) -> StaffView:
    return StaffView(
        id=staff.id,
        username=staff.username,
        display_name=staff.display_name,
        role=staff.role,
        school_codes=tuple(sorted(s.code for s in staff.schools)),
        active=staff.active,
        locked=staff.locked_at is not None,
        has_pin=staff.pin_hash is not None,
        must_change_password=staff.must_change_password,
    )


class StaffNotFound(DomainError):
    """No staff account by that id or user name."""

    def __init__(self) -> None:
        super().__init__(Msg("There is no such staff account."))


class LastAdmin(DomainError):
    """The change would leave the district without an active administrator."""

    def __init__(self) -> None:
        super().__init__(
            Msg("This is the last active administrator: make another one before this change.")
        )


class NotYourself(DomainError):
    """An administrator may not disable their own account."""

    def __init__(self) -> None:
        super().__init__(Msg("You cannot disable your own account."))


def list_staff(uow: UnitOfWork) -> list[StaffView]:
    """Every staff account, active first, by user name."""
    rows = uow.session.scalars(select(Staff).order_by(Staff.active.desc(), Staff.username))
    return [_view(staff) for staff in rows]


def staff_by_username(uow: UnitOfWork, username: str) -> StaffView:
    """One account by user name (as typed: case and spaces do not matter)."""
    if not text.is_clean(username.strip(), text.USERNAME):
        raise StaffNotFound()
    staff = uow.session.scalars(
        select(Staff).where(Staff.username == username.strip().lower())
    ).one_or_none()
    if staff is None:
        raise StaffNotFound()
    return _view(staff)


def _get(uow: UnitOfWork, staff_id: int) -> Staff:
    staff = uow.session.get(Staff, staff_id)
    if staff is None:
        raise StaffNotFound()
    return staff


def _other_active_admins(uow: UnitOfWork, staff: Staff) -> int:
    return (
        uow.session.scalar(
            select(func.count()).where(
                Staff.role == StaffRole.ADMIN, Staff.active.is_(True), Staff.id != staff.id
            )
        )
        or 0
    )


def set_staff_active(uow: UnitOfWork, actor: Actor, staff_id: int, active: bool) -> StaffView:
    """Disable an account (its sessions end at once) or enable it again."""
    staff = _get(uow, staff_id)
    if not active and actor.id == staff.id and actor.kind is ActorKind.STAFF:
        raise NotYourself()
    if (
        not active
        and staff.role is StaffRole.ADMIN
        and staff.active
        and not _other_active_admins(uow, staff)
    ):
        raise LastAdmin()
    if staff.active != active:
        staff.active = active
        if not active:
            staff.credentials_version += 1
        record(
            uow, actor, AuditAction.STAFF_UPDATE, ("staff", staff.id),
            username=staff.username, changes={"active": {"old": not active, "new": active}},
        )  # fmt: skip
    return _view(staff)


def update_staff(
    uow: UnitOfWork,
    actor: Actor,
    staff_id: int,
    *,
    display_name: str,
    role: StaffRole,
    school_codes: Collection[str],
) -> StaffView:
    """Change an account's name, role and schools; audited with old and new values."""
    staff = _get(uow, staff_id)
    problems = text.field_problems({"display_name": display_name.strip()})
    schools = _schools(uow, role, school_codes, problems)
    if problems:
        raise FieldErrors(problems)
    demoted = staff.role is StaffRole.ADMIN and role is not StaffRole.ADMIN and staff.active
    if demoted and not _other_active_admins(uow, staff):
        raise LastAdmin()
    before = {
        "display_name": staff.display_name,
        "role": staff.role.value,
        "schools": sorted(s.code for s in staff.schools),
    }
    staff.display_name = display_name.strip() or staff.username
    staff.role = role
    staff.schools = schools
    after = {
        "display_name": staff.display_name,
        "role": role.value,
        "schools": sorted(s.code for s in schools),
    }
    changes = {k: {"old": before[k], "new": after[k]} for k in after if before[k] != after[k]}
    if changes:
        # Sessions carry the role and schools: make the person sign in again under the new ones.
        staff.credentials_version += 1
        record(
            uow, actor, AuditAction.STAFF_UPDATE, ("staff", staff.id),
            username=staff.username, changes=changes,
        )  # fmt: skip
    return _view(staff)


def reset_staff_password(uow: UnitOfWork, actor: Actor, staff_id: int) -> str:
    """Give the account a temporary password, returned once to be handed over in person.

    The account must choose a new password at its next sign-in; its sessions end and a lock
    from failed sign-ins is lifted.
    """
    staff = _get(uow, staff_id)
    password = temporary_password()
    staff.password_hash = uow.runtime.hasher.hash(password)
    staff.must_change_password = True
    staff.credentials_version += 1
    staff.locked_at = None
    forget_failures(uow, staff_subject(uow, staff.username))
    record(
        uow, actor, AuditAction.STAFF_UPDATE, ("staff", staff.id),
        username=staff.username, password_reset=True,
    )  # fmt: skip
    return password


def set_staff_pin(uow: UnitOfWork, actor: Actor, staff_id: int, pin: str | None) -> StaffView:
    """Set (or, with ``None``, remove) the PIN that lets this person leave kiosk mode."""
    staff = _get(uow, staff_id)
    if pin is not None and (problem := _pin_problem(pin)) is not None:
        raise FieldErrors({"pin": problem})
    staff.pin_hash = uow.runtime.hasher.hash(pin) if pin else None
    record(
        uow, actor, AuditAction.STAFF_UPDATE, ("staff", staff.id),
        username=staff.username, pin_set=pin is not None,
    )  # fmt: skip
    return _view(staff)


def change_staff_password(
    uow: UnitOfWork, session: StaffSession, form: PasswordChange
) -> StaffSession:
    """A staff member changes their own password (forced after a reset by an admin).

    Returns the new session: other sessions of the account end.
    """
    staff = current_staff(uow, session, changing_password=True)
    settings = uow.settings
    problems = form.problems(
        settings.min_password_length,
        staff.username,
        (staff.display_name,),
        settings.district_name,
    )
    if problems:
        raise FieldErrors(problems)
    current = form.current.get_secret_value()
    if not uow.runtime.hasher.verify(staff.password_hash, current):
        raise FieldErrors({"current": Msg("This is not your current password.")})
    staff.password_hash = uow.runtime.hasher.hash(form.new.get_secret_value())
    staff.must_change_password = False
    staff.credentials_version += 1
    record(uow, Actor.staff(staff), AuditAction.PASSWORD_CHANGE, ("staff", staff.id))
    return staff_session(staff)


def change_password_at_desk(
    database: Database, session: StaffSession, form: PasswordChange
) -> StaffSession:
    """:func:`change_staff_password` in its own unit of work; the new session."""
    with database.write() as uow:
        return change_staff_password(uow, session, form)
