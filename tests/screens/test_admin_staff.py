"""The staff accounts screen (A1): create, disable, reset a password (shown once), PIN."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from textual.widgets import Button, DataTable, Input, Label, SelectionList, Static

from frontdesk.db.engine import Database
from frontdesk.db.models import AuditEvent, Staff, StaffRole
from frontdesk.services.signin import sign_in_staff
from screens.admin.staff import StaffAccountsScreen
from screens.app import FrontdeskApp
from screens.desk.home import StaffHomeScreen
from tests.factories import small_roster, staff_member


async def open_staff(app: FrontdeskApp, pilot: object, database: Database) -> StaffAccountsScreen:
    app.staff = staff_member(database, "ada", StaffRole.ADMIN, [])
    app.push_screen(StaffHomeScreen())
    await app.workers.wait_for_complete()
    await pilot.pause()  # type: ignore[attr-defined]
    await pilot.click("#area-staff")  # type: ignore[attr-defined]
    await app.workers.wait_for_complete()
    await pilot.pause()  # type: ignore[attr-defined]
    assert isinstance(app.screen, StaffAccountsScreen)
    return app.screen


def staff_row(database: Database, username: str) -> Staff:
    with database.read() as uow:
        return uow.session.scalars(select(Staff).where(Staff.username == username)).one()


async def press(app: FrontdeskApp, pilot: object, selector: str) -> None:
    """Scroll the button into view, as a person would, and click it."""
    app.screen.query_one(selector).scroll_visible(animate=False, immediate=True)
    await pilot.pause()  # type: ignore[attr-defined]
    await pilot.click(selector)  # type: ignore[attr-defined]


async def settle(app: FrontdeskApp, pilot: object) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()  # type: ignore[attr-defined]
    await app.workers.wait_for_complete()
    await pilot.pause()  # type: ignore[attr-defined]


async def test_an_admin_creates_disables_and_resets_a_clerk(
    database: Database, tmp_path: Path
) -> None:
    small_roster(database)
    app = FrontdeskApp(database, start="desk")
    async with app.run_test(size=(120, 45)) as pilot:
        screen = await open_staff(app, pilot, database)
        assert screen.query_one("#staff-table", DataTable).row_count == 1
        await pilot.press("ctrl+n")
        await pilot.press(*"carmen")
        screen.query_one("#display_name", Input).value = "Carmen Clerk"
        screen.query_one("#schools", SelectionList).select("0102")
        screen.query_one("#password", Input).value = "a clerk at the front desk"
        await press(app, pilot, "#save")
        await settle(app, pilot)
        assert screen.query_one("#staff-table", DataTable).row_count == 2
        assert screen.selected is not None and screen.selected.username == "carmen"

        await press(app, pilot, "#toggle-active")
        await settle(app, pilot)
        assert str(screen.query_one("#toggle-active", Button).label) == "Enable"
        assert staff_row(database, "carmen").active is False
        app.save_screenshot("staff.svg", path=str(tmp_path))  # before any password is shown

        await press(app, pilot, "#reset-password")
        await settle(app, pilot)
        shown = str(screen.query_one("#temporary-text", Static).render())
        assert "Temporary password for carmen:" in shown
        temporary = shown.split(": ", 1)[1].split("\n")[0]
        await press(app, pilot, "#hide-temporary")
        await pilot.pause()
        assert temporary not in str(screen.query_one("#temporary-text", Static).render())

    carmen = staff_row(database, "carmen")
    assert carmen.must_change_password and [s.code for s in carmen.schools] == ["0102"]
    with database.write() as uow:
        from frontdesk.services.audit import Actor
        from frontdesk.services.staff import set_staff_active

        set_staff_active(uow, Actor.system("test"), carmen.id, True)
    with database.write() as uow:
        assert sign_in_staff(uow, "carmen", temporary).must_change_password
    with database.read() as uow:
        actions = uow.session.scalars(
            select(AuditEvent.action).where(AuditEvent.actor_name == "ada")
        ).all()
        details = str(uow.session.scalars(select(AuditEvent.details)).all())
    assert actions == ["staff.create", "staff.update", "staff.update"]
    assert temporary not in details and "a clerk at the front desk" not in details


async def test_mistakes_are_shown_beside_the_fields(database: Database) -> None:
    app = FrontdeskApp(database, start="desk")
    async with app.run_test(size=(120, 45)) as pilot:
        screen = await open_staff(app, pilot, database)
        await pilot.press("ctrl+n")
        screen.query_one("#username", Input).value = "X"
        screen.query_one("#password", Input).value = "short"
        screen.query_one("#pin", Input).value = "12a"
        await press(app, pilot, "#save")
        await settle(app, pilot)

        def error(name: str) -> str:
            return str(screen.query_one(f"#field-{name} .field-error", Label).render())

        assert error("username").startswith("Use 2 to 64 lower-case letters")
        assert error("password") == "Use at least 15 characters."
        assert error("pin") == "A PIN is 6 to 8 digits."
        assert error("schools") == "A clerk serves at least one school."
        assert screen.query_one("#username", Input).value == "X"
    with database.read() as uow:
        assert [s.username for s in uow.session.scalars(select(Staff))] == ["ada"]


async def test_the_last_admin_cannot_disable_themselves(database: Database) -> None:
    app = FrontdeskApp(database, start="desk")
    async with app.run_test(size=(120, 45)) as pilot:
        screen = await open_staff(app, pilot, database)
        await press(app, pilot, "#toggle-active")
        await settle(app, pilot)
        assert str(screen.query_one("#form-message", Static).render()) == (
            "You cannot disable your own account."
        )
    assert staff_row(database, "ada").active
