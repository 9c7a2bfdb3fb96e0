"""Parents and what they ask for: the portal account (R4), a request to see a student and its
decision (R10, V3), the in-person photo-ID check (V2), an enrollment application (R12) and a
forgotten password's reset.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    orm,
)
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.db.models.base import Base
from frontdesk.db.models.district import Student
from frontdesk.db.models.staff import Staff
from frontdesk.db.types import str_enum


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
