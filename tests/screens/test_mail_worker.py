"""The apps deliver the outbox now and then, in a thread worker (E1)."""

from __future__ import annotations

import mailbox
from pathlib import Path

from sqlalchemy import select

from frontdesk.config import MailSettings
from frontdesk.db.engine import Database
from frontdesk.db.models import MailStatus, OutboxMail
from frontdesk.services.password_reset import request_reset
from screens.app import FrontdeskApp
from tests.factories import register


async def test_the_app_delivers_queued_mail_in_the_background(
    database: Database, tmp_path: Path
) -> None:
    register(database)
    with database.write() as uow:
        request_reset(uow, "maria@example.org", "en")
    app = FrontdeskApp(database, mail=MailSettings(maildir=tmp_path / "mail"))
    async with app.run_test() as pilot:
        app.deliver_mail()  # what the interval timer calls
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert len(mailbox.Maildir(tmp_path / "mail", create=False)) == 1
    with database.read() as uow:
        assert uow.session.scalars(select(OutboxMail.status)).one() is MailStatus.SENT
