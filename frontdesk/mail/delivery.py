"""Delivering the outbox (E1): by SMTP when configured, else into a local Maildir folder.

A delivery pass takes the queued mails that are due, claims each with a conditional update
(so several workers on one database never send a mail twice at once), sends it outside any
transaction, then marks it sent, or keeps it queued with a growing back-off and the error.
A mail is never dropped: a worker that dies mid-send leaves its claim to expire, and the mail
is tried again. Bodies of mails that carry a secret (reset codes) are wiped once delivered.
"""

from __future__ import annotations

import logging
import mailbox
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from sqlalchemy import func, select, update

from frontdesk.config import MailSettings, SmtpSecurity
from frontdesk.db.engine import Database
from frontdesk.db.models import MailStatus, OutboxMail
from frontdesk.db.uow import UnitOfWork
from frontdesk.mail.messages import SECRET_KINDS

log = logging.getLogger("frontdesk.mail")

CLAIM = timedelta(minutes=5)
"""How long a claimed mail is left to its worker before another may try it."""
FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=6)
SCRUBBED = "(removed after delivery)"
_ERROR_CHARS = 500


@dataclass(frozen=True)
class Outgoing:
    """A claimed mail, read out of the database for sending."""

    id: int
    attempts: int
    to_address: str
    language: str
    subject: str
    body_text: str
    body_html: str


@dataclass(frozen=True)
class PassResult:
    """What one delivery pass did."""

    sent: int = 0
    failed: int = 0


@dataclass(frozen=True)
class FailedMail:
    """A queued mail whose last attempt failed."""

    id: int
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
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "localhost")
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
        for mail in self._claim(everything):
            try:
                self._send(build_message(mail, self.settings.sender))
            except (OSError, smtplib.SMTPException, mailbox.Error) as error:
                failed += 1
                self._failed(mail, error)
            else:
                sent += 1
                self._sent(mail)
        return PassResult(sent, failed)

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
                        row.attempts,
                        row.to_address,
                        row.language,
                        row.subject,
                        row.body_text,
                        row.body_html,
                    )
                )
        return claimed

    def _sent(self, mail: Outgoing) -> None:
        with self.database.write() as uow:
            row = uow.session.get_one(OutboxMail, mail.id)
            row.status = MailStatus.SENT
            row.sent_at = uow.now()
            row.attempts = mail.attempts + 1
            row.last_error = None
            if row.kind in SECRET_KINDS:
                row.body_text = row.body_html = SCRUBBED

    def _failed(self, mail: Outgoing, error: BaseException) -> None:
        attempts = mail.attempts + 1
        reason = self._describe(error)
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
            folder = mailbox.Maildir(self.settings.maildir, create=True)
            folder.add(message)

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
            FailedMail(r.id, r.kind, r.attempts, r.next_attempt_at, r.last_error or "")
            for r in rows
        ],
    )
