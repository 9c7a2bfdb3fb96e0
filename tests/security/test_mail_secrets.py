"""Issue 10 §4: no secret readable at rest in the outbox, its database files or its spool.

- A queued reset mail keeps its code and link token sealed (AES-GCM under a key derived from
  the district key, bound to the mail's Message-ID); they are put in only at delivery.
- On SQLite, what delivery wipes leaves the database file and its write-ahead log too.
- The Maildir fallback is a spool: folders 0700, mail files 0600.
- Every password change or reset is told to the owner by mail (ASVS 6.3.7), without a secret.
- One Message-ID per mail from the moment it is queued, the same on every delivery attempt.
"""

from __future__ import annotations

import mailbox
import os
import re
import sqlite3
import stat
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope, Session
from pydantic import SecretStr
from sqlalchemy import event, select, update
from sqlalchemy.engine import make_url

from frontdesk.config import MailSettings
from frontdesk.db.engine import Database
from frontdesk.db.models import Base, MailStatus, OutboxMail, StaffRole
from frontdesk.mail import messages
from frontdesk.mail.delivery import SCRUBBED, UNSEALABLE, Deliverer
from frontdesk.mail.outbox import outbox_row
from frontdesk.security import Keyring, SealBroken
from frontdesk.services.password_reset import redeem_code, redeem_link, request_reset
from frontdesk.services.passwords import PasswordChange, change_password
from frontdesk.services.signin import sign_in_parent
from frontdesk.services.support import StaffReason, issue_temporary_password
from tests.conftest import FakeClock
from tests.factories import PASSWORD, register, staff_member
from tests.mail.test_delivery import free_port, parts, smtp_settings

EMAIL = "maria@example.org"
NEW_PASSWORD = "a garden of purple lanterns"
CODE = re.compile(r"[0-9A-Z]{4}-[0-9A-Z]{4}")
TOKEN = re.compile(r'href="[^"]*/reset\?token=([^"]+)"')


# --- helpers ---------------------------------------------------------------------------------


def ask_reset(db: Database, email: str = EMAIL) -> None:
    with db.write() as uow:
        request_reset(uow, email, "en")


def outbox(db: Database) -> list[OutboxMail]:
    with db.read() as uow:
        return list(uow.session.scalars(select(OutboxMail).order_by(OutboxMail.id)))


def everything_stored(db: Database) -> bytes:
    """Every value of every row of every table, as bytes (text as UTF-8)."""
    chunks: list[bytes] = []
    with db.read() as uow:
        for table in Base.metadata.sorted_tables:
            for row in uow.session.execute(select(table)):
                for value in row:
                    if isinstance(value, bytes):
                        chunks.append(value)
                    elif value is not None:
                        chunks.append(str(value).encode())
    return b"\x00".join(chunks)


def forms_of(code: str, token: str) -> list[bytes]:
    """The ways a code and token could sit in storage: as mailed, as typed, as stored text."""
    bare = code.replace("-", "")
    return [s.encode() for s in (code, code.lower(), bare, bare.lower(), token)]


def maildir_messages(folder: Path) -> list[EmailMessage]:
    found = []
    for stored in mailbox.Maildir(folder, create=False):
        message = message_from_bytes(stored.as_bytes(), policy=policy.default)
        assert isinstance(message, EmailMessage)
        found.append(message)
    return found


def code_and_token(message: EmailMessage) -> tuple[str, str]:
    text, html = parts(message)
    code, token = CODE.search(text), TOKEN.search(html)
    assert code and token, "the delivered mail holds the code and the link"
    return code.group(0), token.group(1)


class FlakyInbox:
    """An SMTP server that takes each message, but answers the first DATA with a temporary
    error: the sender thinks it failed and tries again (an at-least-once double delivery)."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server: object, session: Session, envelope: Envelope) -> str:
        parsed = message_from_bytes(envelope.original_content or b"", policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        with self._lock:
            self.messages.append(parsed)
            first = len(self.messages) == 1
        return "451 4.3.0 Try again later" if first else "250 Message accepted for delivery"


@pytest.fixture
def flaky_smtp() -> Iterator[tuple[FlakyInbox, int]]:
    port = free_port()
    inbox = FlakyInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


@pytest.fixture
def umask_022() -> Iterator[None]:
    """The usual umask, whatever the test runner's: files would be 0644 if left to it."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


