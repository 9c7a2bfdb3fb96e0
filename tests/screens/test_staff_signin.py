"""The start screen and staff sign-in, driven from the keyboard."""

from __future__ import annotations

from textual.widgets import Input, Static

from frontdesk.db.engine import Database
from frontdesk.db.models import StaffRole
from frontdesk.services.linking import request_link
from screens.app import FrontdeskApp
from screens.desk.home import StaffHomeScreen
from screens.desk.signin import StaffSignInScreen
from tests.factories import JOSE, STAFF_PASSWORD, register, small_roster, staff_member


def screen_text(app: FrontdeskApp) -> str:
    return " ".join(str(w.render()) for w in app.screen.query(Static))


async def test_the_start_screen_leads_to_sign_in_and_home(database: Database) -> None:
    small_roster(database)
    parent = register(database)
    with database.write() as uow:
        request_link(uow, parent, JOSE)
    staff_member(database, "carmen", StaffRole.CLERK, ["0101"])
    app = FrontdeskApp(database, notice="demo accounts here")
    async with app.run_test(size=(100, 36)) as pilot:
        assert "Owl County School District" in screen_text(app)
        assert "demo accounts here" in screen_text(app)
        await pilot.press("d")
        assert isinstance(app.screen, StaffSignInScreen)
        await pilot.press(*"carmen", "enter")
        await pilot.press(*STAFF_PASSWORD, "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, StaffHomeScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = screen_text(app)
        assert "Signed in as Carmen (clerk)" in text
        assert "Owl Creek Elementary" in text
        assert "1 request waiting for verification" in text
        assert app.staff is not None and app.staff.username == "carmen"
        await pilot.press("ctrl+o")
        assert isinstance(app.screen, StaffSignInScreen)
        assert app.staff is None


async def test_a_wrong_password_is_told_beside_the_field_and_the_name_stays(
    database: Database,
) -> None:
    staff_member(database, "carmen", StaffRole.SUPPORT, [])
    app = FrontdeskApp(database, start="desk")
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.press(*"carmen", "enter", *"not my password", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, StaffSignInScreen)
        assert "The user name or password is not right." in screen_text(app)
        assert app.screen.query_one("#username", Input).value == "carmen"
        assert app.screen.query_one("#password", Input).value == ""
        assert "not my password" not in screen_text(app)


async def test_copying_a_password_puts_nothing_on_the_clipboard(database: Database) -> None:
    app = FrontdeskApp(database, start="desk")
    async with app.run_test() as pilot:
        await pilot.press("tab", *"secret words here", "ctrl+a")
        password = app.screen.query_one("#password", Input)
        assert password.has_focus
        password.action_copy()
        password.action_cut()
        assert app.clipboard == ""
        assert password.value == "secret words here"


async def test_a_reset_staff_password_must_be_replaced_first(database: Database) -> None:
    from sqlalchemy import select

    from frontdesk.db.models import Staff
    from frontdesk.services.audit import Actor
    from frontdesk.services.staff import reset_staff_password
    from screens.desk.change_password import StaffPasswordScreen

    session = staff_member(database, "carmen", StaffRole.SUPPORT, [])
    with database.write() as uow:
        temporary = reset_staff_password(uow, Actor.system("admin"), session.staff_id)
    app = FrontdeskApp(database, start="desk")
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.press(*"carmen", "enter", *temporary, "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, StaffPasswordScreen)
        await pilot.press(*temporary, "enter", *"short", "enter", *"short", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Use at least 15 characters." in screen_text(app)
        assert isinstance(app.screen, StaffPasswordScreen)
        new = "my own desk passphrase 2026"
        for name, value in (("new", new), ("confirm", new)):
            app.screen.query_one(f"#{name}", Input).value = value
        await pilot.click("#save")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, StaffHomeScreen)
    with database.read() as uow:
        staff = uow.session.scalars(select(Staff)).one()
        assert not staff.must_change_password
        assert uow.runtime.hasher.verify(staff.password_hash, new)
