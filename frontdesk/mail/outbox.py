"""Putting mail in the outbox, in the same transaction as the change that causes it."""

from __future__ import annotations

from dataclasses import dataclass

from frontdesk.db.models import MailStatus, OutboxMail
from frontdesk.db.uow import UnitOfWork


@dataclass(frozen=True)
class Mail:
    """A rendered mail: plain text and HTML, in one language."""

    kind: str
    to_address: str
    language: str
    subject: str
    body_text: str
    body_html: str


def enqueue(uow: UnitOfWork, mail: Mail) -> OutboxMail:
    """Queue ``mail``; a delivery worker sends it after the transaction commits."""
    now = uow.now()
    row = OutboxMail(
        kind=mail.kind,
        to_address=mail.to_address,
        language=mail.language,
        subject=mail.subject,
        body_text=mail.body_text,
        body_html=mail.body_html,
        status=MailStatus.QUEUED,
        created_at=now,
        next_attempt_at=now,
    )
    uow.session.add(row)
    return row
