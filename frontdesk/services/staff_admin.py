"""What an administrator does on the staff accounts screen (A1), one unit of work each.

Every action checks that the session is still an active administrator's and is audited
under their name (by :mod:`frontdesk.services.staff`, which holds the rules).
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, SecretStr

from frontdesk.db.engine import Database
from frontdesk.db.models import StaffRole
from frontdesk.db.uow import UnitOfWork
from frontdesk.services.audit import Actor
from frontdesk.services.schools import SchoolView, list_schools
from frontdesk.services.sessions import StaffSession, current_staff
from frontdesk.services.staff import (
    StaffView,
    create_staff,
    list_staff,
    reset_staff_password,
    set_staff_active,
    set_staff_pin,
    update_staff,
)


@dataclass(frozen=True)
class StaffDirectory:
    """Every staff account and every school a clerk may serve."""

    accounts: list[StaffView]
    schools: list[SchoolView]


class StaffForm(BaseModel):
    """The staff account form as submitted (the password and PIN count for a new account)."""

    model_config = ConfigDict(frozen=True)

    username: str = ""
    display_name: str = ""
    role: StaffRole = StaffRole.CLERK
    school_codes: tuple[str, ...] = ()
    password: SecretStr = SecretStr("")
    pin: SecretStr | None = None
    """The kiosk-exit PIN; ``None`` for none."""


def _admin(uow: UnitOfWork, session: StaffSession) -> Actor:
    return Actor.staff(current_staff(uow, session, StaffRole.ADMIN))


def staff_directory(database: Database, session: StaffSession) -> StaffDirectory:
    """The accounts and schools the screen lists (administrators only)."""
    with database.read() as uow:
        _admin(uow, session)
        return StaffDirectory(list_staff(uow), list_schools(uow))


def save_staff_account(
    database: Database, session: StaffSession, staff_id: int | None, form: StaffForm
) -> int:
    """Create the account of ``form`` (``staff_id`` ``None``), or save an existing one's name,
    role and schools; returns its id. Mistakes come back as ``FieldErrors`` by form field."""
    with database.write() as uow:
        actor = _admin(uow, session)
        if staff_id is None:
            staff = create_staff(
                uow,
                actor,
                username=form.username,
                display_name=form.display_name,
                role=form.role,
                password=form.password.get_secret_value(),
                school_codes=form.school_codes,
                pin=form.pin.get_secret_value() if form.pin is not None else None,
            )
            return staff.id
        return update_staff(
            uow,
            actor,
            staff_id,
            display_name=form.display_name,
            role=form.role,
            school_codes=form.school_codes,
        ).id


def set_kiosk_pin(
    database: Database, session: StaffSession, staff_id: int, pin: SecretStr | None
) -> StaffView:
    """Set (``None``: remove) the PIN that lets this staff member leave kiosk mode."""
    with database.write() as uow:
        actor = _admin(uow, session)
        return set_staff_pin(
            uow, actor, staff_id, pin.get_secret_value() if pin is not None else None
        )


def set_account_active(
    database: Database, session: StaffSession, staff_id: int, active: bool
) -> StaffView:
    """Enable the account, or disable it (its sessions end at once)."""
    with database.write() as uow:
        return set_staff_active(uow, _admin(uow, session), staff_id, active)


def issue_staff_password(database: Database, session: StaffSession, staff_id: int) -> str:
    """A temporary password for the account, returned once to hand over in person."""
    with database.write() as uow:
        return reset_staff_password(uow, _admin(uow, session), staff_id)
