"""Garbage is collected once nobody waits: closed dialogs do not outlive the app's idle
collection (issue 12: the desk froze every painted screen, so every reason dialog a clerk had
opened stayed in memory until the desk was closed), and no collection falls while someone
types."""

from __future__ import annotations

import gc
import time
import weakref
from collections.abc import Callable

import pytest
from textual.pilot import Pilot

from frontdesk.db.engine import Database
from screens.app import FrontdeskApp
from screens.desk.dialogs import ReasonDialog
from screens.desk.request import RequestScreen
from screens.heap import FULL_COLLECTION_EVERY, Heap
from screens.textual_compat import hook_on
from tests.screens.desk_world import World, desk_world, settle

pytestmark = pytest.mark.skipif(not hook_on("heap"), reason="FRONTDESK_HOOKS_OFF=heap")

DIALOGS = 12
IDLE_SECONDS = 0.3
"""The app's idle time before it collects, short for the tests (a few seconds in use)."""
WAIT_SECONDS = 10.0
"""How long a test waits for the idle collection before it gives up."""


async def wait_for(pilot: Pilot[int], done: Callable[[], bool]) -> None:
    """Let the app run until ``done()`` holds (or ``WAIT_SECONDS`` have passed)."""
    deadline = time.monotonic() + WAIT_SECONDS
    while not done() and time.monotonic() < deadline:
        await pilot.pause(IDLE_SECONDS / 4)


async def request_open(database: Database, clock: object) -> tuple[FrontdeskApp, World]:
    world = desk_world(database, clock)
    app = FrontdeskApp(database, start="desk")
    app.staff = world.both
    app.IDLE_COLLECTION_SECONDS = IDLE_SECONDS
    return app, world


async def open_reason_dialog(app: FrontdeskApp, pilot: Pilot[int]) -> weakref.ref[ReasonDialog]:
    await pilot.press("f6")  # deny the highlighted child: the reason dialog
    await pilot.pause()
    assert isinstance(app.screen, ReasonDialog)
    return weakref.ref(app.screen)


async def close_reason_dialog(app: FrontdeskApp, pilot: Pilot[int]) -> None:
    await pilot.press("escape")  # no reason: nothing is decided
    await pilot.pause()
    assert isinstance(app.screen, RequestScreen)


async def test_closed_reason_dialogs_are_collected_when_the_desk_idles(database, clock) -> None:
    app, world = await request_open(database, clock)
    closed: list[weakref.ref[ReasonDialog]] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await app.push_screen(RequestScreen(world.maria.parent_id))
        await settle(app, pilot)
        app.screen.query_one("#children").focus()
        for _ in range(DIALOGS):
            closed.append(await open_reason_dialog(app, pilot))
            await close_reason_dialog(app, pilot)
        # The clerk stops typing; the app collects once it has been idle for a while.
        await wait_for(pilot, lambda: all(ref() is None for ref in closed))
        alive = sum(ref() is not None for ref in closed)
    assert alive == 0, f"{alive} of {DIALOGS} closed reason dialogs still alive after idling"


async def test_a_dialog_open_during_an_idle_collection_goes_at_the_next(database, clock) -> None:
    # The clerk thinks over a denial: the app collects meanwhile and sets aside what lives,
    # the dialog too. Closed, it is garbage that only the next idle collection can see.
    app, world = await request_open(database, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.push_screen(RequestScreen(world.maria.parent_id))
        await settle(app, pilot)
        app.screen.query_one("#children").focus()
        dialog = await open_reason_dialog(app, pilot)
        before = app.heap.collections
        await wait_for(pilot, lambda: app.heap.collections > before)
        assert app.heap.collections == before + 1 and dialog() is not None
        await close_reason_dialog(app, pilot)
        await wait_for(pilot, lambda: dialog() is None)
        assert dialog() is None, "a dialog closed after an idle collection outlived the next"
        assert app.heap.collections == before + 2


async def test_no_collection_while_someone_types_and_one_per_pause(database, clock) -> None:
    app, world = await request_open(database, clock)
    idle = app.IDLE_COLLECTION_SECONDS = 1.0  # keys well within it, even on a busy machine
    async with app.run_test(size=(120, 40)) as pilot:
        await app.push_screen(RequestScreen(world.maria.parent_id))
        await settle(app, pilot)
        await wait_for(pilot, lambda: app.heap.idle_collected)  # the pause after opening
        before = app.heap.collections
        typing_until = time.monotonic() + 2 * idle
        while time.monotonic() < typing_until:
            await pilot.press("down")
            await pilot.pause(idle / 10)
        assert app.heap.collections == before, "a collection fell while the clerk typed"
        await wait_for(pilot, lambda: app.heap.collections > before)
        await pilot.pause(2 * idle)  # a long pause is still one pause
        assert app.heap.collections == before + 1


def test_full_collections_are_left_to_idle_moments_while_the_app_runs() -> None:
    before = gc.get_threshold()
    heap = Heap()
    assert gc.get_threshold()[2] == FULL_COLLECTION_EVERY
    heap.release()
    assert gc.get_threshold() == before
