"""Every staff screen in the made-up languages (each message 40 % longer; each in its longest
translation), at 80×24 and 120×40: every text fits where it is shown. The data and moments of
the staff snapshots (fixed clock, SQLite)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from frontdesk.db.engine import Database
from frontdesk.db.models import StaffRole
from frontdesk.services.audit import Actor
from frontdesk.services.sessions import StaffSession
from frontdesk.services.signin import sign_in_staff
from frontdesk.services.staff import reset_staff_password
from frontdesk.services.verification import approve_link, deny_link
from screens.admin.settings import TABS
from screens.admin.staff import StaffAccountsScreen
from screens.app import FrontdeskApp
from screens.desk.change_password import StaffPasswordScreen
from screens.desk.history import HistoryScreen
from screens.desk.home import StaffHomeScreen
from screens.desk.letters import LettersScreen
from screens.support.dialogs import ShownOnceDialog
from tests.factories import staff_member
from tests.screens.desk_world import World, checked
from tests.screens.fit.checker import misfits, report
from tests.screens.fit.locales import LANGUAGES
from tests.screens.fit.test_kiosk_fits import SIZES, in_language
from tests.screens.fixed_district import fixed_database, still
from tests.screens.test_admin_snapshots import admin_app, open_settings
from tests.screens.test_desk_snapshots import Setup, desk_app, open_queue
from tests.screens.test_support_snapshots import EMAIL, maria_found, support_app

Open = Callable[[Pilot[Any]], Awaitable[None]]


@dataclass(frozen=True)
class Shown:
    """A screen as a member of staff sees it: the app (and its data), then what they do."""

    app: Callable[[Path, Path], FrontdeskApp]
    """Made from a folder for the district's file and the migrated template."""
    open: Open


async def nothing(pilot: Pilot[Any]) -> None:
    """The screen the app opens on."""


def on_the_desk(setup: Setup | None = None) -> Callable[[Path, Path], FrontdeskApp]:
    """The desk's world (María waiting with three requests), Dave signed in unless ``setup``
    says who."""

    def made(tmp_path: Path, template: Path) -> FrontdeskApp:
        return desk_app(tmp_path, template, setup)

    return made


def at_the_start(tmp_path: Path, template: Path) -> FrontdeskApp:
    return FrontdeskApp(fixed_database(tmp_path, template), start="start")


def nobody(_database: Database, _world: World) -> None:
    return None


def sam(database: Database, _world: World) -> StaffSession:
    return staff_member(database, "sam", StaffRole.SUPPORT, [])


def ada(database: Database, _world: World) -> StaffSession:
    return staff_member(database, "ada", StaffRole.ADMIN, [])


def carmen_with_a_temporary_password(database: Database, world: World) -> StaffSession:
    with database.write() as uow:
        temporary = reset_staff_password(uow, Actor.system("test"), world.north.staff_id)
    with database.write() as uow:
        return sign_in_staff(uow, "carmen", temporary)


def decided(database: Database, world: World) -> StaffSession:
    """José approved, Łukasz denied with a reason; Dave signed in."""
    checked(database, world.north, world.maria.parent_id)
    with database.write() as uow:
        approve_link(uow, world.north, world.links["jose"])
        deny_link(uow, world.both, world.links["lukasz"], "Not on the student's record.")
    return world.both


async def refused_sign_in(pilot: Pilot[Any]) -> None:
    await pilot.press(*"carmen", "enter", *"not my password at all", "enter")


async def mistyped_new_password(pilot: Pilot[Any]) -> None:
    await pilot.app.push_screen(StaffPasswordScreen())
    await still(pilot)
    await pilot.press(*"not the temporary one", "enter")
    await pilot.press(*"my own desk passphrase 2026", "enter", *"my own desk passphrase 2026")
    await pilot.press("enter")


async def home(pilot: Pilot[Any]) -> None:
    await pilot.app.push_screen(StaffHomeScreen())


async def request(pilot: Pilot[Any]) -> None:
    await open_queue(pilot)
    await pilot.press("enter")
    await still(pilot)
    await pilot.press(*"k321", *"5/1/2031")


async def letters(pilot: Pilot[Any]) -> None:
    """The highlighted child's letter codes, opened from the request."""
    await open_queue(pilot)
    await pilot.press("enter")
    await still(pilot)
    await pilot.press("f9")
    await still(pilot)
    assert isinstance(pilot.app.screen, LettersScreen)


async def request_with_an_expired_id(pilot: Pilot[Any]) -> None:
    await open_queue(pilot)
    await pilot.press("enter")
    await still(pilot)
    await pilot.press(*"k321", *"9/30/2026")


