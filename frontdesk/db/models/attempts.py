"""Counted attempts (failed links, failed sign-ins, accounts made…), for the rate limits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Index,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from frontdesk.db.models.base import Base


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
