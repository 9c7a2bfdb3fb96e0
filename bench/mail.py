"""Issue 10 §4's figures: what keeping the outbox's secrets unreadable costs.

Sealing and opening a reset mail's code and link (AES-GCM), a delivery pass of one reset
mail into a Maildir (opening, writing 0600, wiping, truncating SQLite's WAL), the WAL
truncation alone, and what SQLite's ``secure_delete`` adds to deleting rows.
"""

from __future__ import annotations

import json
import time

from sqlalchemy import delete, func, insert, select

from bench.context import BenchContext, bench_parent, median, timings_ms
from frontdesk.config import MailSettings
from frontdesk.db.engine import Runtime, open_database
from frontdesk.db.models import MailStatus, OutboxMail
from frontdesk.mail import messages
from frontdesk.mail.delivery import Deliverer
from frontdesk.mail.outbox import SEAL_PURPOSE
from frontdesk.security import Keyring, PasswordHasher
from frontdesk.services.password_reset import request_reset

ROWS = 2000


def _seal_and_open(keyring: Keyring) -> None:
    mail = messages.password_reset(
        to="ana@example.org",
        language="en",
        district="Owl County",
        first_name="Ana",
        code="7kq2-m9xd",
        token="t" * 43,
        portal_url="http://localhost:8000",
        minutes=60,
    )
    sealed = keyring.seal(SEAL_PURPOSE, json.dumps(dict(mail.secrets)).encode(), b"<id@localhost>")
    keyring.unseal(SEAL_PURPOSE, sealed, b"<id@localhost>")


def run(ctx: BenchContext) -> None:
    keyring = Keyring(b"b" * 32)
    # The first call derives the key, as a running app's first reset mail does.
    sealing = timings_ms(lambda: _seal_and_open(keyring), 2000)
    ctx.report("outbox_render_seal_and_open_median", median(sealing) * 1000, "us")

    database = open_database(
        f"sqlite:///{ctx.workdir / 'mail.db'}",
        Runtime(keyring, hasher=PasswordHasher(), workstation="bench"),
    )
    bench_parent(database, reset_requests_per_account=10**6, reset_requests_per_workstation=10**6)
    deliverer = Deliverer(database, MailSettings(maildir=ctx.workdir / "mail"))
    passes: list[float] = []
    for _ in range(50):
        with database.write() as uow:
            request_reset(uow, "ana@example.org", "en")
        started = time.perf_counter()
        assert deliverer.deliver_due().sent == 1
        passes.append((time.perf_counter() - started) * 1000)
    ctx.report("mail_pass_one_reset_mail_maildir_sqlite_median", median(passes), "ms")
    ctx.report("sqlite_wal_truncate_median", median(timings_ms(database.checkpoint, 50)), "ms")

    # secure_delete: deleting ROWS outbox rows (about 2 kB each) with it on and off.
    for setting in ("ON", "OFF"):
        with database.write() as uow:
            now = uow.now()
            uow.session.execute(
                insert(OutboxMail),
                [
                    {
                        "message_id": f"<{setting}{n}@bench>",
                        "kind": "bench",
                        "to_address": "ana@example.org",
                        "language": "en",
                        "subject": "s",
                        "body_text": "x" * 900,
                        "body_html": "y" * 1100,
                        "status": MailStatus.SENT,
                        "created_at": now,
                        "next_attempt_at": now,
                    }
                    for n in range(ROWS)
                ],
            )
        database.checkpoint()
        with database.write() as uow:
            uow.session.connection().exec_driver_sql(f"PRAGMA secure_delete = {setting}")
            started = time.perf_counter()
            uow.session.execute(delete(OutboxMail).where(OutboxMail.kind == "bench"))
            assert uow.session.scalar(select(func.count()).select_from(OutboxMail)) == 50
        database.checkpoint()  # the zeroed pages reach the file too
        took = (time.perf_counter() - started) * 1000
        with database.write() as uow:  # back to what every connection is set to on opening
            uow.session.connection().exec_driver_sql("PRAGMA secure_delete = ON")
        ctx.report(f"sqlite_delete_{ROWS}_mails_secure_delete_{setting.lower()}", took, "ms")
    database.dispose()
