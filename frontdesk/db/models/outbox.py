"""The outbox (E1): mails waiting to go, written in the same transaction as their cause."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    Index,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.db.models.base import Base
from frontdesk.db.types import str_enum


class MailStatus(StrEnum):
    """Where a mail in the outbox stands."""

    QUEUED = "queued"
    SENT = "sent"


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
