"""P1 at the keyboard: find a parent, unlock the account, issue a temporary password."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from textual.widgets import Button, DataTable, Static

from frontdesk.db.engine import Database
from frontdesk.db.models import AuditEvent, ParentAccount, StaffRole
from frontdesk.errors import AccountLocked, SignInFailed
from frontdesk.services.signin import sign_in_parent
from screens.app import FrontdeskApp
from screens.desk.home import StaffHomeScreen
from screens.support.desk import SupportDeskScreen
from screens.support.dialogs import ReasonDialog, ShownOnceDialog
from tests.factories import register, staff_member

EMAIL = "maria@example.org"


def lock(database: Database) -> None:
    for _ in range(5):
        with database.write() as uow, pytest.raises((SignInFailed, AccountLocked)):
            sign_in_parent(uow, EMAIL, "wrong password guess")


async def test_support_finds_unlocks_and_resets_from_the_keyboard(
    database: Database, tmp_path: Path
) -> None:
    register(database)
    lock(database)
    app = FrontdeskApp(database, start="desk")
    async with app.run_test(size=(120, 40)) as pilot:
        app.staff = staff_member(database, "sam", StaffRole.SUPPORT, [])
        await app.switch_screen(StaffHomeScreen())
        await app.workers.wait_for_complete()
        await pilot.pause()
        app.screen.query_one("#area-support", Button).press()
        await pilot.pause()
        assert isinstance(app.screen, SupportDeskScreen)
        await pilot.press(*"maria nguyen", "enter")
        for _ in range(2):
            await app.workers.wait_for_complete()
            await pilot.pause()
        assert app.screen.query_one("#results", DataTable).row_count == 1
        details = str(app.screen.query_one("#details", Static).render())
        assert "Locked since" in details and "Recent failed sign-ins" in details
        app.save_screenshot(str(tmp_path / "support.svg"))

        await pilot.press("f6")
        assert isinstance(app.screen, ReasonDialog)
        await pilot.press("enter")  # no reason: the service refuses it, beside the field
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ReasonDialog)
        assert "Say why" in str(app.screen.query_one(".field-error", Static).render())
        await pilot.press(*"called from work, verified", "enter")
        for _ in range(2):
            await app.workers.wait_for_complete()
            await pilot.pause()
        assert isinstance(app.screen, SupportDeskScreen)
        assert "Not locked" in str(app.screen.query_one("#details", Static).render())

        await pilot.press("f5", *"parent at the desk with ID", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ShownOnceDialog)
        temporary = str(app.screen.query_one("#temporary-password", Static).render())
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, SupportDeskScreen)
        assert temporary not in str(app.screen.query_one("#details", Static).render())

    with database.write() as uow:
        assert sign_in_parent(uow, EMAIL, temporary).must_change_password
    with database.read() as uow:
        assert uow.session.scalars(select(ParentAccount.locked_at)).one() is None
        events = {
            e.action: e.details
            for e in uow.session.scalars(select(AuditEvent).where(AuditEvent.actor_name == "sam"))
        }
    assert events == {
        "account.unlock": {"reason": "called from work, verified"},
        "password.temporary": {"reason": "parent at the desk with ID"},
    }


def test_support_desk_snapshot(database: Database, snap_compare) -> None:  # type: ignore[no-untyped-def]
    """What support sees of a locked account (fixed clock and data)."""
    register(database)
    lock(database)
    support = staff_member(database, "sam", StaffRole.SUPPORT, [])
    app = FrontdeskApp(database, start="desk")

    async def open_desk(pilot) -> None:  # type: ignore[no-untyped-def]
        app.staff = support
        await app.push_screen(SupportDeskScreen())
        await pilot.press(*"maria", "enter")
        for _ in range(2):
            await app.workers.wait_for_complete()
            await pilot.pause()

    assert snap_compare(app, run_before=open_desk, terminal_size=(120, 40))
