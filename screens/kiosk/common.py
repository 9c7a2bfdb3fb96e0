"""Wording the kiosk screens share: link and account states in the parent's language."""

from __future__ import annotations

from frontdesk.db.models import LinkStatus
from frontdesk.i18n import N_, _
from frontdesk.services.portal import PortalStudent

LINK_STATUS = {
    LinkStatus.PENDING: N_("Waiting for the school to verify"),
    LinkStatus.APPROVED: N_("Linked: you can see this student's records"),
    LinkStatus.DENIED: N_("Not approved by the school"),
    LinkStatus.REVOKED: N_("Access ended by the school"),
}


def link_status(status: LinkStatus) -> str:
    """A link's state, said plainly."""
    return _(LINK_STATUS[status])


def student_line(student: PortalStudent) -> str:
    """One line of the student listing; a refused request names no one."""
    if student.first_name is None:
        return _("A request to see a student's records") + f" — {link_status(student.status)}"
    return (
        f"{student.first_name} {student.last_name} · {student.school_name} — "
        f"{link_status(student.status)}"
    )
