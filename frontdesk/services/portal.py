"""The portal landing (R13): the parent's children and what is still needed.

A denied or revoked link shows no student data (V3): only that a request was not approved.
A denied or disabled account shows none at all, whatever its links say.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import select

from frontdesk.db.models import AccountStatus, LinkStatus, Student, StudentLink
from frontdesk.db.uow import UnitOfWork
from frontdesk.services.letter_codes import LETTER_CODE
from frontdesk.services.passwords import CLOSED
from frontdesk.services.sessions import ParentSession, current_parent

if TYPE_CHECKING:
    from frontdesk.db.engine import Database


class Alert(StrEnum):
    """Something the parent still has to do."""

    VISIT_SCHOOL = "visit_school"
    """Show a valid photo ID at the school before student data can be seen."""
    EMAIL_NOTIFICATIONS = "email_notifications"
    """Not set up to receive email notifications (opens the preferences, R14)."""
    ACCOUNT_DENIED = "account_denied"
    """The school did not approve the account; the front office can help."""
    LETTER_WAITING = "letter_waiting"
    """Every request waiting was made with a letter code (L1): the letter is the proof, so
    the school decides without a visit."""


@dataclass(frozen=True)
class PortalStudent:
    """One child link as the landing lists it; no names when the link was refused."""

    link_id: int
    status: LinkStatus
    first_name: str | None
    last_name: str | None
    school_name: str | None
    grade: str | None


@dataclass(frozen=True)
class PortalView:
    """Everything the landing shows."""

    parent_name: str
    account_status: AccountStatus
    students: list[PortalStudent]
    alerts: list[Alert]


_SHOWN = (LinkStatus.PENDING, LinkStatus.APPROVED)


def portal_view(uow: UnitOfWork, session: ParentSession) -> PortalView:
    """The landing of the signed-in parent."""
    parent = current_parent(uow, session)
    # A denied or disabled account shows no child at all, whatever its links say: the account
    # is checked here, not only each link (a link approved by mistake stays hidden).
    rows = (
        uow.session.execute(
            select(StudentLink, Student)
            .join(Student, Student.id == StudentLink.student_id)
            .where(StudentLink.parent_id == parent.id)
            .order_by(StudentLink.requested_at, StudentLink.id)
        ).all()
        if parent.status not in CLOSED
        else []
    )
    # A student who left the roster (inactive after an import, A2) shows no data either.
    students = [
        PortalStudent(
            link_id=link.id,
            status=link.status,
            first_name=student.first_name if shown else None,
            last_name=student.last_name if shown else None,
            school_name=student.school.name if shown else None,
            grade=student.grade if shown else None,
        )
        for link, student in rows
        for shown in (link.status in _SHOWN and student.active,)
    ]
    waiting = [link for link, _student in rows if link.status is LinkStatus.PENDING]
    by_letter = bool(waiting) and all(LETTER_CODE in link.matched_identifiers for link in waiting)
    alerts: list[Alert] = []
    if parent.status is AccountStatus.DENIED:
        alerts.append(Alert.ACCOUNT_DENIED)
    elif parent.status is AccountStatus.PENDING and by_letter:
        alerts.append(Alert.LETTER_WAITING)  # no photo-ID visit is asked for these
    elif uow.settings.photo_id_visit_required and parent.status is AccountStatus.PENDING:
        alerts.append(Alert.VISIT_SCHOOL)
    if not parent.email_notifications:
        alerts.append(Alert.EMAIL_NOTIFICATIONS)
    return PortalView(
        parent_name=f"{parent.first_name} {parent.last_name}",
        account_status=parent.status,
        students=students,
        alerts=alerts,
    )


def open_portal(database: Database, session: ParentSession) -> PortalView:
    """The landing of the signed-in parent (:func:`portal_view`), in its own unit of work."""
    with database.read() as uow:
        return portal_view(uow, session)
