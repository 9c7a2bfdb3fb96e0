"""Snapshots of the kiosk's main screens in English, Spanish, Brazilian Portuguese and Vietnamese
(fixed data, fixed seed; the district offers all five languages)."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot

from frontdesk.db.engine import Database, Runtime, open_database
from frontdesk.services.linking import request_link
from screens.kiosk.portal import PortalScreen
from tests.factories import JOSE, change_settings, register, small_roster
from tests.screens.kiosk.helpers import kiosk

SIZE = (100, 44)
LANGUAGES = ["en", "es", "pt_BR", "vi"]


@pytest.fixture
def snap_db(sqlite_template: Path, tmp_path: Path, runtime: Runtime) -> Iterator[Database]:
    """Snapshots need one backend only: what the screen shows does not depend on it."""
    path = tmp_path / "district.db"
    shutil.copy(sqlite_template, path)
    database = open_database(f"sqlite:///{path}", runtime)
    change_settings(database, languages=["en", "es", "ht", "pt_BR", "vi"])
    yield database
    database.dispose()


async def settle(pilot: Pilot[object]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def in_language(language: str) -> Callable[[Pilot[object]], object]:
    async def switch(pilot: Pilot[object]) -> None:
        await settle(pilot)
        if language != "en":
            await pilot.click(f"#lang-{language}")
        await settle(pilot)

    return switch


@pytest.mark.parametrize("language", LANGUAGES)
def test_welcome(snap_compare, snap_db: Database, language: str) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(kiosk(snap_db), terminal_size=SIZE, run_before=in_language(language))


@pytest.mark.parametrize("language", LANGUAGES)
def test_account_form_with_errors(snap_compare, snap_db: Database, language: str) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[object]) -> None:
        await in_language(language)(pilot)
        await pilot.click("#new-account")
        await settle(pilot)
        screen = pilot.app.screen
        screen.query_one("#first_name").value = "María"  # type: ignore[attr-defined]
        screen.query_one("#email").value = "maria@"  # type: ignore[attr-defined]
        screen.query_one("#submit").focus()
        # Focus scrolls the button into view, animated; a person presses Enter once it's there.
        await pilot.wait_for_scheduled_animations()
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(kiosk(snap_db), terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("language", LANGUAGES)
def test_portal_landing(snap_compare, snap_db: Database, language: str) -> None:  # type: ignore[no-untyped-def]
    small_roster(snap_db)
    session = register(snap_db)
    with snap_db.write() as uow:
        request_link(uow, session, JOSE)
    app = kiosk(snap_db)

    async def run_before(pilot: Pilot[object]) -> None:
        await in_language(language)(pilot)
        app.parent_session = session
        await app.push_screen(PortalScreen())
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


@pytest.mark.parametrize("language", ["en", "es"])
def test_staff_exit_after_a_wrong_pin(snap_compare, snap_db: Database, language: str) -> None:  # type: ignore[no-untyped-def]
    async def run_before(pilot: Pilot[object]) -> None:
        await in_language(language)(pilot)
        await pilot.press("f12")
        await settle(pilot)
        await pilot.press(*"1234", "enter")
        await settle(pilot)

    assert snap_compare(kiosk(snap_db), terminal_size=SIZE, run_before=run_before)
