"""Issue 12's soak: what a day's work leaves in memory, on the demo district (SQLite).

* The desk: one session (the demo's admin, who sees every waiting request) opens
  ``REQUESTS`` requests from the queue, one after the other, and on every fourth the reason
  dialog (``DIALOGS`` in all: opened, then closed without a reason, so nothing is decided).
* The kiosk: ``PARENTS`` parents, one after the other; every other one makes an account and
  the next signs in to it; each adds a child, goes back to the listing and leaves (signs out
  at the portal, or walks away and the kiosk is wiped).

Both driven with Pilot as people would, pausing now and then as people do (``PAUSES`` times:
a clerk between two parents at the counter, the kiosk between two parents); the apps collect
their garbage in those pauses (``screens.heap``). Reported, for each app, from after warm-up
to after the last pause's collection:

* ``..._rss_growth`` (MiB; goal ≤ 20) and ``..._objects_growth`` (objects Python tracks);
* ``..._closed_dialogs_alive`` and ``..._screens_alive`` (goal 0): dialogs and screens alive
  that the app neither shows nor keeps;
* ``..._idle_collections`` (how many the pauses brought), ``..._frozen_objects`` (what the last
  one set aside), and the automatic full collections: how many, and the longest
  (``..._gc_full_max``, ms: what a key press falling on one waits; the figure for
  ``gc.set_threshold``), and the longest idle collection.

``FRONTDESK_BENCH_SOAK_SCALE`` scales the counts (default 1; 0.02 is a smoke run: 40 requests,
10 dialogs, 6 parents).
"""

from __future__ import annotations

import asyncio
import gc
import itertools
import os
import random
import shutil
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import select
from textual.pilot import Pilot
from textual.screen import ModalScreen, Screen

from bench.context import BenchContext
from bench.desk import on_request, queue_rows, settled
from frontdesk.db.engine import Database, Runtime, open_database
from frontdesk.db.models import Staff
from frontdesk.demo import families
from frontdesk.security import Keyring
from frontdesk.services.audit import Actor
from frontdesk.services.district import save_settings
from frontdesk.services.sessions import staff_session
from screens.app import FrontdeskApp
from screens.base_app import BaseApp
from screens.desk.dialogs import ReasonDialog
from screens.desk.home import StaffHomeScreen
from screens.desk.queue import QueueScreen
from screens.desk.queue_table import QueueTable
from screens.desk.request import RequestScreen
from screens.kiosk.account import NewAccountScreen
from screens.kiosk.add_child import AddChildScreen, ChildLinkedScreen
from screens.kiosk.menu import ChildMenuScreen
from screens.kiosk.portal import PortalScreen
from screens.kiosk.signin import KioskSignInScreen
from screens.kiosk.welcome import WelcomeScreen
from screens.kiosk_app import KioskApp

DIALOG_EVERY = 4
"""The reason dialog is opened on every fourth request: 500 of 2,000."""
WARM_REQUESTS = 150
"""Requests opened before the desk's memory is first counted (see ``desk_day``)."""
SCALE = float(os.environ.get("FRONTDESK_BENCH_SOAK_SCALE", "1"))
REQUESTS = max(DIALOG_EVERY, round(2000 * SCALE))
PARENTS = max(2, round(300 * SCALE))
"""Parents served after those that warm the kiosk up."""
WARM_PARENTS = 20 if SCALE >= 1 else 2
"""Parents served before the kiosk's memory is first counted: sampled at each pause, RSS rose
19 MiB over the first 15 parents, then 5.3 MiB over the next 285 (1.6 over the last 225)."""
PAUSES = 20 if SCALE >= 1 else 2
"""How many times each app is left alone long enough to collect."""
WAIT_SECONDS = 60.0
"""How long a step may take before the run is called off."""
PASSWORD = "a soak benchmark pass phrase"
SIZE = (120, 40)


