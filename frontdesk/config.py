"""Deployment settings: where the database is, the district key, mail delivery.

Read from ``FRONTDESK_*`` environment variables (nested with ``__``, e.g.
``FRONTDESK_MAIL__SMTP_HOST``) and from command-line options, which win. What the
district decides (texts, rules, limits) is not here: it lives in the database
(:mod:`frontdesk.district_settings`), so every kiosk sees the same.
"""

from __future__ import annotations

import os
import socket
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def data_home() -> Path:
    """Where frontdesk keeps its files on this machine (XDG data home)."""
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "frontdesk"


def sqlite_url(path: Path) -> str:
    """The SQLAlchemy URL of a SQLite file."""
    return f"sqlite:///{path}"


class SmtpSecurity(StrEnum):
    """How the SMTP connection is protected."""

    NONE = "none"
    STARTTLS = "starttls"
    TLS = "tls"


class MailSettings(BaseModel):
    """Outgoing mail. Without an SMTP host, mail is written to a local Maildir folder."""

    smtp_host: str | None = None
    """SMTP server; empty means deliver into ``maildir`` instead."""
    smtp_port: int = 587
    """SMTP port (587 for STARTTLS, 465 for TLS, 25 for none)."""
    smtp_security: SmtpSecurity = SmtpSecurity.STARTTLS
    """Transport protection."""
    smtp_username: str | None = None
    """Account on the SMTP server, if it needs one."""
    smtp_password: SecretStr | None = None
    """Password of that account."""
    sender: str = "frontdesk@localhost"
    """The From address of every mail."""
    maildir: Path = Field(default_factory=lambda: data_home() / "mail")
    """Where mail goes when no SMTP host is set."""


class Settings(BaseSettings):
    """Everything that differs between one installation and another."""

    model_config = SettingsConfigDict(
        env_prefix="FRONTDESK_", env_nested_delimiter="__", extra="ignore"
    )

    database_url: str = Field(default_factory=lambda: sqlite_url(data_home() / "frontdesk.db"))
    """SQLAlchemy URL: a SQLite file, or ``postgresql+psycopg://…`` for a shared database."""
    key_file: Path = Field(default_factory=lambda: data_home() / "district.key")
    """The district's secret key (keyed hashes of SSN digits and codes); made on first run."""
    workstation: str = Field(default_factory=socket.gethostname)
    """The name of this workstation in audit rows and per-kiosk rate limits."""
    portal_url: str = "http://localhost:8000"
    """The portal's address as parents reach it in a browser; reset links start with it."""
    mail: MailSettings = Field(default_factory=MailSettings)
    """Outgoing mail."""
    log_file: Path = Field(default_factory=lambda: data_home() / "frontdesk.log")
    """Warnings and errors of the apps (never what people typed: see ``safe_description``)."""
