"""The district and its roster: the district's settings row, its schools, their students (with
their photos and the contacts on their records), and the roster files as last imported.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    orm,
)
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.db.models.base import Base


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
