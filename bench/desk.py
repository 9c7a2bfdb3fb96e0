"""Issue 4's figures: the verification desk on the demo district (50,000 pending requests).

Driven with Pilot as a clerk would, from the key press to the frame that shows the result
(p95 over many rounds; target 50 ms), on SQLite and on PostgreSQL:

* open the queue (``enter`` on the staff home),
* filter it by a typed name (the time from the name's last key to the filtered list, typed
  at full speed; and one key at a time, each key to its own result),
* open a request (``enter`` on the filtered queue: the request view with the school's record).

Also reported: the queue search snapshot the staff home builds at sign-in.

PostgreSQL: ``FRONTDESK_BENCH_POSTGRES_URL`` (and ``FRONTDESK_BENCH_POSTGRES_KEY``, its key
file) names a demo district already built; otherwise one is built in a schema of its own on
``FRONTDESK_TEST_POSTGRES_URL`` (about 80 s for 400,000 students) and dropped afterwards.
"""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import select
from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input

from bench.context import BenchContext, median, p95, postgres_schema
from frontdesk.db.engine import Database, Runtime, open_database
from frontdesk.db.models import LinkStatus, Staff, Student, StudentLink
from frontdesk.names import fold_name
from frontdesk.security import Keyring
from frontdesk.services.sessions import StaffSession, staff_session
from screens.app import FrontdeskApp
from screens.desk.home import StaffHomeScreen
from screens.desk.queue import QueueScreen
from screens.desk.queue_table import QueueTable
from screens.desk.request import RequestScreen
from screens.textual_compat import change_not_yet_painted, observe_frames

WAIT_SECONDS = 60.0
"""How long a step may take before the run is called off (it would otherwise wait forever)."""
# With 20 rounds a 95th percentile is the slowest round; 50 give it a meaning of its own.
ROUNDS = int(os.environ.get("FRONTDESK_BENCH_DESK_ROUNDS", "50"))
SIZE = (120, 40)


def unpainted(screen: Screen[object]) -> bool:
    """Whether a shown widget of ``screen`` holds a change it has not yet handed to the screen
    to paint: a frame painted now would show that widget as it was."""
    for widget in screen.walk_children(Widget):
        if not change_not_yet_painted(widget):
            continue
        if widget.display and all(a.display for a in widget.ancestors if isinstance(a, Widget)):
            return True
    return False


class Frames:
    """When the app paints the frame that shows a step's result.

    ``probe`` is asked at each frame the app paints; the first frame for which it holds is
    the one the clerk sees the result in, provided every shown widget's latest change is in
    it. (Taking the *last* frame instead would count repaints that come later for other
    reasons, such as the blinking cursor.)
    """

    def __init__(self, app: App[Any]) -> None:
        self.probe: Callable[[], bool] | None = None
        self.hit: float | None = None

        def recorded(screen: Screen[Any], drawn: bool) -> None:
            if drawn and self.probe and self.hit is None and self.probe() and not unpainted(screen):
                self.hit = time.perf_counter()

        observe_frames(app, recorded)


