"""Every kiosk screen at the smallest kiosk terminal, 80×24, as a parent first sees it (the
cursor where the screen starts), with the child-added screen's photo and the idle countdown.
Fixed data, fixed seed, one backend."""

from __future__ import annotations

import random
import re
from collections.abc import Awaitable, Callable
from dataclasses import replace

import pytest
from sqlalchemy import select, update
from textual.pilot import Pilot

from frontdesk.db.engine import Database
from frontdesk.db.models import OutboxMail, StudentPhoto
from frontdesk.demo.district import _photo
from frontdesk.services.linking import request_link
from frontdesk.services.sessions import ParentSession
from screens.kiosk.add_child import ChildLinkedScreen
from screens.kiosk.change_password import ForcedChangeScreen
from screens.kiosk.forgot_password import ForgotPasswordScreen
from screens.kiosk.portal import PortalScreen
from screens.kiosk.preferences import PreferencesScreen
from screens.kiosk_app import KioskApp
from tests.factories import JOSE, delivered_text, register, small_roster
from tests.screens.kiosk.helpers import kiosk, settle

SIZE = (80, 24)
Show = Callable[[KioskApp, ParentSession, Pilot[object]], Awaitable[object]]


async def new_account(app: KioskApp, parent: ParentSession, pilot: Pilot[object]) -> object:
    return await app.push_screen(app.step("new-account"))


async def sign_in(app: KioskApp, parent: ParentSession, pilot: Pilot[object]) -> object:
    return await app.push_screen(app.step("sign-in"))


async def forgot_password(app: KioskApp, parent: ParentSession, pilot: Pilot[object]) -> object:
    return await app.push_screen(ForgotPasswordScreen())


async def forgot_password_code(
    app: KioskApp, parent: ParentSession, pilot: Pilot[object]
) -> object:
    await forgot_password(app, parent, pilot)
    await settle(pilot)
    return await pilot.press(*"maria@example.org", "enter")


async def forgot_password_done(
    app: KioskApp, parent: ParentSession, pilot: Pilot[object]
) -> object:
    await forgot_password_code(app, parent, pilot)
    await settle(pilot)
    with app.database.read() as uow:
        mail = uow.session.scalars(select(OutboxMail)).one()
    code = re.search(r"[0-9A-Z]{4}-[0-9A-Z]{4}", delivered_text(app.database, mail))
    assert code is not None
    return await pilot.press(*code.group(), "enter")


async def child_menu(app: KioskApp, parent: ParentSession, pilot: Pilot[object]) -> object:
    app.parent_session = replace(parent, new_account=True)
    return await app.push_screen(app.step("menu"))


async def add_child(app: KioskApp, parent: ParentSession, pilot: Pilot[object]) -> object:
    return await app.push_screen(app.step("add-child"))


async def letter_code(app: KioskApp, parent: ParentSession, pilot: Pilot[object]) -> object:
    return await app.push_screen(app.step("letter"))


async def letter_code_refused(app: KioskApp, parent: ParentSession, pilot: Pilot[object]) -> object:
    await letter_code(app, parent, pilot)
    await settle(pilot)
    return await pilot.press(*"K7QM4-HXT2R-9WCP", "enter")  # one character short


async def child_added(app: KioskApp, parent: ParentSession, pilot: Pilot[object]) -> object:
    with app.database.write() as uow:
        linked = request_link(uow, parent, JOSE)
    screen = app.step("child-linked")
    assert isinstance(screen, ChildLinkedScreen)
    screen.show_student(linked)
    return await app.push_screen(screen)


async def enrollment(app: KioskApp, parent: ParentSession, pilot: Pilot[object]) -> object:
    return await app.push_screen(app.step("enrollment"))


async def portal(app: KioskApp, parent: ParentSession, pilot: Pilot[object]) -> object:
    with app.database.write() as uow:
        request_link(uow, parent, JOSE)
    return await app.push_screen(PortalScreen())


async def preferences(app: KioskApp, parent: ParentSession, pilot: Pilot[object]) -> object:
    return await app.push_screen(PreferencesScreen(parent))


async def forced_change(app: KioskApp, parent: ParentSession, pilot: Pilot[object]) -> object:
    return await app.push_screen(ForcedChangeScreen(parent))


async def staff_exit(app: KioskApp, parent: ParentSession, pilot: Pilot[object]) -> object:
    return await pilot.press("f12")


async def countdown(app: KioskApp, parent: ParentSession, pilot: Pilot[object]) -> object:
    await new_account(app, parent, pilot)
    await settle(pilot)
    await pilot.press(*"Zoë")
    for _second in range(app.district.kiosk_idle_seconds - 20):
        app.tick_idle()
    return None


async def welcome(app: KioskApp, parent: ParentSession, pilot: Pilot[object]) -> object:
    return None


SCREENS: dict[str, Show] = {
    "welcome": welcome,
    "new_account": new_account,
    "sign_in": sign_in,
    "forgot_password": forgot_password,
    "forgot_password_code": forgot_password_code,
    "forgot_password_done": forgot_password_done,
    "child_menu": child_menu,
    "add_child": add_child,
    "letter_code": letter_code,
    "letter_code_refused": letter_code_refused,
    "child_added_with_photo": child_added,
    "enrollment": enrollment,
    "portal": portal,
    "preferences": preferences,
    "forced_change": forced_change,
    "staff_exit": staff_exit,
    "idle_countdown": countdown,
}


def a_parent_and_jose_with_a_photo(database: Database) -> ParentSession:
    """The small roster, José's photo on file, and a parent signed in (the screens' data)."""
    roster = small_roster(database)
    with database.write() as uow:
        uow.session.execute(
            update(StudentPhoto)
            .where(StudentPhoto.student_id == roster.students["jose"])
            .values(data=_photo(random.Random(1)))
        )
    return register(database, language="en")


@pytest.mark.parametrize("name", list(SCREENS))
def test_kiosk_screen_at_80x24(snap_compare, one_db: Database, name: str) -> None:  # type: ignore[no-untyped-def]
    parent = a_parent_and_jose_with_a_photo(one_db)
    app = kiosk(one_db)

    async def run_before(pilot: Pilot[object]) -> None:
        await settle(pilot)
        app.parent_session = parent
        await SCREENS[name](app, parent, pilot)
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
