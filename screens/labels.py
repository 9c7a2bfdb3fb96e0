"""How the screens name the domain's states and roles, and frontdesk's own wording of the
district's texts (English msgids, translated when shown).

Parents see their own wording of link states (``screens/kiosk/common.py``).
"""

from __future__ import annotations

from frontdesk.db.models import AccountStatus, IdType, LinkStatus, StaffRole
from frontdesk.district_settings import TextKey
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

ROLE_NAMES = {
    StaffRole.CLERK: N_("clerk"),
    StaffRole.SUPPORT: N_("support"),
    StaffRole.ADMIN: N_("administrator"),
}

ID_TYPES = {
    IdType.DRIVER_LICENCE: N_("Driver license"),
    IdType.STATE_ID: N_("State ID"),
    IdType.PASSPORT: N_("Passport"),
    IdType.MILITARY_ID: N_("Military ID"),
    IdType.CONSULAR_ID: N_("Consular ID"),
    IdType.OTHER: N_("Other photo ID"),
}
"""The kinds of photo ID the desk checks, worded for a US district."""

IDENTIFIERS = {
    "first_name": N_("first name"),
    "last_name": N_("last name"),
    "student_id": N_("student ID"),
    "birthdate": N_("birthdate"),
    "ssn_last4": N_("last 4 of SSN"),
    "letter_code": N_("letter code"),
}
"""What a parent typed that matched the student's record."""

# frontdesk's own wording, used where the district has none for the language (R1).
DEFAULT_TEXTS: dict[TextKey, str] = {
    TextKey.WELCOME_TITLE: N_("Parent Portal Registration"),
    TextKey.WELCOME_MESSAGE: N_(
        "Welcome! Here you can make a parent portal account, add your children to it, and "
        "apply to enroll a new child. Choose the button that fits you."
    ),
    TextKey.NEW_ACCOUNT_BUTTON: N_(
        "I DO NOT have an Account Registered on the Parent Portal but my child is Actively Enrolled"
    ),
    TextKey.ADD_CHILD_BUTTON: N_(
        "I have an Account Registered on the Parent Portal but would like to ADD A CHILD"
    ),
    TextKey.FORGOT_PASSWORD_BUTTON: N_(
        "I have Forgotten My Password and would like to generate a new one"
    ),
}
