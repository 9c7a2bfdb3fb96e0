"""Delivering the outbox (E1): by SMTP when configured, else into a local Maildir folder.

A delivery pass takes the queued mails that are due, claims each with a conditional update
(so several workers on one database never send a mail twice at once), sends it outside any
transaction, then marks it sent, or keeps it queued with a growing back-off and the error.

Delivery is **at least once**: a mail is never dropped, and a worker that dies between
handing a mail over and marking it sent (or a server that takes a mail but fails to say so)
leaves it queued; its claim expires after :data:`CLAIM` and it is sent again. That rare
second copy carries the same Message-ID as the first (chosen when the mail was queued, kept
in the outbox row), so mail clients and servers that drop duplicates drop it, and a person
comparing the two can tell it is one mail.

A mail's secrets (reset codes and links) are sealed in the outbox and put into the message
only here, in memory, as it is built (``frontdesk.mail.outbox``). Once delivered, the bodies
of mails that carried a secret and the sealed secrets are wiped; on SQLite the database
overwrites what it wipes (``secure_delete``) and the write-ahead log is then emptied into the
file and truncated (:meth:`Database.checkpoint`), so the bytes leave the disk files too.

Without an SMTP host, mail goes into a Maildir: a mail spool holding readable reset codes, so
its folders are made (or brought down to) mode 0700 and each mail file is written 0600.
"""

from __future__ import annotations

import logging
import os
import secrets
import smtplib
import socket
import ssl
import stat
import time
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from sqlalchemy import func, select, update

from frontdesk.config import MailSettings, SmtpSecurity
from frontdesk.db.engine import Database
from frontdesk.db.models import MailStatus, OutboxMail
from frontdesk.db.uow import UnitOfWork
from frontdesk.mail.messages import SECRET_KINDS
from frontdesk.mail.outbox import opened_bodies
from frontdesk.security import SealBroken

log = logging.getLogger("frontdesk.mail")

CLAIM = timedelta(minutes=5)
"""How long a claimed mail is left to its worker before another may try it."""
FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=6)
SCRUBBED = "(removed after delivery)"
UNSEALABLE = (
    "the mail's sealed code and link cannot be opened with this district key (another key "
    "file, or the row was altered); it stays queued"
)
"""The outbox's error for a mail whose secrets cannot be opened (no part of them in it)."""
_ERROR_CHARS = 500
_PRIVATE_DIR = 0o700
_PRIVATE_FILE = 0o600


@dataclass(frozen=True)
class Outgoing:
    """A claimed mail, read out of the database for sending."""

    id: int
    message_id: str
    attempts: int
    to_address: str
    language: str
    subject: str
    body_text: str
    """As stored: placeholders where the secrets go, until :meth:`Deliverer.opened`."""
    body_html: str
    sealed_secrets: bytes | None


@dataclass(frozen=True)
class PassResult:
    """What one delivery pass did."""

    sent: int = 0
    failed: int = 0


@dataclass(frozen=True)
class FailedMail:
    """A queued mail whose last attempt failed."""

    id: int
    message_id: str
    kind: str
    attempts: int
    next_attempt_at: datetime
    last_error: str


@dataclass(frozen=True)
class OutboxStatus:
    """The state of the outbox, for ``frontdesk mail status``."""

    counts: dict[str, int]
    due_now: int
    oldest_queued: datetime | None
    failures: list[FailedMail]


