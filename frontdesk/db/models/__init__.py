"""The district's data, one class a table (SQLAlchemy 2 typed declarative mapping), a module
an area: the district and its roster, staff, parents and what they ask for, letter codes, the
audit trail, the outbox, the counted attempts.

Every class is imported here, so ``Base.metadata`` holds every table once this package is
imported (alembic's ``env.py`` compares the migrations with it), and callers import the
classes from ``frontdesk.db.models``.

Secrets never sit here readable: ``*_hash`` columns hold argon2id hashes, ``*_digest``
columns keyed HMACs (see :mod:`frontdesk.security`). Times are UTC.
"""

from frontdesk.db.models.attempts import Attempt
from frontdesk.db.models.audit import ActorKind, AuditEvent
from frontdesk.db.models.base import NAMING, Base
from frontdesk.db.models.district import (
    Contact,
    District,
    RosterFile,
    School,
    Student,
    StudentPhoto,
)
from frontdesk.db.models.letter_codes import LetterCode
from frontdesk.db.models.outbox import MailStatus, OutboxMail
from frontdesk.db.models.parents import (
    AccountStatus,
    ApplicationStatus,
    EnrollmentApplication,
    IdentityCheck,
    IdType,
    LinkStatus,
    ParentAccount,
    PasswordReset,
    StudentLink,
)
from frontdesk.db.models.staff import Staff, StaffRole, StaffSchool

__all__ = [
    "NAMING",
    "AccountStatus",
    "ActorKind",
    "ApplicationStatus",
    "Attempt",
    "AuditEvent",
    "Base",
    "Contact",
    "District",
    "EnrollmentApplication",
    "IdType",
    "IdentityCheck",
    "LetterCode",
    "LinkStatus",
    "MailStatus",
    "OutboxMail",
    "ParentAccount",
    "PasswordReset",
    "RosterFile",
    "School",
    "Staff",
    "StaffRole",
    "StaffSchool",
    "Student",
    "StudentLink",
    "StudentPhoto",
]
