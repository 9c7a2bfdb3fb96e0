"""The audit trail (A3): one row for each thing that happened, with no secrets."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    Index,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.db.models.base import Base
from frontdesk.db.types import str_enum


class ActorKind(StrEnum):
    """Who did something recorded in the audit trail."""

    STAFF = "staff"
    PARENT = "parent"
    SYSTEM = "system"


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
