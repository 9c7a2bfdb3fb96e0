"""Putting mail in the outbox, in the same transaction as the change that causes it.

A mail's secrets (the code and link of a reset mail) are never stored readable. The bodies
hold a placeholder where each goes; the secrets themselves are sealed with a key derived from
the district key (:meth:`frontdesk.security.Keyring.seal`), bound to the mail's Message-ID,
and put into the bodies only in memory, when the message is built for delivery
(:func:`opened_bodies`). Once delivered they are wiped (``frontdesk.mail.delivery``).

Each mail gets its Message-ID here, once: every delivery attempt sends that same header.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from html import escape
from urllib.parse import urlsplit

from frontdesk.db.models import MailStatus, OutboxMail
from frontdesk.db.uow import UnitOfWork
from frontdesk.security import Keyring

SEAL_PURPOSE = "outbox-secrets-v1"
"""The purpose the outbox's sealing key is derived for (no other use shares that key)."""


@dataclass(frozen=True)
class Mail:
    """A rendered mail: plain text and HTML, in one language."""

    kind: str
    to_address: str
    language: str
    subject: str
    body_text: str
    body_html: str
    secrets: Mapping[str, str] = field(default_factory=dict)
    """Each placeholder in the bodies (see :func:`placeholder`) and the secret it stands for."""


def placeholder(name: str) -> str:
    """A mark standing for a secret in a mail's bodies until delivery.

    A random part makes it one no text of the mail (a name, the district's name) can hold by
    chance or on purpose; it reads the same in text and in HTML (no character to escape).
    """
    return f"[[sealed-{name}-{secrets.token_hex(8)}]]"


def new_message_id(portal_url: str) -> str:
    """A Message-ID unique to one mail (128 random bits), in the district's portal domain."""
    domain = urlsplit(portal_url).hostname or "localhost"
    return f"<{secrets.token_hex(16)}@{domain}>"


def outbox_row(uow: UnitOfWork, mail: Mail) -> OutboxMail:
    """The outbox row of ``mail``, its secrets sealed, not yet added to the session."""
    now = uow.now()
    message_id = new_message_id(uow.runtime.portal_url)
    sealed = (
        uow.runtime.keyring.seal(
            SEAL_PURPOSE, json.dumps(dict(mail.secrets)).encode(), message_id.encode()
        )
        if mail.secrets
        else None
    )
    return OutboxMail(
        message_id=message_id,
        kind=mail.kind,
        to_address=mail.to_address,
        language=mail.language,
        subject=mail.subject,
        body_text=mail.body_text,
        body_html=mail.body_html,
        sealed_secrets=sealed,
        status=MailStatus.QUEUED,
        created_at=now,
        next_attempt_at=now,
    )


def enqueue(uow: UnitOfWork, mail: Mail) -> OutboxMail:
    """Queue ``mail``; a delivery worker sends it after the transaction commits."""
    row = outbox_row(uow, mail)
    uow.session.add(row)
    return row


def opened_bodies(
    keyring: Keyring, message_id: str, sealed: bytes | None, text: str, html: str
) -> tuple[str, str]:
    """The text and HTML bodies with their secrets put back, for sending (never to store).

    Raises ``SealBroken`` when the secrets cannot be opened with ``keyring``.
    """
    if sealed is None:
        return text, html
    opened: dict[str, str] = json.loads(keyring.unseal(SEAL_PURPOSE, sealed, message_id.encode()))
    for mark, value in opened.items():
        text = text.replace(mark, value)
        html = html.replace(mark, escape(value))
    return text, html