# --- 1. sealed in the outbox, opened only at delivery ------------------------------------------


def test_a_queued_reset_mail_holds_its_code_and_token_nowhere_in_clear(
    database: Database, tmp_path: Path
) -> None:
    register(database)
    ask_reset(database)
    stored = everything_stored(database)
    [row] = outbox(database)
    assert row.sealed_secrets is not None and row.message_id

    Deliverer(database, MailSettings(maildir=tmp_path / "mail")).deliver_due()
    [message] = maildir_messages(tmp_path / "mail")
    code, token = code_and_token(message)
    for form in forms_of(code, token):
        assert form not in stored, "a secret of the reset mail sits readable in the database"
    assert "[[sealed-" not in message.as_string()  # every placeholder was filled
    with database.write() as uow:  # the delivered code is the real one
        assert redeem_code(uow, EMAIL, code).password


def test_a_wrong_district_key_cannot_open_the_code_and_says_so_in_the_outbox(
    database: Database, tmp_path: Path, clock: FakeClock
) -> None:
    register(database)
    ask_reset(database)
    settings = MailSettings(maildir=tmp_path / "mail")
    stranger = Database(
        database.engine, replace(database.runtime, keyring=Keyring(b"another key, not ours"))
    )
    result = Deliverer(stranger, settings).deliver_due()
    assert (result.sent, result.failed) == (0, 1)
    assert not (tmp_path / "mail").exists() or not maildir_messages(tmp_path / "mail")
    [row] = outbox(database)
    assert row.status is MailStatus.QUEUED and row.sealed_secrets is not None
    assert row.last_error == UNSEALABLE  # a clear sentence: no traceback, nothing of the seal

    clock.advance(minutes=1)  # the right key delivers it on the next pass
    assert Deliverer(database, settings).deliver_due().sent == 1
    code, token = code_and_token(maildir_messages(tmp_path / "mail")[0])
    assert all(form.decode() not in UNSEALABLE for form in forms_of(code, token))


def test_a_sealed_part_opens_only_for_its_own_mail(database: Database, tmp_path: Path) -> None:
    register(database)
    register(database, email="tom@example.org", first_name="Tom")
    ask_reset(database)
    ask_reset(database, "tom@example.org")
    maria, tom = outbox(database)
    with database.write() as uow:  # someone with write access swaps the sealed parts
        for mine, theirs in ((maria, tom), (tom, maria)):
            uow.session.execute(
                update(OutboxMail)
                .where(OutboxMail.id == mine.id)
                .values(sealed_secrets=theirs.sealed_secrets)
            )
    result = Deliverer(database, MailSettings(maildir=tmp_path / "mail")).deliver_due()
    assert (result.sent, result.failed) == (0, 2)
    with pytest.raises(SealBroken):
        assert maria.sealed_secrets is not None
        database.runtime.keyring.unseal(
            "outbox-secrets-v1", maria.sealed_secrets, tom.message_id.encode()
        )


# --- 2. wiped bytes leave the SQLite file and its write-ahead log ------------------------------


def _as_a_stock_sqlite_build(database: Database) -> None:
    """Connections start with ``secure_delete`` off, as in SQLite's own builds (Debian's turns
    it on by default): what frontdesk sets on each connection must not rely on the build."""
    database.engine.dispose()
    event.listen(
        database.engine,
        "connect",
        lambda connection, _record: connection.execute("PRAGMA secure_delete = OFF"),
        insert=True,  # before frontdesk's own set-up of the connection
    )


