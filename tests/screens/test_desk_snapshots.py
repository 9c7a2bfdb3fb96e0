"""Snapshots of the desk's queue and request view: fixed clock, fixed district (SQLite)."""

from __future__ import annotations

import random
import shutil
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from frontdesk.db.engine import Runtime, open_database
from frontdesk.db.models import StudentPhoto
from frontdesk.demo.district import _photo
from frontdesk.security import Keyring, PasswordHasher
from screens.app import FrontdeskApp
from screens.desk.queue import QueueScreen
from tests.conftest import FakeClock
from tests.screens.desk_world import desk_world, settle

SIZE = (120, 40)


def desk_app(tmp_path: Path, sqlite_template: Path) -> FrontdeskApp:
    """The desk world, signed in as Dave (two schools), José with a drawn photo."""
    path = tmp_path / "district.db"
    shutil.copy(sqlite_template, path)
    clock = FakeClock()
    runtime = Runtime(Keyring(b"k" * 32), PasswordHasher(), "desk-1", clock)
    database = open_database(f"sqlite:///{path}", runtime)
    world = desk_world(database, clock)
    with database.write() as uow:
        photo = uow.session.get_one(StudentPhoto, 1)
        photo.data = _photo(random.Random(3))
    app = FrontdeskApp(database, start="desk")
    app.staff = world.both
    return app


async def still(pilot: Pilot[Any]) -> None:
    """Workers done, tables sized, and no blinking cursor: the screen as it will stay."""
    await settle(pilot.app, pilot)
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False
    # A DataTable sizes its columns on a later refresh than the one that adds its rows.
    for table in pilot.app.screen.query(DataTable):
        table.refresh(layout=True)
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()
    await pilot.pause()


async def open_queue(pilot: Pilot[Any]) -> None:
    await pilot.app.push_screen(QueueScreen())
    await still(pilot)


def test_the_queue(snap_compare: Any, tmp_path: Path, sqlite_template: Path) -> None:
    assert snap_compare(
        desk_app(tmp_path, sqlite_template), terminal_size=SIZE, run_before=open_queue
    )


def test_the_queue_filtered(snap_compare: Any, tmp_path: Path, sqlite_template: Path) -> None:
    async def filtered(pilot: Pilot[Any]) -> None:
        await open_queue(pilot)
        await pilot.press(*"obrien")
        await still(pilot)

    assert snap_compare(
        desk_app(tmp_path, sqlite_template), terminal_size=SIZE, run_before=filtered
    )


def test_the_request_view(snap_compare: Any, tmp_path: Path, sqlite_template: Path) -> None:
    async def opened(pilot: Pilot[Any]) -> None:
        await open_queue(pilot)
        await pilot.press("enter")
        await still(pilot)
        await pilot.press(*"k321", *"5/1/2031")
        await still(pilot)

    assert snap_compare(desk_app(tmp_path, sqlite_template), terminal_size=SIZE, run_before=opened)


def test_the_request_view_with_an_expired_id(
    snap_compare: Any, tmp_path: Path, sqlite_template: Path
) -> None:
    async def expired(pilot: Pilot[Any]) -> None:
        await open_queue(pilot)
        await pilot.press("enter")
        await still(pilot)
        await pilot.press(*"k321", *"9/30/2026")
        await still(pilot)

    assert snap_compare(desk_app(tmp_path, sqlite_template), terminal_size=SIZE, run_before=expired)