def rss_mib() -> float:
    """The resident memory of this process now, in MiB (Linux)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


async def until(pilot: Pilot[int], done: Callable[[], bool], what: str) -> None:
    """Let the app run until ``done()`` holds."""
    deadline = time.monotonic() + WAIT_SECONDS
    while not done():
        if time.monotonic() > deadline:
            raise RuntimeError(f"soak: {what} never happened (on {pilot.app.screen!r})")
        await pilot.pause(0.02)


async def pause_for_collection(pilot: Pilot[int], app: BaseApp) -> None:
    """Leave the app alone until it has collected its garbage (a person between two others)."""
    before = app.heap.collections
    await settled(pilot)
    await until(pilot, lambda: app.heap.collections > before, "an idle collection")


class GcWatch:
    """The durations of Python's full collections, the app's idle ones apart."""

    def __init__(self, app: BaseApp) -> None:
        self.automatic: list[float] = []
        self.idle: list[float] = []
        self._started: float | None = None
        self._in_idle = False
        collect = app.heap.collect

        def idle_collection() -> None:
            self._in_idle = True
            try:
                collect()
            finally:
                self._in_idle = False

        app.heap.collect = idle_collection  # type: ignore[method-assign]

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            self._started = time.perf_counter()
        elif self._started is not None:
            spent = (time.perf_counter() - self._started) * 1000
            (self.idle if self._in_idle else self.automatic).append(spent)
            self._started = None

    @contextmanager
    def watching(self) -> Iterator[GcWatch]:
        gc.callbacks.append(self)
        try:
            yield self
        finally:
            gc.callbacks.remove(self)


class Census:
    """Memory at one moment: RSS, the objects Python tracks (frozen ones too), and the
    screens alive that the app neither shows nor keeps."""

    def __init__(self, app: BaseApp) -> None:
        self.rss = rss_mib()
        frozen = gc.get_freeze_count()
        gc.unfreeze()  # get_objects does not list frozen objects
        try:
            objects = gc.get_objects()
            self.objects = len(objects)
            self.frozen = frozen
            stray = [
                o
                for o in objects
                if isinstance(o, Screen)
                and o not in app.screen_stack
                and not app.is_screen_installed(o)
            ]
            self.screens = len(stray)
            self.dialogs = sum(isinstance(s, ModalScreen) for s in stray)
            del objects, stray
        finally:
            if frozen:
                gc.freeze()


def report(
    ctx: BenchContext, name: str, start: Census, end: Census, watch: GcWatch, app: BaseApp
) -> None:
    ctx.report(f"soak_{name}_rss_growth", end.rss - start.rss, "MiB")
    ctx.report(f"soak_{name}_objects_growth", end.objects - start.objects, "objects")
    ctx.report(f"soak_{name}_closed_dialogs_alive", end.dialogs, "dialogs")
    ctx.report(f"soak_{name}_screens_alive", end.screens, "screens")
    ctx.report(f"soak_{name}_idle_collections", app.heap.collections, "collections")
    ctx.report(f"soak_{name}_frozen_objects", end.frozen, "objects")
    ctx.report(f"soak_{name}_gc_full_automatic", len(watch.automatic), "collections")
    ctx.report(f"soak_{name}_gc_full_max", max(watch.automatic, default=0.0), "ms")
    ctx.report(f"soak_{name}_idle_collection_max", max(watch.idle, default=0.0), "ms")


# --- the desk -------------------------------------------------------------------------------


async def desk_day(ctx: BenchContext, database: Database) -> None:
    with database.read() as uow:
        admin = staff_session(
            uow.session.scalars(select(Staff).where(Staff.username == "admin")).one()
        )
    app = FrontdeskApp(database, start="desk")
    app.staff = admin
    dialogs: list[weakref.ref[Screen[Any]]] = []
    async with app.run_test(size=SIZE) as pilot:
        watch = GcWatch(app)
        await app.push_screen(StaffHomeScreen())
        await settled(pilot)  # the queue's search snapshot, the kept queue and request screens
        await pilot.press("enter")
        await until(
            pilot, lambda: isinstance(app.screen, QueueScreen) and queue_rows(app) > 0, "the queue"
        )
        await settled(pilot)
        app.screen.query_one("#queue", QueueTable).focus()  # the clerk moves down the list

        async def one_request(number: int) -> None:
            rows = queue_rows(app)
            await pilot.press("home" if number % rows == 0 else "down")
            await pilot.press("enter")
            await until(pilot, lambda: on_request(app), "the request view")
            await settled(pilot)
            if number % DIALOG_EVERY == 0:
                await pilot.press("f6")  # deny the highlighted child: the reason dialog
                await until(pilot, lambda: isinstance(app.screen, ReasonDialog), "the dialog")
                dialogs.append(weakref.ref(app.screen))
                await pilot.press("escape")  # no reason: nothing is decided
                await until(pilot, lambda: isinstance(app.screen, RequestScreen), "closing it")
            await pilot.press("escape")
            await until(pilot, lambda: isinstance(app.screen, QueueScreen), "the queue again")
            await settled(pilot)

        # Warm: every kind of step, and the caches that fill once (SQLite's page cache for each
        # pooled connection, the allocator's high-water mark). Sampled after each 100 requests
        # (an idle collection before each sample), RSS rose 32 MiB over the first 100, then
        # 2.2 MiB over the next 900 (200.2 to 202.4 MiB): counted from request 50, the warming
        # was taken for growth.
        for number in range(WARM_REQUESTS):
            await one_request(number)
        await pause_for_collection(pilot, app)
        start = Census(app)
        dialogs.clear()
        with watch.watching():
            for number in range(REQUESTS):
                if number and number % max(1, REQUESTS // PAUSES) == 0:
                    await pause_for_collection(pilot, app)
                await one_request(number)
            await pause_for_collection(pilot, app)
        end = Census(app)
        report(ctx, "desk", start, end, watch, app)
        ctx.report("soak_desk_requests_opened", REQUESTS, "requests")
        ctx.report("soak_desk_dialogs_opened", len(dialogs), "dialogs")
        alive = sum(ref() is not None for ref in dialogs)
        ctx.report("soak_desk_reason_dialogs_alive", alive, "dialogs")


# --- the kiosk ------------------------------------------------------------------------------


def children(ctx: BenchContext, count: int) -> list[dict[str, str]]:
    """Identifiers of ``count`` children of the demo district, as a parent types them."""
    found = [
        child
        for family in itertools.islice(families(ctx.options), 5000)
        for child in family.children
        if child.active and child.ssn_last4
    ]
    return [
        {
            "first_name": c.first_name,
            "last_name": c.last_name,
            "student_id": c.number,
            "birthdate": f"{c.birthdate.month}/{c.birthdate.day}/{c.birthdate.year}",
            "ssn_last4": c.ssn_last4 or "",
        }
        for c in random.Random(12).sample(found, count)
    ]


async def kiosk_day(ctx: BenchContext, database: Database) -> None:
    with database.write() as uow:
        limits = uow.settings.rate_limits.model_copy(
            update={"accounts_per_workstation": 100_000, "link_failures_per_workstation": 100_000}
        )
        save_settings(
            uow, Actor.system("bench"), uow.settings.model_copy(update={"rate_limits": limits})
        )
    identifiers = children(ctx, PARENTS + WARM_PARENTS)
    app = KioskApp(database, human_seconds=0, rng=random.Random(1), tick_seconds=3600)
    async with app.run_test(size=(110, 45)) as pilot:
        watch = GcWatch(app)

        async def press(selector: str, then: type[Screen[Any]]) -> None:
            """Move to the button ``selector`` and press Enter; wait for the screen ``then``."""
            # A screen that shows a parent's own facts is built again as it comes up.
            await until(pilot, lambda: bool(app.screen.query(selector)), selector)
            app.screen.query_one(selector).focus()
            await pilot.wait_for_scheduled_animations()
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, then), then.__name__)
            await settled(pilot)

        def fill(values: dict[str, str]) -> None:
            for name, value in values.items():
                app.screen.query_one(f"#{name}").value = value  # type: ignore[attr-defined]

        def human() -> None:
            screen = app.screen
            screen.query_one("#human_ticked").value = True  # type: ignore[attr-defined]
            answer = screen.challenge.first + screen.challenge.second  # type: ignore[attr-defined]
            screen.query_one("#human_answer").value = str(answer)  # type: ignore[attr-defined]

        async def one_parent(number: int, child: dict[str, str]) -> None:
            """Parent ``number``: makes an account (even) or signs in to the last one's (odd),
            adds ``child``, and leaves."""
            email = f"soak-{os.getpid()}-{number // 2}@example.org"
            if number % 2 == 0:
                await press("#new-account", NewAccountScreen)
                fill(
                    {
                        "first_name": "Soak",
                        "last_name": f"Parent {number}",
                        "email": email,
                        "phone": "305 555 0101",
                        "relationship": "Mother",
                        "password": PASSWORD,
                        "password_confirm": PASSWORD,
                    }
                )
                human()
                await press("#submit", ChildMenuScreen)
            else:
                await press("#add-child", KioskSignInScreen)
                fill({"email": email, "password": PASSWORD})
                await press("#sign-in", ChildMenuScreen)
            await press("#add-child", AddChildScreen)
            fill(child)
            human()
            await press("#add-student", ChildLinkedScreen)
            await press("#back", ChildMenuScreen)
            if number % 2 == 0:
                await press("#finished", PortalScreen)
                await press("#sign-out", WelcomeScreen)
            else:
                app.wipe()  # walked away: the kiosk idled
                await until(pilot, lambda: isinstance(app.screen, WelcomeScreen), "the wipe")
                await settled(pilot)

        await until(pilot, lambda: isinstance(app.screen, WelcomeScreen), "the welcome screen")
        warm, served = identifiers[:WARM_PARENTS], identifiers[WARM_PARENTS:]
        for number, child in enumerate(warm):  # both kinds of parent, and the caches: warm
            await one_parent(number, child)
        await pause_for_collection(pilot, app)
        start = Census(app)
        with watch.watching():
            for number, child in enumerate(served, start=WARM_PARENTS):
                if number > WARM_PARENTS and number % (PARENTS // PAUSES or 1) == 0:
                    await pause_for_collection(pilot, app)
                await one_parent(number, child)
            await pause_for_collection(pilot, app)
        end = Census(app)
        report(ctx, "kiosk", start, end, watch, app)
        ctx.report("soak_kiosk_parents_served", PARENTS, "parents")


def run(ctx: BenchContext) -> None:
    source = Path(ctx.sqlite_url.removeprefix("sqlite:///"))
    if not source.exists():
        ctx.sqlite  # noqa: B018 (builds the demo district)
    for name, day in (("desk", desk_day), ("kiosk", kiosk_day)):
        copy = ctx.workdir / f"soak-{name}-{os.getpid()}.db"
        shutil.copy(source, copy)
        try:
            database = open_database(f"sqlite:///{copy}", Runtime(Keyring.from_file(ctx.key_file)))
            asyncio.run(day(ctx, database))
            database.dispose()
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{copy}{suffix}").unlink(missing_ok=True)
