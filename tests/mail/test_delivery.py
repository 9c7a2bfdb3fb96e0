"""E1: the outbox is delivered by a real SMTP server (aiosmtpd on loopback) or into a Maildir;
a server that is down leaves mail queued, and it goes once the server is back."""

from __future__ import annotations

import mailbox
import re
import socket
import threading
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope, Session
from sqlalchemy import select

from frontdesk.config import MailSettings, SmtpSecurity
from frontdesk.db.engine import Database
from frontdesk.db.models import MailStatus, OutboxMail
from frontdesk.mail.delivery import SCRUBBED, Deliverer, backoff, outbox_status
from frontdesk.services.password_reset import redeem_code, redeem_link, request_reset
from frontdesk.services.signin import sign_in_parent
from tests.conftest import FakeClock
from tests.factories import register


class Inbox:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.received = threading.Event()

    async def handle_DATA(self, server: object, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        parsed = message_from_bytes(content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        self.received.set()
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def smtp_server(port: int) -> Iterator[Inbox]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox
    controller.stop()


def smtp_settings(port: int) -> MailSettings:
    return MailSettings(
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_security=SmtpSecurity.NONE,
        sender="portal@owlcounty.example",
    )


def ask_reset(db: Database, email: str = "maria@example.org") -> None:
    with db.write() as uow:
        request_reset(uow, email, "en")


def outbox(db: Database) -> list[OutboxMail]:
    with db.read() as uow:
        return list(uow.session.scalars(select(OutboxMail).order_by(OutboxMail.id)))


def parts(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()


def test_the_reset_mail_arrives_by_smtp_and_its_code_and_link_work_once(
    database: Database, smtp_server: Inbox, port: int
) -> None:
    register(database)  # a parent who reads Spanish
    ask_reset(database)
    result = Deliverer(database, smtp_settings(port)).deliver_due()
    assert (result.sent, result.failed) == (1, 0)
    [message] = smtp_server.messages
    assert message.is_multipart() and message.get_content_type() == "multipart/alternative"
    assert message["To"] == "maria@example.org"
    assert message["From"] == "portal@owlcounty.example"
    assert message["Content-Language"] == "es"
    assert "Owl County School District" in message["Subject"]
    text, html = parts(message)
    assert "Owl County School District" in text and '<html lang="es">' in html
    assert "En el quiosco, escriba este código" in text  # the parent's language
    code = re.search(r"[0-9A-Z]{4}-[0-9A-Z]{4}", text)
    token = re.search(r'href="[^"]*token=([^"]+)"', html)
    assert code and token
    with database.write() as uow:
        temporary = redeem_code(uow, "maria@example.org", code.group(0)).password
    with database.write() as uow:
        assert sign_in_parent(uow, "maria@example.org", temporary).must_change_password
    from frontdesk.services.password_reset import ResetUsed

    with database.write() as uow, pytest.raises(ResetUsed):
        redeem_link(uow, token.group(1))
    [row, notice] = outbox(database)
    assert notice.kind == "password_changed"  # the reset, told to the owner
    assert row.status is MailStatus.SENT and row.sent_at is not None and row.attempts == 1
    # The outbox does not keep a readable code once the mail is gone.
    assert row.body_text == SCRUBBED and code.group(0) not in row.body_html


def test_a_server_that_is_down_leaves_the_mail_queued_until_it_is_back(
    database: Database, port: int, clock: FakeClock
) -> None:
    register(database)
    ask_reset(database)
    deliverer = Deliverer(database, smtp_settings(port))
    assert deliverer.deliver_due().failed == 1
    [row] = outbox(database)
    assert row.status is MailStatus.QUEUED and row.attempts == 1
    assert row.last_error and "Connection refused" in row.last_error
    assert row.next_attempt_at == clock.now + backoff(1)
    assert deliverer.deliver_due().failed == 0  # not due yet
    clock.advance(minutes=1)
    assert deliverer.deliver_due().failed == 1
    assert outbox(database)[0].next_attempt_at == clock.now + backoff(2)
    with database.read() as uow:
        status = outbox_status(uow)
    assert status.counts == {"queued": 1, "sent": 0} and status.failures[0].attempts == 2

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        assert deliverer.deliver_due().sent == 0  # still waiting out its back-off
        assert deliverer.deliver_due(everything=True).sent == 1
    finally:
        controller.stop()
    assert len(inbox.messages) == 1
    [row] = outbox(database)
    assert row.status is MailStatus.SENT and row.attempts == 3 and row.last_error is None


def test_two_workers_never_send_one_mail_twice(
    database: Database, smtp_server: Inbox, port: int
) -> None:
    register(database)
    for _ in range(3):
        ask_reset(database)
    workers = [Deliverer(database, smtp_settings(port)) for _ in range(2)]
    results: list[int] = []
    threads = [
        threading.Thread(target=lambda w=w: results.append(w.deliver_due().sent)) for w in workers
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(results) == 3 and len(smtp_server.messages) == 3


def test_without_smtp_mail_goes_into_a_maildir(database: Database, tmp_path: Path) -> None:
    register(database)
    ask_reset(database)
    Deliverer(database, MailSettings(maildir=tmp_path / "mail")).deliver_due()
    folder = mailbox.Maildir(tmp_path / "mail", create=False)
    [stored] = list(folder)
    message = message_from_bytes(stored.as_bytes(), policy=policy.default)
    assert isinstance(message, EmailMessage)
    assert re.search(r"[0-9A-Z]{4}-[0-9A-Z]{4}", parts(message)[0])
    assert outbox(database)[0].status is MailStatus.SENT


def test_the_smtp_password_never_lands_in_the_error(database: Database, port: int) -> None:
    register(database)
    ask_reset(database)
    settings = MailSettings.model_validate(
        smtp_settings(port).model_dump()
        | {"smtp_username": "portal", "smtp_password": "hunter2-secret"}
    )
    deliverer = Deliverer(database, settings)
    assert "***" in deliverer._describe(OSError("login hunter2-secret refused"))
    deliverer.deliver_due()
    assert "hunter2" not in (outbox(database)[0].last_error or "")
