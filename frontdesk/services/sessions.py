"""Signed-in parents and staff: who they are and whether their session still holds."""

from __future__ import annotations

from dataclasses import dataclass

from frontdesk.db.models import AccountStatus, ParentAccount, Staff, StaffRole
from frontdesk.db.uow import UnitOfWork
from frontdesk.errors import NotAllowed, PasswordChangeRequired, SessionEnded

DECIDERS = (StaffRole.CLERK, StaffRole.ADMIN)
"""The staff who decide requests at the desk: they check photo IDs, approve, deny and revoke,
and issue letters."""


@dataclass(frozen=True)
class ParentSession:
    """A parent signed in at a kiosk or browser; ends when the password changes."""

    parent_id: int
    credentials_version: int
    must_change_password: bool = False
    new_account: bool = False
    """The account was made in this visit (the kiosk says it is ready)."""


@dataclass(frozen=True)
class StaffSession:
    """A staff member signed in at a desk."""

    staff_id: int
    username: str
    display_name: str
    role: StaffRole
    school_ids: frozenset[int]
    credentials_version: int
    must_change_password: bool = False

    def serves(self, school_id: int) -> bool:
        """Whether this staff member may act for ``school_id`` (admins serve every school)."""
        return self.role is StaffRole.ADMIN or school_id in self.school_ids


def current_parent(
    uow: UnitOfWork, session: ParentSession, *, changing_password: bool = False
) -> ParentAccount:
    """The parent behind ``session``; ``SessionEnded`` if the password changed since.

    While a temporary password is unchanged, nothing but changing it is allowed (R17): the
    rule lives here, not only in the screens, so no other path reaches a child's data.
    """
    parent = uow.session.get(ParentAccount, session.parent_id)
    if (
        parent is None
        or parent.credentials_version != session.credentials_version
        or parent.status in (AccountStatus.DISABLED,)
    ):
        raise SessionEnded()
    if parent.must_change_password and not changing_password:
        raise PasswordChangeRequired()
    return parent


def current_staff(
    uow: UnitOfWork, session: StaffSession, *roles: StaffRole, changing_password: bool = False
) -> Staff:
    """The staff member behind ``session``, if still active and in one of ``roles``.

    After an admin's reset, nothing but changing the temporary password is allowed.
    """
    staff = uow.session.get(Staff, session.staff_id)
    if (
        staff is None
        or not staff.active
        or staff.credentials_version != session.credentials_version
    ):
        raise SessionEnded()
    if staff.must_change_password and not changing_password:
        raise PasswordChangeRequired()
    if roles and staff.role not in roles and staff.role is not StaffRole.ADMIN:
        raise NotAllowed()
    return staff


def staff_session(staff: Staff) -> StaffSession:
    """The session of a staff member who just signed in."""
    return StaffSession(
        staff_id=staff.id,
        username=staff.username,
        display_name=staff.display_name,
        role=staff.role,
        school_ids=frozenset(s.id for s in staff.schools),
        credentials_version=staff.credentials_version,
        must_change_password=staff.must_change_password,
    )


def parent_session(parent: ParentAccount) -> ParentSession:
    """The session of a parent who just signed in (or just registered)."""
    return ParentSession(parent.id, parent.credentials_version, parent.must_change_password)