async def deny_reason(pilot: Pilot[Any]) -> None:
    await open_queue(pilot)
    await pilot.press("enter")
    await still(pilot)
    await pilot.press("f6", *"Different person at the counter.")


async def deny_account_reason_missing(pilot: Pilot[Any]) -> None:
    await open_queue(pilot)
    await pilot.press("enter")
    await still(pilot)
    await pilot.press("f8")
    await still(pilot)
    await pilot.press("enter")


async def family_approval(pilot: Pilot[Any]) -> None:
    await request(pilot)
    await still(pilot)
    await pilot.press("tab", "space", "f4")


async def approved_request(pilot: Pilot[Any]) -> None:
    """María's request with José approved (the revoke key shown), Ayşe still waiting."""
    await open_queue(pilot)
    await pilot.press("enter")


async def history(pilot: Pilot[Any]) -> None:
    await pilot.app.push_screen(HistoryScreen(folder=Path("exports-not-written")))


async def unlock_reason(pilot: Pilot[Any]) -> None:
    await maria_found(pilot)
    await pilot.press("f6", *"called from work")


async def temporary_password_refused(pilot: Pilot[Any]) -> None:
    await maria_found(pilot)
    await pilot.press("f5", "enter")


async def password_shown_once(pilot: Pilot[Any]) -> None:
    await maria_found(pilot)
    await pilot.app.push_screen(ShownOnceDialog(EMAIL, "plum-anchor-violet-42"))


def settings_tab(tab: str) -> Open:
    async def opened(pilot: Pilot[Any]) -> None:
        await open_settings(pilot, tab)

    return opened


async def settings_refused(pilot: Pilot[Any]) -> None:
    await open_settings(pilot, "limits")
    screen = pilot.app.screen
    screen.query_one("#set-kiosk_idle_seconds", Input).value = "5"
    screen.query_one("#set-min_password_length", Input).value = "12"
    await pilot.press("ctrl+s")


async def staff_accounts(pilot: Pilot[Any]) -> None:
    await pilot.app.push_screen(StaffAccountsScreen())
    await still(pilot)
    await pilot.press("down")  # Carmen, a clerk of two schools


async def new_staff_account_refused(pilot: Pilot[Any]) -> None:
    await pilot.app.push_screen(StaffAccountsScreen())
    await still(pilot)
    await pilot.press("ctrl+n", *"X")
    pilot.app.screen.query_one("#pin", Input).value = "12a"
    await pilot.press("ctrl+s")


STAFF_SCREENS: dict[str, Shown] = {
    "start": Shown(at_the_start, nothing),
    "staff_sign_in": Shown(on_the_desk(nobody), nothing),
    "staff_sign_in_refused": Shown(on_the_desk(nobody), refused_sign_in),
    "staff_password_change": Shown(
        on_the_desk(carmen_with_a_temporary_password), mistyped_new_password
    ),
    "home_of_a_clerk": Shown(on_the_desk(), home),
    "home_of_support": Shown(on_the_desk(sam), home),
    "home_of_an_administrator": Shown(on_the_desk(ada), home),
    "queue": Shown(on_the_desk(), open_queue),
    "request_and_id_check": Shown(on_the_desk(), request),
    "request_with_an_expired_id": Shown(on_the_desk(), request_with_an_expired_id),
    "letter_codes": Shown(on_the_desk(), letters),
    "request_approved": Shown(on_the_desk(decided), approved_request),
    "deny_reason_dialog": Shown(on_the_desk(), deny_reason),
    "deny_account_reason_missing": Shown(on_the_desk(), deny_account_reason_missing),
    "family_approval_confirmation": Shown(on_the_desk(), family_approval),
    "history": Shown(on_the_desk(decided), history),
    "support_desk": Shown(support_app, maria_found),
    "support_unlock_reason": Shown(support_app, unlock_reason),
    "support_temporary_password_refused": Shown(support_app, temporary_password_refused),
    "support_password_shown_once": Shown(support_app, password_shown_once),
    **{f"settings_{tab}": Shown(admin_app, settings_tab(tab)) for tab in TABS},
    "settings_refused": Shown(admin_app, settings_refused),
    "staff_accounts": Shown(admin_app, staff_accounts),
    "new_staff_account_refused": Shown(admin_app, new_staff_account_refused),
}


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", list(STAFF_SCREENS))
async def test_every_text_fits(
    tmp_path: Path, sqlite_template: Path, name: str, language: str, size: str
) -> None:
    shown = STAFF_SCREENS[name]
    app = shown.app(tmp_path, sqlite_template)
    in_language(app, language)
    async with app.run_test(size=SIZES[size]) as pilot:
        await still(pilot)
        await shown.open(pilot)
        await still(pilot)
        found = misfits(app.screen)
        assert not found, report(app.screen, found)
