"""The district's data, one class a table (SQLAlchemy 2 typed declarative mapping).

Secrets never sit here readable: ``*_hash`` columns hold argon2id hashes, ``*_digest``
columns keyed HMACs (see :mod:`frontdesk.security`). Times are UTC.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    orm,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from frontdesk.db.types import UtcDateTime, str_enum

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base of every table; constraint names are fixed so migrations name them the same."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UtcDateTime,
        dict[str, Any]: JSON,
        list[str]: JSON,
    }


# --- enums -------------------------------------------------------------------------------


class AccountStatus(StrEnum):
    """Where a parent account stands."""

    PENDING = "pending"  # made, waiting for the in-person photo-ID check
    ACTIVE = "active"
    DENIED = "denied"
    DISABLED = "disabled"


class LinkStatus(StrEnum):
    """Where a parent's request to see a student stands."""

    PENDING = "pending"
    APPROVED = "approved"
    DENIED = "denied"
    REVOKED = "revoked"


class StaffRole(StrEnum):
    """What a staff member may do."""

    CLERK = "clerk"  # checks photo ID, decides requests for their schools
    SUPPORT = "support"  # password resets and unlocks, district-wide
    ADMIN = "admin"  # everything, every school


class IdType(StrEnum):
    """Kinds of photo ID a front office accepts."""

    DRIVER_LICENCE = "driver_licence"
    STATE_ID = "state_id"
    PASSPORT = "passport"
    MILITARY_ID = "military_id"
    CONSULAR_ID = "consular_id"
    OTHER = "other"


class ApplicationStatus(StrEnum):
    """Where an enrollment application stands."""

    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class ActorKind(StrEnum):
    """Who did something recorded in the audit trail."""

    STAFF = "staff"
    PARENT = "parent"
    SYSTEM = "system"


class MailStatus(StrEnum):
    """Where a mail in the outbox stands."""

    QUEUED = "queued"
    SENT = "sent"


# --- the district and its roster -----------------------------------------------------------


class District(Base):
    """The one row of district-wide settings (R19), validated by ``DistrictSettings``."""

    __tablename__ = "district"

    id: Mapped[int] = mapped_column(primary_key=True)
    settings: Mapped[dict[str, Any]]
    version: Mapped[int] = mapped_column(default=1)
    """Bumped on every change, so running kiosks notice and reload."""
    key_fingerprint: Mapped[str] = mapped_column(String(16))
    """Which key file belongs to this database (see ``Keyring.fingerprint``)."""
    updated_at: Mapped[datetime]


class School(Base):
    """A school of the district, as the SIS names it."""

    __tablename__ = "schools"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    """The SIS's school_id."""
    name: Mapped[str] = mapped_column(String(200))