def backoff(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failure: 1, 2, 4… minutes, at most 6 hours."""
    wait: timedelta = FIRST_RETRY * 2 ** max(attempts - 1, 0)
    return min(wait, LONGEST_WAIT)


def build_message(mail: Outgoing, sender: str) -> EmailMessage:
    """The MIME message: plain text with an HTML alternative, in the mail's language."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to_address
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(datetime.now().astimezone())
    message["Message-ID"] = mail.message_id  # the same on every attempt: see the docstring
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(mail.body_text)
    message.add_alternative(mail.body_html, subtype="html")
    # Set after the parts are made: making them moves every Content-* header into the first.
    message["Content-Language"] = mail.language
    return message


class Deliverer:
    """Sends what the outbox holds, with the deployment's mail settings."""

    def __init__(self, database: Database, settings: MailSettings, *, batch: int = 50) -> None:
        self.database = database
        self.settings = settings
        self.batch = batch

    def deliver_due(self, *, everything: bool = False) -> PassResult:
        """Send the queued mails that are due (``everything``: all queued ones, now)."""
        sent = failed = 0
        wiped = False
        for mail in self._claim(everything):
            try:
                message = build_message(self.opened(mail), self.settings.sender)
            except SealBroken:
                failed += 1
                self._failed(mail, UNSEALABLE)
                continue
            try:
                self._send(message)
            except (OSError, smtplib.SMTPException) as error:
                failed += 1
                self._failed(mail, self._describe(error))
            else:
                sent += 1
                wiped = self._sent(mail) or wiped
        if wiped or self.database.checkpoint_owed:
            self.database.checkpoint()
        return PassResult(sent, failed)

    def opened(self, mail: Outgoing) -> Outgoing:
        """``mail`` with its secrets in its bodies, in memory, for building the message."""
        text, html = opened_bodies(
            self.database.runtime.keyring,
            mail.message_id,
            mail.sealed_secrets,
            mail.body_text,
            mail.body_html,
        )
        return replace(mail, body_text=text, body_html=html, sealed_secrets=None)

    # --- claiming and recording ---------------------------------------------------------------

    def _claim(self, everything: bool) -> list[Outgoing]:
        with self.database.read() as uow:
            now = uow.now()
            query = select(OutboxMail.id, OutboxMail.next_attempt_at).where(
                OutboxMail.status == MailStatus.QUEUED
            )
            if not everything:
                query = query.where(OutboxMail.next_attempt_at <= now)
            due = uow.session.execute(
                query.order_by(OutboxMail.next_attempt_at, OutboxMail.id).limit(self.batch)
            ).all()
        claimed: list[Outgoing] = []
        for mail_id, due_at in due:
            with self.database.write() as uow:
                # Only the worker whose update still sees the old due time owns the mail.
                result = uow.session.execute(
                    update(OutboxMail)
                    .where(
                        OutboxMail.id == mail_id,
                        OutboxMail.status == MailStatus.QUEUED,
                        OutboxMail.next_attempt_at == due_at,
                    )
                    .values(next_attempt_at=uow.now() + CLAIM)
                    .execution_options(synchronize_session=False)
                )
                if getattr(result, "rowcount", 0) != 1:
                    continue
                row = uow.session.get_one(OutboxMail, mail_id)
                claimed.append(
                    Outgoing(
                        row.id,
                        row.message_id,
                        row.attempts,
                        row.to_address,
                        row.language,
                        row.subject,
                        row.body_text,
                        row.body_html,
                        row.sealed_secrets,
                    )
                )
        return claimed

    def _sent(self, mail: Outgoing) -> bool:
        """Mark ``mail`` sent; wipe what it carried of a secret (and say whether it did)."""
        with self.database.write() as uow:
            row = uow.session.get_one(OutboxMail, mail.id)
            row.status = MailStatus.SENT
            row.sent_at = uow.now()
            row.attempts = mail.attempts + 1
            row.last_error = None
            secret = row.kind in SECRET_KINDS or row.sealed_secrets is not None
            if secret:
                row.body_text = row.body_html = SCRUBBED
                row.sealed_secrets = None
            return secret

    def _failed(self, mail: Outgoing, reason: str) -> None:
        attempts = mail.attempts + 1
        log.warning("mail %s not delivered (attempt %s): %s", mail.id, attempts, reason)
        with self.database.write() as uow:
            row = uow.session.get_one(OutboxMail, mail.id)
            row.attempts = attempts
            row.next_attempt_at = uow.now() + backoff(attempts)
            row.last_error = reason

    def _describe(self, error: BaseException) -> str:
        """The error in a line, with the SMTP password taken out should a server echo it."""
        text = f"{type(error).__name__}: {error}"
        secret = self.settings.smtp_password
        if secret is not None and secret.get_secret_value():
            text = text.replace(secret.get_secret_value(), "***")
        return text[:_ERROR_CHARS]

    # --- sending ----------------------------------------------------------------------------

    def _send(self, message: EmailMessage) -> None:
        if self.settings.smtp_host:
            self._send_smtp(message)
        else:
            deliver_to_maildir(self.settings.maildir, message)

    def _send_smtp(self, message: EmailMessage) -> None:
        s = self.settings
        assert s.smtp_host is not None
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if s.smtp_security is SmtpSecurity.TLS:
            smtp = smtplib.SMTP_SSL(s.smtp_host, s.smtp_port, timeout=30, context=context)
        else:
            smtp = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=30)
        with smtp:
            if s.smtp_security is SmtpSecurity.STARTTLS:
                smtp.starttls(context=context)
            if s.smtp_username:
                password = s.smtp_password.get_secret_value() if s.smtp_password else ""
                smtp.login(s.smtp_username, password)
            smtp.send_message(message)


