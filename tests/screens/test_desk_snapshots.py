"""Snapshots of the desk's queue and request view, its home, history, dialogs and a student's
letter codes: fixed clock, fixed district (SQLite)."""

from __future__ import annotations

import random
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select
from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from frontdesk.db.engine import Database, Runtime, open_database
from frontdesk.db.models import Contact, StaffRole, StudentLink, StudentPhoto
from frontdesk.demo.district import _photo
from frontdesk.security import Keyring, PasswordHasher
from frontdesk.services.audit import Actor
from frontdesk.services.letters import issue_letter
from frontdesk.services.sessions import StaffSession
from frontdesk.services.signin import sign_in_staff
from frontdesk.services.staff import reset_staff_password
from frontdesk.services.verification import approve_link, deny_link
from screens.app import FrontdeskApp
from screens.desk.change_password import StaffPasswordScreen
from screens.desk.history import HistoryScreen
from screens.desk.home import StaffHomeScreen
from screens.desk.queue import QueueScreen
from screens.desk.request import RequestScreen
from tests.conftest import FakeClock
from tests.factories import staff_member
from tests.screens.desk_world import World, checked, desk_world, settle

SIZE = (120, 40)


Setup = Callable[[Database, World], StaffSession | None]
"""Adds what a snapshot needs to the desk world; returns who is signed in (``None``: nobody)."""


def desk_app(tmp_path: Path, sqlite_template: Path, setup: Setup | None = None) -> FrontdeskApp:
    """The desk world, signed in as Dave (two schools) unless ``setup`` says otherwise, José
    with a drawn photo."""
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
    app.staff = setup(database, world) if setup is not None else world.both
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


# --- the staff home, for each role (each sees its own areas) ----------------------------------


async def open_home(pilot: Pilot[Any]) -> None:
    await pilot.app.push_screen(StaffHomeScreen())
    await still(pilot)


def test_the_home_of_a_clerk(snap_compare: Any, tmp_path: Path, sqlite_template: Path) -> None:
    assert snap_compare(
        desk_app(tmp_path, sqlite_template),
        terminal_size=SIZE,
        run_before=open_home,
    )


def test_the_home_of_support(snap_compare: Any, tmp_path: Path, sqlite_template: Path) -> None:
    def sam(database: Database, _world: World) -> StaffSession:
        return staff_member(database, "sam", StaffRole.SUPPORT, [])

    assert snap_compare(
        desk_app(tmp_path, sqlite_template, sam),
        terminal_size=SIZE,
        run_before=open_home,
    )


def test_the_home_of_an_administrator(
    snap_compare: Any, tmp_path: Path, sqlite_template: Path
) -> None:
    def ada(database: Database, _world: World) -> StaffSession:
        return staff_member(database, "ada", StaffRole.ADMIN, [])

    assert snap_compare(
        desk_app(tmp_path, sqlite_template, ada),
        terminal_size=SIZE,
        run_before=open_home,
    )


# --- the desk's history ----------------------------------------------------------------------


def test_the_history(snap_compare: Any, tmp_path: Path, sqlite_template: Path) -> None:
    def decided(database: Database, world: World) -> StaffSession:
        checked(database, world.north, world.maria.parent_id)
        with database.write() as uow:
            approve_link(uow, world.north, world.links["jose"])
            deny_link(uow, world.both, world.links["lukasz"], "Not on the student's record.")
        return world.both

    async def history(pilot: Pilot[Any]) -> None:
        await pilot.app.push_screen(HistoryScreen(folder=tmp_path / "exports"))
        await still(pilot)
        # Under load the rows' widths can land a frame after the rows: wait for the first
        # column to fit its dates (bounded), then for the screen to be still again.
        table = pilot.app.screen.query_one("#history", DataTable)
        for _wait in range(100):
            widths = [column.get_render_width(table) for column in table.columns.values()]
            if table.row_count and widths and widths[0] > len("When") + 2:
                break
            await pilot.pause(0.05)
        await still(pilot)

    # Wide enough for the reason a parent was given.
    assert snap_compare(
        desk_app(tmp_path, sqlite_template, decided), terminal_size=(160, 30), run_before=history
    )


# --- staff sign-in and the forced password change ---------------------------------------------