def _sqlite_files(database: Database) -> bytes:
    path = Path(str(make_url(str(database.engine.url)).database))
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def test_after_delivery_the_code_and_its_sealed_form_are_gone_from_the_files(
    database: Database, tmp_path: Path
) -> None:
    if database.is_sqlite:
        _as_a_stock_sqlite_build(database)
    register(database)
    ask_reset(database)
    [row] = outbox(database)
    assert row.sealed_secrets is not None
    sealed = row.sealed_secrets
    Deliverer(database, MailSettings(maildir=tmp_path / "mail")).deliver_due()
    code, token = code_and_token(maildir_messages(tmp_path / "mail")[0])

    [row] = outbox(database)
    assert row.status is MailStatus.SENT and row.sealed_secrets is None
    assert row.body_text == row.body_html == SCRUBBED
    left = everything_stored(database)
    assert sealed not in left and all(form not in left for form in forms_of(code, token))
    if not database.is_sqlite:
        return  # PostgreSQL: dead row versions hold only the sealed form, until vacuumed
    with database.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
    # The raw bytes of the database file and its WAL, as the delivery pass left them (it
    # checkpoints and truncates the WAL after wiping): the ciphertext (a 16-byte stretch of
    # it, wherever a page split may have cut the rest) and the code are nowhere.
    raw = _sqlite_files(database)
    assert sealed[13:29] not in raw, "the wiped sealed code is still in the SQLite files"
    for form in forms_of(code, token):
        assert form not in raw


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_code_queued_in_clear_before_sealing_is_overwritten_in_the_file(
    database: Database, tmp_path: Path
) -> None:
    """A reset mail queued by a frontdesk before sealing (its code in the body) is wiped on
    delivery; ``secure_delete`` zeroes the wiped bytes instead of leaving them in free space
    (the smaller wiped row takes only the end of the old one's place)."""
    _as_a_stock_sqlite_build(database)
    register(database)
    mail = messages.password_reset(
        to=EMAIL,
        language="es",
        district="Owl County School District",
        first_name="María",
        code="7KQ2-M9XD",
        token="legacy-token-in-clear-0123456789abcdef",
        portal_url="http://localhost:8000",
        minutes=60,
    )
    text, html = mail.body_text, mail.body_html
    for mark, value in mail.secrets.items():
        text, html = text.replace(mark, value), html.replace(mark, value)
    assert "7KQ2-M9XD" in text
    with database.write() as uow:
        row = outbox_row(uow, replace(mail, body_text=text, body_html=html, secrets={}))
        uow.session.add(row)
    assert Deliverer(database, MailSettings(maildir=tmp_path / "mail")).deliver_due().sent == 1
    raw = _sqlite_files(database)
    for form in forms_of("7KQ2-M9XD", "legacy-token-in-clear-0123456789abcdef"):
        assert form not in raw, "the wiped code is still readable in the SQLite files"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_reader_holding_the_wal_only_delays_its_truncation(
    database: Database, tmp_path: Path
) -> None:
    register(database)
    ask_reset(database)
    [row] = outbox(database)
    assert row.sealed_secrets is not None
    sealed = row.sealed_secrets
    path = Path(str(make_url(str(database.engine.url)).database))
    reader = sqlite3.connect(path, isolation_level=None)  # another kiosk, mid-read
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM outbox").fetchone()
        deliverer = Deliverer(database, MailSettings(maildir=tmp_path / "mail"))
        assert deliverer.deliver_due().sent == 1  # not held up by the reader
        assert database.checkpoint_owed  # its snapshot still needs the WAL
        reader.execute("COMMIT")
    finally:
        reader.close()
    assert deliverer.deliver_due().sent == 0  # the next pass, with nothing to send, truncates
    assert not database.checkpoint_owed
    assert sealed[13:29] not in _sqlite_files(database)


# --- 3. the Maildir is a spool: 0700 folders, 0600 files ---------------------------------------


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.usefixtures("umask_022")
@pytest.mark.parametrize("existing", [False, True], ids=["new-folder", "loose-folder"])
def test_the_maildir_is_private_to_its_owner(
    database: Database, tmp_path: Path, existing: bool
) -> None:
    folder = tmp_path / "mail"
    if existing:  # made by hand, or by an older frontdesk, with the usual modes
        for sub in ("", "tmp", "new", "cur"):
            (folder / sub).mkdir(mode=0o755, parents=True, exist_ok=True)
            (folder / sub).chmod(0o755)
    register(database)
    ask_reset(database)
    assert Deliverer(database, MailSettings(maildir=folder)).deliver_due().sent == 1
    for sub in ("", "tmp", "new", "cur"):
        assert _mode(folder / sub) == 0o700, sub
    [delivered] = list((folder / "new").iterdir())
    assert _mode(delivered) == 0o600
    assert not list((folder / "tmp").iterdir())
    assert CODE.search(parts(maildir_messages(folder)[0])[0])


# --- 4. every password change or reset is told to the owner ------------------------------------


def _notices(db: Database) -> list[OutboxMail]:
    return [m for m in outbox(db) if m.kind == "password_changed"]


