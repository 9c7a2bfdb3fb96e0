"""How staff screens name the domain's states and kinds (English msgids, translated when shown).

Parents see their own wording of link states (``screens/kiosk/common.py``).
"""

from __future__ import annotations

from frontdesk.db.models import AccountStatus, IdType, LinkStatus
from frontdesk.i18n import N_

LINK_STATUSES = {
    LinkStatus.PENDING: N_("waiting"),
    LinkStatus.APPROVED: N_("approved"),
    LinkStatus.DENIED: N_("denied"),
    LinkStatus.REVOKED: N_("revoked"),
}

ACCOUNT_STATUSES = {
    AccountStatus.PENDING: N_("waiting for the photo-ID check"),
    AccountStatus.ACTIVE: N_("active"),
    AccountStatus.DENIED: N_("denied"),
    AccountStatus.DISABLED: N_("disabled"),
}

ID_TYPES = {
    IdType.DRIVER_LICENCE: N_("Driver license"),
    IdType.STATE_ID: N_("State ID"),
    IdType.PASSPORT: N_("Passport"),
    IdType.MILITARY_ID: N_("Military ID"),
    IdType.CONSULAR_ID: N_("Consular ID"),
    IdType.OTHER: N_("Other photo ID"),
}
"""The kinds of photo ID, worded for a US district."""

IDENTIFIERS = {
    "first_name": N_("first name"),
    "last_name": N_("last name"),
    "student_id": N_("student ID"),
    "birthdate": N_("birthdate"),
    "ssn_last4": N_("last 4 of SSN"),
}
"""What a parent typed that matched the student's record."""