def test_the_staff_sign_in_refused(
    snap_compare: Any, tmp_path: Path, sqlite_template: Path
) -> None:
    async def refused(pilot: Pilot[Any]) -> None:
        await still(pilot)
        await pilot.press(*"carmen", "enter", *"not my password at all", "enter")
        await still(pilot)

    assert snap_compare(
        desk_app(tmp_path, sqlite_template, lambda _database, _world: None),
        terminal_size=SIZE,
        run_before=refused,
    )


def test_the_staff_password_change(
    snap_compare: Any, tmp_path: Path, sqlite_template: Path
) -> None:
    def reset(database: Database, world: World) -> StaffSession:
        with database.write() as uow:
            temporary = reset_staff_password(uow, Actor.system("test"), world.north.staff_id)
        with database.write() as uow:
            return sign_in_staff(uow, "carmen", temporary)

    async def mistyped(pilot: Pilot[Any]) -> None:
        await pilot.app.push_screen(StaffPasswordScreen())
        await still(pilot)
        await pilot.press(*"not the temporary one", "enter")
        await pilot.press(*"my own desk passphrase 2026", "enter")
        await pilot.press(*"my own desk passphrase 2026", "enter")
        await still(pilot)

    assert snap_compare(
        desk_app(tmp_path, sqlite_template, reset), terminal_size=SIZE, run_before=mistyped
    )


# --- the questions asked before a decision -----------------------------------------------------


def test_the_deny_reason_dialog(snap_compare: Any, tmp_path: Path, sqlite_template: Path) -> None:
    async def asked(pilot: Pilot[Any]) -> None:
        await open_queue(pilot)
        await pilot.press("enter")
        await still(pilot)
        await pilot.press("f6", *"Different person at the counter.")
        await still(pilot)

    assert snap_compare(desk_app(tmp_path, sqlite_template), terminal_size=SIZE, run_before=asked)


def test_the_revoke_reason_dialog_with_no_reason(
    snap_compare: Any, tmp_path: Path, sqlite_template: Path
) -> None:
    maria: list[int] = []

    def approved(database: Database, world: World) -> StaffSession:
        checked(database, world.north, world.maria.parent_id)
        with database.write() as uow:
            approve_link(uow, world.north, world.links["jose"])
        maria.append(world.maria.parent_id)
        return world.both

    async def asked(pilot: Pilot[Any]) -> None:
        # José (approved) is the first child listed: the cursor starts on him.
        await pilot.app.push_screen(RequestScreen(maria[0]))
        await still(pilot)
        await pilot.press("f7", "enter")  # no reason given yet
        await still(pilot)

    assert snap_compare(
        desk_app(tmp_path, sqlite_template, approved), terminal_size=SIZE, run_before=asked
    )


def test_the_family_approval_confirmation(
    snap_compare: Any, tmp_path: Path, sqlite_template: Path
) -> None:
    async def asked(pilot: Pilot[Any]) -> None:
        await open_queue(pilot)
        await pilot.press("enter")
        await still(pilot)
        await pilot.press(*"k321", *"5/1/2031", "tab", "space", "f4")
        await still(pilot)

    assert snap_compare(desk_app(tmp_path, sqlite_template), terminal_size=SIZE, run_before=asked)


# --- a student's letter codes (L1) --------------------------------------------------------------


def test_the_letter_codes_of_a_student(
    snap_compare: Any, tmp_path: Path, sqlite_template: Path
) -> None:
    def issued(database: Database, world: World) -> StaffSession:
        with database.write() as uow:  # Rosa: a second guardian, no letter yet
            jose = uow.session.get_one(StudentLink, world.links["jose"]).student_id
            maria = uow.session.scalars(
                select(Contact.id).where(Contact.student_id == jose, Contact.first_name == "María")
            ).one()
            uow.session.add(
                Contact(
                    student_id=jose,
                    first_name="Rosa",
                    last_name="Nguyễn",
                    relationship="Grandmother",
                    email=None,
                    phone="555-0109",
                    portal_access=True,
                )
            )
        # María's first letter, replaced by a second one that works.
        for letter in ("first", "second"):
            issue_letter(database, world.north, maria, tmp_path / f"{letter}.pdf")
        return world.both

    async def opened(pilot: Pilot[Any]) -> None:
        await open_queue(pilot)
        await pilot.press("enter")  # María's request, José highlighted
        await still(pilot)
        await pilot.press("f9")
        await still(pilot)

    assert snap_compare(
        desk_app(tmp_path, sqlite_template, issued), terminal_size=SIZE, run_before=opened
    )
