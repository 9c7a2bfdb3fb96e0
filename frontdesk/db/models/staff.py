"""Staff accounts (A1) and the schools each serves."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    ForeignKey,
    String,
    orm,
)
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.db.models.base import Base
from frontdesk.db.models.district import School
from frontdesk.db.types import str_enum


class StaffRole(StrEnum):
    """What a staff member may do."""

    CLERK = "clerk"  # checks photo ID, decides requests for their schools
    SUPPORT = "support"  # password resets and unlocks, district-wide
    ADMIN = "admin"  # everything, every school


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