class Student(Base):
    """A student on the roster."""

    __tablename__ = "students"
    __table_args__ = (Index("ix_students_birthdate", "birthdate"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    student_number: Mapped[str] = mapped_column(String(20), unique=True)
    """The SIS's student_id: what parents type as "Student ID"."""
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    name_key: Mapped[str] = mapped_column(String(250))
    """Folded "first last" (``frontdesk.names.search_key``) for searching."""
    birthdate: Mapped[date]
    grade: Mapped[str] = mapped_column(String(8))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    ssn_last4_digest: Mapped[str | None] = mapped_column(String(64))
    """Keyed hash of the last four SSN digits, salted with the student number."""
    has_photo: Mapped[bool] = mapped_column(Boolean, default=False)
    roster_digest: Mapped[str | None] = mapped_column(String(32))
    """Keyed digest of the students.csv row last imported as is (``Keyring.roster_hasher``):
    a re-import skips a row whose digest matches. NULL: compare the values."""

    school: Mapped[School] = orm.relationship(lazy="joined", innerjoin=True)
    contacts: Mapped[list[Contact]] = orm.relationship(
        back_populates="student", cascade="all, delete-orphan", passive_deletes=True
    )


class StudentPhoto(Base):
    """A student's photo, kept apart so the students table stays small."""

    __tablename__ = "student_photos"

    student_id: Mapped[int] = mapped_column(
        ForeignKey("students.id", ondelete="CASCADE"), primary_key=True
    )
    content_type: Mapped[str] = mapped_column(String(40))
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Contact(Base):
    """A person on a student's record (parent, guardian, emergency contact)."""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(
        ForeignKey("students.id", ondelete="CASCADE"), index=True
    )
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    relationship: Mapped[str] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    """Lower-cased."""
    phone: Mapped[str | None] = mapped_column(String(40))
    portal_access: Mapped[bool] = mapped_column(Boolean, default=True)
    roster_digest: Mapped[str | None] = mapped_column(String(32))
    """Keyed digest of the contacts.csv row last imported as is; NULL: compare the values."""

    student: Mapped[Student] = orm.relationship(back_populates="contacts")


class RosterFile(Base):
    """A roster file as last imported whole, and what that import left in its table.

    It is kept only when every row of the file was good and the table holds nothing else but
    the records of students the roster did not list (left as they were). A re-import of the
    same bytes, finding the table as it was left and the same records set aside, would change
    nothing: it need not read the file or the table.
    """

    __tablename__ = "roster_files"

    file: Mapped[str] = mapped_column(String(40), primary_key=True)
    file_digest: Mapped[str] = mapped_column(String(32))
    """Keyed digest of the file's bytes (``Keyring.roster_file_digest``)."""
    rows: Mapped[int]
    """The records in the table after the import, every one with a ``roster_digest``."""
    unlisted_digest: Mapped[str] = mapped_column(String(32))
    """The sum (modulo 2**128) of the ``roster_digest`` of the records of students not listed."""
    unlisted_rows: Mapped[int]


# --- parents and what they ask for -----------------------------------------------------------


class ParentAccount(Base):
    """A parent's portal account (R4)."""

    __tablename__ = "parent_accounts"
    __table_args__ = (Index("ix_parent_accounts_status_created", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    """Lower-cased; the sign-in name."""
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    name_key: Mapped[str] = mapped_column(String(250))
    phone: Mapped[str | None] = mapped_column(String(40))
    address_street: Mapped[str | None] = mapped_column(String(200))
    address_city: Mapped[str | None] = mapped_column(String(100))
    address_state: Mapped[str | None] = mapped_column(String(40))
    address_postal_code: Mapped[str | None] = mapped_column(String(20))
    relationship: Mapped[str | None] = mapped_column(String(40))
    extra_fields: Mapped[dict[str, Any]] = mapped_column(default=dict)
    """Answers to the district-defined extra fields, by field key."""
    password_hash: Mapped[str] = mapped_column(String(200))
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    """Set by a temporary password: nothing else is reachable until it is changed (R17)."""
    credentials_version: Mapped[int] = mapped_column(default=1)
    """Bumped when the password changes; sessions signed in under an older one end."""
    status: Mapped[AccountStatus] = mapped_column(str_enum(AccountStatus))
    status_reason: Mapped[str | None] = mapped_column(Text)
    """Why an account was denied or disabled; the parent sees it."""
    language: Mapped[str] = mapped_column(String(12))
    email_notifications: Mapped[bool] = mapped_column(Boolean, default=False)
    notification_email: Mapped[str | None] = mapped_column(String(254))
    locked_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    created_workstation: Mapped[str] = mapped_column(String(64))
    verified_at: Mapped[datetime | None]
    password_changed_at: Mapped[datetime]

    links: Mapped[list[StudentLink]] = orm.relationship(back_populates="parent")


class StudentLink(Base):
    """A parent's request to see a student's records, and its decision (R10, V3)."""

    __tablename__ = "student_links"
    __table_args__ = (
        UniqueConstraint("parent_id", "student_id", name="uq_student_links_parent_student"),
        Index("ix_student_links_queue", "school_id", "status", "requested_at"),
        Index("ix_student_links_status_requested", "status", "requested_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("parent_accounts.id"), index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    """The student's school when asked; kept here so a school's queue is one index scan."""
    status: Mapped[LinkStatus] = mapped_column(str_enum(LinkStatus))
    matched_identifiers: Mapped[list[str]] = mapped_column(default=list)
    """Which identifiers the parent gave and matched (never their values)."""
    requested_at: Mapped[datetime]
    requested_workstation: Mapped[str] = mapped_column(String(64))
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    """Why it was denied or revoked, in words the parent sees."""

    parent: Mapped[ParentAccount] = orm.relationship(back_populates="links")
    student: Mapped[Student] = orm.relationship()
    decided_by: Mapped[Staff | None] = orm.relationship()


class IdentityCheck(Base):
    """An in-person photo-ID check of a parent by a staff member (V2)."""

    __tablename__ = "identity_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("parent_accounts.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    id_type: Mapped[IdType] = mapped_column(str_enum(IdType))
    id_last4: Mapped[str] = mapped_column(String(4))
    """Only the last four characters of the ID number are ever kept."""
    id_expires: Mapped[date]
    name_matches: Mapped[bool] = mapped_column(Boolean)
    notes: Mapped[str] = mapped_column(Text, default="")
    checked_at: Mapped[datetime]
    workstation: Mapped[str] = mapped_column(String(64))


class EnrollmentApplication(Base):
    """An application to enroll a new child at a school (R12)."""

    __tablename__ = "enrollment_applications"
    __table_args__ = (
        Index("ix_enrollment_applications_queue", "school_id", "status", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("parent_accounts.id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    child_first_name: Mapped[str] = mapped_column(String(100))
    child_last_name: Mapped[str] = mapped_column(String(100))
    child_birthdate: Mapped[date]
    grade: Mapped[str] = mapped_column(String(8))
    notes: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ApplicationStatus] = mapped_column(str_enum(ApplicationStatus))
    submitted_at: Mapped[datetime]


class PasswordReset(Base):
    """A forgot-password request: a single-use link token and code, both stored as digests."""

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("parent_accounts.id"), index=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    code_digest: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    """Set when a newer reset is asked for or the password changes."""
    failed_attempts: Mapped[int] = mapped_column(default=0)


class LetterCode(Base):
    """A letter code (L1): mailed to a guardian on a student's record, it links that student
    to the account the guardian makes. Single use, expiring, revocable; the code itself is
    kept only as a keyed digest (``Keyring.digest("letter-code-v1", …)``).

    At most one live letter (neither used nor revoked) per contact: a new one revokes the
    one before (``replaced_by_id``), and a partial unique index holds the rule.
    """

    __tablename__ = "letter_codes"
    __table_args__ = (
        Index(
            "ux_letter_codes_live_contact",
            "contact_id",
            unique=True,
            sqlite_where=text("used_at IS NULL AND revoked_at IS NULL"),
            postgresql_where=text("used_at IS NULL AND revoked_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), index=True
    )
    """The guardian (a contact is one person on one student's record); NULL once the roster
    import removed the contact, which ends the letter."""
    student_id: Mapped[int] = mapped_column(ForeignKey("students.id"), index=True)
    guardian_name: Mapped[str] = mapped_column(String(200))
    """The name the letter was addressed to, kept for the desk once the contact is gone."""
    relationship: Mapped[str] = mapped_column(String(40), default="")
    code_digest: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime]
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    """The staff member who issued it at the desk; NULL for ``frontdesk letters``."""
    issued_by_name: Mapped[str] = mapped_column(String(200))
    """Who issued it, as the desk shows it (a staff member's name, or ``cli:<login>``)."""
    in_bulk: Mapped[bool] = mapped_column(Boolean, default=False)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("parent_accounts.id"))
    link_id: Mapped[int | None] = mapped_column(ForeignKey("student_links.id"), index=True)
    """The link the code made (or the waiting one it was added to)."""
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("letter_codes.id"))
    """The newer letter that revoked this one."""

    issued_by: Mapped[Staff | None] = orm.relationship(foreign_keys=[issued_by_id])
    revoked_by: Mapped[Staff | None] = orm.relationship(foreign_keys=[revoked_by_id])


# --- staff -----------------------------------------------------------------------------------


class StaffSchool(Base):
    """A school a staff member serves."""

    __tablename__ = "staff_schools"

    staff_id: Mapped[int] = mapped_column(
        ForeignKey("staff.id", ondelete="CASCADE"), primary_key=True
    )
    school_id: Mapped[int] = mapped_column(
        ForeignKey("schools.id", ondelete="CASCADE"), primary_key=True
    )


class Staff(Base):
    """A staff account (A1)."""

    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    """Lower-cased."""
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[StaffRole] = mapped_column(str_enum(StaffRole))
    password_hash: Mapped[str] = mapped_column(String(200))
    pin_hash: Mapped[str | None] = mapped_column(String(200))
    """Hash of the PIN that lets staff leave kiosk mode."""
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    credentials_version: Mapped[int] = mapped_column(default=1)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    locked_at: Mapped[datetime | None]
    created_at: Mapped[datetime]

    schools: Mapped[list[School]] = orm.relationship(secondary="staff_schools", lazy="selectin")


# --- trail, mail, limits -----------------------------------------------------------------------


class AuditEvent(Base):
    """One thing that happened (A3): who, what, when, from which workstation. No secrets."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_subject", "subject_kind", "subject_id"),
        Index("ix_audit_events_actor", "actor_kind", "actor_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor_kind: Mapped[ActorKind] = mapped_column(str_enum(ActorKind))
    actor_id: Mapped[int | None]
    actor_name: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(40), index=True)
    subject_kind: Mapped[str | None] = mapped_column(String(20))
    subject_id: Mapped[int | None]
    workstation: Mapped[str] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


class OutboxMail(Base):
    """A mail waiting to go, written in the same transaction as its cause (E1)."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[str] = mapped_column(String(120), unique=True)
    """The Message-ID header, chosen when queued: every delivery attempt of the mail sends
    the same one, so a second delivery after a crash is recognisable as the same mail."""
    kind: Mapped[str] = mapped_column(String(40))
    to_address: Mapped[str] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(12))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    """Holds placeholders where the secrets go (``frontdesk.mail.outbox``)."""
    body_html: Mapped[str] = mapped_column(Text)
    sealed_secrets: Mapped[bytes | None] = mapped_column(LargeBinary)
    """The secrets of the mail (a reset code and link), sealed with a key derived from the
    district key and bound to ``message_id``; put into the bodies only when the mail is
    built for delivery, and wiped once it is delivered."""
    status: Mapped[MailStatus] = mapped_column(str_enum(MailStatus))
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)


class Attempt(Base):
    """One counted attempt (failed link, failed sign-in, account made…) for rate limits.

    ``subject`` names what is limited, e.g. ``parent:12``, ``student:345``, ``kiosk:lobby-1``.
    """

    __tablename__ = "attempts"
    __table_args__ = (Index("ix_attempts_window", "kind", "subject", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    subject: Mapped[str] = mapped_column(String(120))
    at: Mapped[datetime]
    workstation: Mapped[str] = mapped_column(String(64))