def _private_folder(path: Path) -> None:
    """Make ``path`` a folder only its owner can enter, or bring an existing one down to that."""
    path.mkdir(mode=_PRIVATE_DIR, parents=True, exist_ok=True)
    if stat.S_IMODE(path.stat().st_mode) & 0o077:
        path.chmod(_PRIVATE_DIR)


def deliver_to_maildir(root: Path, message: EmailMessage) -> Path:
    """Write ``message`` into the Maildir ``root`` the way a mail server's spool does: folders
    0700 (tightened when they exist with looser modes), the file 0600 from its creation (not
    left to the umask), written in ``tmp/`` and renamed into ``new/`` once complete.

    Files already in the folders are left as they are: with the folders 0700, no one else can
    reach them.
    """
    for folder in (root, root / "tmp", root / "new", root / "cur"):
        _private_folder(folder)
    # Maildir's unique name: time, then what tells this delivery from any other at that time.
    name = f"{time.time_ns()}.P{os.getpid()}R{secrets.token_hex(8)}.{socket.gethostname()}"
    name = name.replace("/", "\\057").replace(":", "\\072")
    writing = root / "tmp" / name
    descriptor = os.open(writing, os.O_WRONLY | os.O_CREAT | os.O_EXCL, _PRIVATE_FILE)
    try:
        with os.fdopen(descriptor, "wb") as out:
            out.write(message.as_bytes())
            out.flush()
            os.fsync(out.fileno())
        delivered = root / "new" / name
        os.rename(writing, delivered)
    except BaseException:
        writing.unlink(missing_ok=True)
        raise
    return delivered


def outbox_status(uow: UnitOfWork, failures: int = 10) -> OutboxStatus:
    """Counts by state, what is due, the oldest queued mail and the latest failures."""
    counts = {
        str(status): count
        for status, count in uow.session.execute(
            select(OutboxMail.status, func.count()).group_by(OutboxMail.status)
        )
    }
    queued = OutboxMail.status == MailStatus.QUEUED
    due_now = uow.session.scalar(
        select(func.count()).where(queued, OutboxMail.next_attempt_at <= uow.now())
    )
    oldest = uow.session.scalar(select(func.min(OutboxMail.created_at)).where(queued))
    rows = uow.session.scalars(
        select(OutboxMail)
        .where(queued, OutboxMail.last_error.is_not(None))
        .order_by(OutboxMail.next_attempt_at.desc())
        .limit(failures)
    )
    return OutboxStatus(
        counts={str(s): counts.get(str(s), 0) for s in MailStatus},
        due_now=due_now or 0,
        oldest_queued=oldest,
        failures=[
            FailedMail(
                r.id, r.message_id, r.kind, r.attempts, r.next_attempt_at, r.last_error or ""
            )
            for r in rows
        ],
    )
