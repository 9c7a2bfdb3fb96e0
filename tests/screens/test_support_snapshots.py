"""Snapshots of the support desk's dialogs: the reason an unlock or a temporary password asks
for (and its refusal), and the password shown once (fixed clock and data, SQLite)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from frontdesk.db.models import StaffRole
from frontdesk.errors import AccountLocked, SignInFailed
from frontdesk.services.signin import sign_in_parent
from screens.app import FrontdeskApp
from screens.support.desk import SupportDeskScreen
from screens.support.dialogs import ShownOnceDialog
from tests.factories import register, staff_member
from tests.screens.fixed_district import SIZE, fixed_database, still

EMAIL = "maria@example.org"


def support_app(tmp_path: Path, sqlite_template: Path) -> FrontdeskApp:
    """Signed in as Sam (support); María's account locked by five wrong passwords."""
    database = fixed_database(tmp_path, sqlite_template)
    register(database)
    for _ in range(5):
        with database.write() as uow, pytest.raises((SignInFailed, AccountLocked)):
            sign_in_parent(uow, EMAIL, "wrong password guess")
    app = FrontdeskApp(database, start="desk")
    app.staff = staff_member(database, "sam", StaffRole.SUPPORT, [])
    return app


async def maria_found(pilot: Pilot[Any]) -> None:
    await pilot.app.push_screen(SupportDeskScreen())
    await pilot.press(*"maria", "enter")
    await still(pilot)


def test_the_unlock_asks_why(snap_compare: Any, tmp_path: Path, sqlite_template: Path) -> None:
    async def asked(pilot: Pilot[Any]) -> None:
        await maria_found(pilot)
        await pilot.press("f6", *"called from work")
        await still(pilot)

    assert snap_compare(
        support_app(tmp_path, sqlite_template), terminal_size=SIZE, run_before=asked
    )


def test_a_temporary_password_needs_a_reason(
    snap_compare: Any, tmp_path: Path, sqlite_template: Path
) -> None:
    async def refused(pilot: Pilot[Any]) -> None:
        await maria_found(pilot)
        await pilot.press("f5", "enter")  # no reason given
        await still(pilot)

    assert snap_compare(
        support_app(tmp_path, sqlite_template), terminal_size=SIZE, run_before=refused
    )


def test_the_password_shown_once(snap_compare: Any, tmp_path: Path, sqlite_template: Path) -> None:
    async def shown(pilot: Pilot[Any]) -> None:
        await maria_found(pilot)
        # A password of our own: the one support issues is random.
        await pilot.app.push_screen(ShownOnceDialog(EMAIL, "plum-anchor-violet-42"))
        await still(pilot)

    assert snap_compare(
        support_app(tmp_path, sqlite_template), terminal_size=SIZE, run_before=shown
    )