def _change(db: Database, session: Any, current: str, new: str = NEW_PASSWORD) -> None:
    form = PasswordChange(current=SecretStr(current), new=SecretStr(new), confirm=SecretStr(new))
    with db.write() as uow:
        change_password(uow, session, form)


def _mailed_code(db: Database, tmp_path: Path) -> tuple[str, str]:
    ask_reset(db)
    Deliverer(db, MailSettings(maildir=tmp_path / "mail")).deliver_due()
    return code_and_token(maildir_messages(tmp_path / "mail")[-1])


def _preferences(db: Database, tmp_path: Path) -> list[str]:
    session = register(db)
    before = len(_notices(db))
    _change(db, session, PASSWORD)
    assert len(_notices(db)) == before + 1
    return [PASSWORD, NEW_PASSWORD]


def _reset_by_code(db: Database, tmp_path: Path) -> list[str]:
    register(db)
    code, token = _mailed_code(db, tmp_path)
    before = len(_notices(db))
    with db.write() as uow:
        temporary = redeem_code(uow, EMAIL, code).password
    assert len(_notices(db)) == before + 1
    return [temporary, code, token]


def _reset_by_link(db: Database, tmp_path: Path) -> list[str]:
    register(db)
    code, token = _mailed_code(db, tmp_path)
    before = len(_notices(db))
    with db.write() as uow:
        temporary = redeem_link(uow, token).password
    assert len(_notices(db)) == before + 1
    return [temporary, code, token]


def _forced_change(db: Database, tmp_path: Path) -> list[str]:
    register(db)
    code, token = _mailed_code(db, tmp_path)
    with db.write() as uow:
        temporary = redeem_code(uow, EMAIL, code).password
    with db.write() as uow:
        session = sign_in_parent(uow, EMAIL, temporary)
    assert session.must_change_password
    before = len(_notices(db))
    _change(db, session, temporary)
    assert len(_notices(db)) == before + 1
    return [temporary, NEW_PASSWORD, code, token]


def _support_reset(db: Database, tmp_path: Path) -> list[str]:
    parent = register(db).parent_id
    support = staff_member(db, "sam", StaffRole.SUPPORT, [])
    before = len(_notices(db))
    with db.write() as uow:
        temporary = issue_temporary_password(
            uow, support, parent, StaffReason(reason="at the desk with photo ID")
        ).password
    assert len(_notices(db)) == before + 1
    return [temporary]


PATHS: dict[str, Callable[[Database, Path], list[str]]] = {
    "preferences": _preferences,
    "reset-code": _reset_by_code,
    "reset-link": _reset_by_link,
    "forced-change": _forced_change,
    "support-desk": _support_reset,
}


@pytest.mark.parametrize("path", list(PATHS))
def test_every_password_change_or_reset_mails_the_owner_when_and_where(
    database: Database, tmp_path: Path, path: str
) -> None:
    secrets = PATHS[path](database, tmp_path)  # asserts exactly one new notice
    notice = _notices(database)[-1]
    assert notice.to_address == EMAIL and notice.language == "es"  # the parent's language
    assert notice.status is MailStatus.QUEUED and notice.sealed_secrets is None
    text = notice.body_text
    assert "Cuándo: 1 de octubre de 2026, 14:00:00 UTC" in text  # when (the test clock)
    assert "Dónde: estación de trabajo kiosk-1" in text  # where
    assert "oficina" in text  # what to do if it was not them
    for secret in secrets:
        assert secret not in text and secret not in notice.body_html


# --- 5. one Message-ID per mail, the same on every attempt -------------------------------------


def test_a_delivery_retried_after_a_failure_sends_the_same_message_id(
    database: Database, flaky_smtp: tuple[FlakyInbox, int], clock: FakeClock
) -> None:
    inbox, port = flaky_smtp
    register(database)
    ask_reset(database)
    [queued] = outbox(database)
    assert re.fullmatch(r"<[0-9a-f]{32}@localhost>", queued.message_id)
    deliverer = Deliverer(database, smtp_settings(port))
    assert deliverer.deliver_due().failed == 1  # the server took it but answered 451
    clock.advance(minutes=1)
    assert deliverer.deliver_due().sent == 1
    first, second = inbox.messages  # at least once: here, twice
    assert first["Message-ID"] == second["Message-ID"] == queued.message_id
    [row] = outbox(database)
    assert row.message_id == queued.message_id and row.attempts == 2
