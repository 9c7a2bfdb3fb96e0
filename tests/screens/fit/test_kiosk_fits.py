"""Every kiosk screen in the made-up languages (each message 40 % longer; each in its longest
translation), at the smallest kiosk terminal and a roomier one: every text fits where it is
shown. Fixed data, fixed seed, one backend (what a screen shows does not depend on it)."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

from frontdesk.db.engine import Database
from frontdesk.i18n import set_language
from frontdesk.services.sessions import ParentSession
from screens.base_app import BaseApp
from screens.kiosk_app import KioskApp
from tests.screens.fit.checker import misfits, report
from tests.screens.fit.locales import LANGUAGES
from tests.screens.kiosk.helpers import kiosk, press, settle
from tests.screens.kiosk.test_snapshots_80x24 import (
    SCREENS,
    Show,
    a_parent_and_jose_with_a_photo,
    add_child,
    new_account,
    sign_in,
    staff_exit,
)

SIZES = {"80x24": (80, 24), "120x40": (120, 40)}


async def new_account_refused(app: KioskApp, parent: ParentSession, pilot: Pilot[object]) -> None:
    """Sent empty: every field says what is missing, the notice above the form."""
    await new_account(app, parent, pilot)
    await settle(pilot)
    await press(pilot, "#submit")


async def add_child_refused(app: KioskApp, parent: ParentSession, pilot: Pilot[object]) -> None:
    await add_child(app, parent, pilot)
    await settle(pilot)
    await press(pilot, "#add-student")


async def sign_in_refused(app: KioskApp, parent: ParentSession, pilot: Pilot[object]) -> None:
    await sign_in(app, parent, pilot)
    await settle(pilot)
    await press(pilot, "#sign-in")


async def staff_exit_refused(app: KioskApp, parent: ParentSession, pilot: Pilot[object]) -> None:
    await staff_exit(app, parent, pilot)
    await settle(pilot)
    await pilot.press(*"1234", "enter")


KIOSK_SCREENS: dict[str, Show] = {
    **SCREENS,
    "new_account_refused": new_account_refused,
    "add_child_refused": add_child_refused,
    "sign_in_refused": sign_in_refused,
    "staff_exit_refused": staff_exit_refused,
}


def in_language(app: BaseApp, language: str) -> None:
    """Start ``app`` in ``language`` (the district's default is English)."""
    app.set_reactive(BaseApp.language, language)
    set_language(language)


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", list(KIOSK_SCREENS))
async def test_every_text_fits(one_db: Database, name: str, language: str, size: str) -> None:
    parent = a_parent_and_jose_with_a_photo(one_db)
    app = kiosk(one_db)
    in_language(app, language)
    async with app.run_test(size=SIZES[size]) as pilot:
        await settle(pilot)
        app.parent_session = parent
        await KIOSK_SCREENS[name](app, parent, pilot)
        await settle(pilot)
        found = misfits(app.screen)
        assert not found, report(app.screen, found)