async def settled(pilot: Pilot[int]) -> None:
    """Every worker done and the screen repainted."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def timed(
    pilot: Pilot[int],
    frames: Frames,
    keys: Callable[[], Awaitable[None]],
    ready: Callable[[], bool],
) -> tuple[float, float]:
    """Milliseconds from the key press to the first frame painted with ``ready()`` true, and
    the CPU milliseconds spent meanwhile (all threads: what a desk with its cores to itself
    would wait)."""
    frames.probe, frames.hit = ready, None
    started = time.perf_counter()
    cpu_started = time.process_time()
    await keys()
    while frames.hit is None:
        if time.perf_counter() - started > WAIT_SECONDS:
            raise RuntimeError(f"the step's result never came on screen: {pilot.app.screen!r}")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    cpu = (time.process_time() - cpu_started) * 1000
    frames.probe = None
    await settled(pilot)
    return (frames.hit - started) * 1000, cpu


def queue_rows(app: FrontdeskApp) -> int:
    return app.screen.query_one("#queue", QueueTable).row_count


def filtered(app: FrontdeskApp) -> bool:
    """Whether the queue shows the result of what is in its filter box now."""
    screen = app.screen
    if not isinstance(screen, QueueScreen):
        return False
    text = screen.query_one("#filter", Input).value
    visit = screen.visit
    return visit.shown == (text, visit.newest_first) and not visit.in_flight


def typed_names(database: Database, count: int) -> list[str]:
    """Student family names from the queue, as a clerk types them (no accents, lower case)."""
    with database.read() as uow:
        names = list(
            uow.session.scalars(
                select(Student.last_name)
                .join(StudentLink, StudentLink.student_id == Student.id)
                .where(StudentLink.status == LinkStatus.PENDING)
                .limit(2000)
            )
        )
    picks = random.Random(4).sample(sorted(set(names)), count)
    return [fold_name(name)[:7] for name in picks]


def on_request(app: FrontdeskApp) -> bool:
    """Whether the request view shows the request (the school's record included)."""
    screen = app.screen
    return isinstance(screen, RequestScreen) and screen.view is not None


Timing = tuple[float, float]
"""Wall and CPU milliseconds of one step."""


async def drive(database: Database, staff: StaffSession) -> dict[str, list[Timing]]:
    """The clerk's rounds: open the queue, type a name, open the first request, go back."""
    times: dict[str, list[Timing]] = {"open": [], "typed": [], "key": [], "request": []}
    names = typed_names(database, ROUNDS)
    app = FrontdeskApp(database, start="desk")
    app.staff = staff
    async with app.run_test(size=SIZE) as pilot:
        frames = Frames(app)
        started = time.perf_counter()
        await app.push_screen(StaffHomeScreen())
        await settled(pilot)  # the home screen builds the queue's search snapshot
        times["warm"] = [((time.perf_counter() - started) * 1000, 0.0)]

        async def press(*keys: str) -> None:
            await pilot.press(*keys)

        def press_then(*keys: str) -> Callable[[], Awaitable[None]]:
            return lambda: press(*keys)

        for name in names:
            times["open"].append(
                await timed(
                    pilot,
                    frames,
                    press_then("enter"),
                    lambda: isinstance(app.screen, QueueScreen) and queue_rows(app) > 0,
                )
            )
            # At full speed: the name's last key to its list on screen.
            await press(*name[:-1])
            times["typed"].append(
                await timed(pilot, frames, press_then(name[-1]), lambda: filtered(app))
            )
            await press("ctrl+u")
            await settled(pilot)
            # One key at a time: each key to its own result.
            for char in name[:4]:
                times["key"].append(
                    await timed(pilot, frames, press_then(char), lambda: filtered(app))
                )
            if queue_rows(app):
                times["request"].append(
                    await timed(pilot, frames, press_then("enter"), lambda: on_request(app))
                )
                await press("escape")
                await settled(pilot)
            await press("ctrl+u")
            await settled(pilot)
            await press("escape")
            await settled(pilot)
    return times


def report(ctx: BenchContext, backend: str, who: str, times: dict[str, list[Timing]]) -> None:
    ctx.report(f"desk_{backend}_{who}_search_snapshot_at_signin", times["warm"][0][0], "ms")
    for kind, label in (
        ("open", "open_queue"),
        ("typed", "filter_typed_name_last_key"),
        ("key", "filter_each_key"),
        ("request", "open_request"),
    ):
        wall = [w for w, _cpu in times[kind]]
        cpu = [c for _wall, c in times[kind]]
        ctx.report(f"desk_{backend}_{who}_{label}_median", median(wall), "ms")
        ctx.report(f"desk_{backend}_{who}_{label}_p95", p95(wall), "ms")
        ctx.report(f"desk_{backend}_{who}_{label}_cpu_p95", p95(cpu), "ms")


def measure(ctx: BenchContext, backend: str, database: Database) -> None:
    with database.read() as uow:
        sessions = {
            staff.username: staff_session(staff)
            for staff in uow.session.scalars(
                select(Staff).where(Staff.username.in_(["clerk", "admin"]))
            )
        }
    # The demo clerk serves two schools; the admin sees all 50,000 waiting requests.
    for who in ("clerk", "admin"):
        report(ctx, backend, who, asyncio.run(drive(database, sessions[who])))


@contextmanager
def _postgres(ctx: BenchContext) -> Iterator[tuple[str, Path]]:
    """The demo district on PostgreSQL (its URL and key file): the one named, or one built in
    a schema of its own and dropped afterwards."""
    given = os.environ.get("FRONTDESK_BENCH_POSTGRES_URL")
    if given:
        yield given, Path(os.environ["FRONTDESK_BENCH_POSTGRES_KEY"])
        return
    key = ctx.workdir / f"desk-bench-{os.getpid()}-pg.key"
    with postgres_schema("desk") as url:
        try:
            seconds, _peak = ctx.build_demo(url, key)
            ctx.report(f"demo_generate_{ctx.students}_students_postgresql", seconds, "s")
            yield url, key
        finally:
            key.unlink(missing_ok=True)


def run(ctx: BenchContext) -> None:
    source = Path(ctx.sqlite_url.removeprefix("sqlite:///"))
    if not source.exists():
        ctx.sqlite  # noqa: B018 (builds the demo district)
    copy = ctx.workdir / f"desk-bench-{os.getpid()}.db"
    shutil.copy(source, copy)
    try:
        database = open_database(f"sqlite:///{copy}", Runtime(Keyring.from_file(ctx.key_file)))
        measure(ctx, "sqlite", database)
        database.dispose()
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{copy}{suffix}").unlink(missing_ok=True)
    with _postgres(ctx) as (url, key):
        database = open_database(url, Runtime(Keyring.from_file(key)))
        measure(ctx, "postgresql", database)
        database.dispose()
