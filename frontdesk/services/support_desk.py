"""What support staff do on the support desk (P1), one unit of work each.

The rules, the reason each action needs and its audit are :mod:`frontdesk.services.support`'s;
a missing or unusable reason comes back as ``FieldErrors`` on ``reason``.
"""

from __future__ import annotations

from frontdesk.db.engine import Database
from frontdesk.services.passwords import TemporaryCredentials
from frontdesk.services.sessions import StaffSession
from frontdesk.services.support import (
    ParentDetails,
    ParentSummary,
    StaffReason,
    find_parents,
    issue_temporary_password,
    parent_details,
    resend_reset_mail,
    unlock_parent,
)


def search_parents(database: Database, session: StaffSession, query: str) -> list[ParentSummary]:
    """The parents whose name, email or phone, or whose child's name or number, match."""
    with database.read() as uow:
        return find_parents(uow, session, query)


def read_parent(database: Database, session: StaffSession, parent_id: int) -> ParentDetails:
    """All the support desk shows of one account."""
    with database.read() as uow:
        return parent_details(uow, session, parent_id)


def unlock_account(database: Database, session: StaffSession, parent_id: int, reason: str) -> None:
    """Unlock an account locked by failed sign-ins, for ``reason``."""
    with database.write() as uow:
        unlock_parent(uow, session, parent_id, StaffReason(reason=reason))


def give_temporary_password(
    database: Database, session: StaffSession, parent_id: int, reason: str
) -> TemporaryCredentials:
    """A temporary password for the account, for ``reason``: returned once, to read out."""
    with database.write() as uow:
        return issue_temporary_password(uow, session, parent_id, StaffReason(reason=reason))


def send_new_reset_mail(
    database: Database, session: StaffSession, parent_id: int, reason: str
) -> None:
    """Mail the account a new reset code and link, for ``reason`` (older ones stop working)."""
    with database.write() as uow:
        resend_reset_mail(uow, session, parent_id, StaffReason(reason=reason))
