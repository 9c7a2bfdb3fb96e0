"""Snapshots of the administrator's screens: each settings tab, a refused save, and the staff
accounts (fixed clock and data, SQLite)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TabbedContent

from frontdesk.db.models import StaffRole
from screens.admin.settings import TABS, SettingsScreen
from screens.admin.staff import StaffAccountsScreen
from screens.app import FrontdeskApp
from tests.factories import small_roster, staff_member
from tests.screens.fixed_district import SIZE, fixed_database, still


def admin_app(tmp_path: Path, sqlite_template: Path) -> FrontdeskApp:
    """Signed in as Ada, the district's administrator; a clerk and a support member too."""
    database = fixed_database(tmp_path, sqlite_template)
    small_roster(database)
    ada = staff_member(database, "ada", StaffRole.ADMIN, [])
    staff_member(database, "carmen", StaffRole.CLERK, ["0101", "0102"])
    staff_member(database, "sam", StaffRole.SUPPORT, [])
    app = FrontdeskApp(database, start="desk")
    app.staff = ada
    return app


async def open_settings(pilot: Pilot[Any], tab: str = "district") -> None:
    await pilot.app.push_screen(SettingsScreen())
    await still(pilot)
    pilot.app.screen.query_one("#tabs", TabbedContent).active = f"tab-{tab}"
    await still(pilot)


@pytest.mark.parametrize("tab", list(TABS))
def test_each_settings_tab(
    snap_compare: Any, tmp_path: Path, sqlite_template: Path, tab: str
) -> None:
    async def opened(pilot: Pilot[Any]) -> None:
        await open_settings(pilot, tab)

    assert snap_compare(admin_app(tmp_path, sqlite_template), terminal_size=SIZE, run_before=opened)


def test_settings_refused_beside_the_fields(
    snap_compare: Any, tmp_path: Path, sqlite_template: Path
) -> None:
    async def refused(pilot: Pilot[Any]) -> None:
        await open_settings(pilot, "limits")
        screen = pilot.app.screen
        screen.query_one("#set-kiosk_idle_seconds", Input).value = "5"
        screen.query_one("#set-min_password_length", Input).value = "12"
        await pilot.press("ctrl+s")
        await still(pilot)

    assert snap_compare(
        admin_app(tmp_path, sqlite_template), terminal_size=SIZE, run_before=refused
    )


def test_staff_accounts(snap_compare: Any, tmp_path: Path, sqlite_template: Path) -> None:
    async def opened(pilot: Pilot[Any]) -> None:
        await pilot.app.push_screen(StaffAccountsScreen())
        await still(pilot)
        await pilot.press("down")  # Carmen, a clerk of two schools
        await still(pilot)

    assert snap_compare(admin_app(tmp_path, sqlite_template), terminal_size=SIZE, run_before=opened)


def test_a_new_staff_account_with_mistakes(
    snap_compare: Any, tmp_path: Path, sqlite_template: Path
) -> None:
    async def refused(pilot: Pilot[Any]) -> None:
        await pilot.app.push_screen(StaffAccountsScreen())
        await still(pilot)
        await pilot.press("ctrl+n", *"X")
        pilot.app.screen.query_one("#pin", Input).value = "12a"
        await pilot.press("ctrl+s")
        await still(pilot)

    assert snap_compare(
        admin_app(tmp_path, sqlite_template), terminal_size=SIZE, run_before=refused
    )
