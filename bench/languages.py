"""Issue 14's figures: the kiosk's language switch, and what each language offered costs in
memory, on the demo district (SQLite) offering issue 14's five languages.

* The switch: from the key press (Enter on a language of the bar; moving there is the parent's
  earlier key and is not timed) to the first frame that shows the whole screen re-rendered in
  the new language: built again in it (its bar marks it), and every shown widget's latest change
  painted (``bench.desk.Frames``). Driven with Pilot on the welcome screen and on the account
  form (partly filled in: what was typed stays, R2), cycling through every language offered
  ``ROUNDS`` times. p50, p95 and max per screen and language, per screen, and overall (target:
  p95 ≤ 50 ms), with the CPU p95. The first round (each language's catalog read, each screen's
  first switch) is reported apart.
* Memory: the kiosk keeps one screen per step *and language* (``KioskApp.step``): a language
  parents use adds a whole set of kept screens. With 1, 3 and 5 languages offered, a parent
  visits every step in each (the welcome screen is kept in the default language only); then the
  kept screens are dropped one language at a time, and what each drop frees (``tracemalloc``,
  after a full collection) is that language's cost, in MiB and in objects every full garbage
  collection walks. The default language is dropped last: what its screens share with the
  others (Textual's per-class caches) is counted there.

A language without a catalog under ``locales/`` is shown in English (gettext's fallback); it
still costs its own screens and a re-render. ``FRONTDESK_BENCH_LANGUAGE_ROUNDS`` sets
``ROUNDS`` (default 40: 200 switches per screen).
"""

from __future__ import annotations

import asyncio
import gc
import os
import random
import shutil
import time
import tracemalloc
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.screen import Screen
from textual.strip import Strip
from textual.widgets import Button

from bench.context import BenchContext, median, p95
from bench.desk import Frames, Timing, settled, timed
from frontdesk.db.engine import Database, Runtime, open_database
from frontdesk.i18n import shipped_languages
from frontdesk.security import Keyring
from frontdesk.services.audit import Actor
from frontdesk.services.district import save_settings
from screens.kiosk.account import NewAccountScreen
from screens.kiosk.base import KioskScreen
from screens.kiosk.welcome import WelcomeScreen
from screens.kiosk_app import KioskApp

LANGUAGES = ("en", "es", "ht", "pt_BR", "vi")
"""Issue 14's five (any other language shipped with a catalog is offered after them)."""
ROUNDS = int(os.environ.get("FRONTDESK_BENCH_LANGUAGE_ROUNDS", "40"))
OFFERED = (1, 3, 5)
"""How many languages the district offers in each memory run (the first of ``languages()``)."""
TARGET_MS = 50.0
"""Issue 14: a complete re-render's p95."""
SIZE = (110, 45)
WAIT_SECONDS = 60.0
"""How long the kiosk may take to get somewhere before the run is called off."""
TYPED = {
    "first_name": "Marie",
    "last_name": "Joseph",
    "email": "marie.joseph@example.org",
    "phone": "305 555 0101",
}
"""What the parent has typed into the account form when they switch languages there."""


def languages() -> list[str]:
    """The languages measured: issue 14's five, then any other with a catalog."""
    return [*LANGUAGES, *(code for code in shipped_languages() if code not in LANGUAGES)]


def offer(database: Database, codes: Sequence[str]) -> None:
    """Have the district offer ``codes`` (the first is the default language)."""
    with database.write() as uow:
        changed = uow.settings.model_copy(
            update={"languages": list(codes), "default_language": codes[0]}
        )
        save_settings(uow, Actor.system("bench"), changed)


async def until(pilot: Pilot[int], done: Callable[[], bool], what: str) -> None:
    """Let the kiosk run until ``done()`` holds."""
    deadline = time.monotonic() + WAIT_SECONDS
    while not done():
        if time.monotonic() > deadline:
            raise RuntimeError(f"languages: {what} never happened (on {pilot.app.screen!r})")
        await pilot.pause(0.02)


async def started(pilot: Pilot[int], app: KioskApp) -> None:
    """The welcome screen is up and the steps the kiosk builds ahead are built."""
    ahead = len(KioskApp.STEPS) - 3  # all but enrollment, the letter step and the portal
    await until(pilot, lambda: isinstance(app.screen, WelcomeScreen), "the welcome screen")
    await until(pilot, lambda: len(app.kept) >= ahead, "the steps built ahead")
    await settled(pilot)


async def on_button(pilot: Pilot[int], selector: str) -> None:
    """Move to the button ``selector`` (not timed: the parent's earlier key)."""
    pilot.app.screen.query_one(selector, Button).focus()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


def rerendered(app: KioskApp, screen: KioskScreen[Any], language: str) -> Callable[[], bool]:
    """Whether the step of ``screen`` is shown in ``language``, its bar marking it (what the
    frame must show besides every change painted: ``bench.desk.Frames``): the step's kept
    screen of that language, or ``screen`` built again in it."""

    def probe() -> bool:
        shown = app.screen
        return (
            type(shown) is type(screen)
            and isinstance(shown, KioskScreen)
            and shown.composed_language == language
            and bool(shown.query(f"#lang-{language}.-current"))
        )

    return probe


def shown(app: KioskApp, screen: Screen[Any]) -> Callable[[], bool]:
    """Whether ``screen`` is the one shown."""
    return lambda: app.screen is screen


# --- the switch -----------------------------------------------------------------------------

SCREENS = ("welcome", "new-account")
"""The screens the switch is timed on (every kiosk screen has the language bar)."""


@dataclass
class Switches:
    """The times of the language switches: by screen and language, and the first round's."""

    times: dict[tuple[str, str], list[Timing]] = field(default_factory=dict)
    first_round: list[Timing] = field(default_factory=list)


async def switching(database: Database, offered: Sequence[str], rounds: int) -> Switches:
    """Switch through ``offered`` ``rounds`` times (after a first round) on each of
    ``SCREENS``, each switch timed from Enter to the complete re-render."""
    found = Switches()
    app = KioskApp(database, human_seconds=0, rng=random.Random(1), tick_seconds=3600)
    async with app.run_test(size=SIZE) as pilot:
        frames = Frames(app)
        await started(pilot, app)
        # Each round ends in the language it started in (the default).
        order = [*offered[1:], offered[0]]
        for name in SCREENS:
            if name == "new-account":
                await on_button(pilot, "#new-account")
                await pilot.press("enter")
                await until(pilot, lambda: isinstance(app.screen, NewAccountScreen), name)
                await settled(pilot)
                for field_id, value in TYPED.items():
                    app.screen.query_one(f"#{field_id}").value = value  # type: ignore[attr-defined]
                await settled(pilot)
            screen = app.screen
            assert isinstance(screen, KioskScreen)
            for number in range(rounds + 1):
                for language in order:
                    await on_button(pilot, f"#lang-{language}")
                    timing = await timed(
                        pilot,
                        frames,
                        lambda: pilot.press("enter"),
                        rerendered(app, screen, language),
                    )
                    if number == 0:
                        found.first_round.append(timing)
                    else:
                        found.times.setdefault((name, language), []).append(timing)
            if name == "new-account":
                kept = [app.screen.query_one(f"#{f}").value for f in TYPED]  # type: ignore[attr-defined]
                if kept != list(TYPED.values()):
                    raise RuntimeError(f"languages: the switches lost what was typed: {kept}")
    return found


def report_switches(ctx: BenchContext, found: Switches) -> None:
    def figures(label: str, timings: list[Timing], cpu: bool = False) -> None:
        wall = [w for w, _cpu in timings]
        ctx.report(f"{label}_p50", median(wall), "ms")
        ctx.report(f"{label}_p95", p95(wall), "ms")
        ctx.report(f"{label}_max", max(wall), "ms")
        if cpu:
            ctx.report(f"{label}_cpu_p95", p95([c for _wall, c in timings]), "ms")

    prefix = "kiosk_language_switch"
    every: list[Timing] = []
    for name in SCREENS:
        screen = name.replace("-", "_")
        on_screen: list[Timing] = []
        for (where, language), timings in found.times.items():
            if where == name:
                figures(f"{prefix}_{screen}_{language}_complete", timings)
                on_screen += timings
        figures(f"{prefix}_{screen}_complete", on_screen, cpu=True)
        every += on_screen
    figures(f"{prefix}_complete", every, cpu=True)
    ctx.report(f"{prefix}_complete_p95_target", TARGET_MS, "ms")
    ctx.report(f"{prefix}_first_round_max", max(w for w, _cpu in found.first_round), "ms")
    ctx.report(f"{prefix}_switches_timed", len(every), "switches")


# --- the kept screens' memory ---------------------------------------------------------------


@dataclass
class Held:
    """What the kiosk's Python heap holds at one moment, after a full collection."""

    bytes: int
    objects: int
    """Objects Python's garbage collector tracks (and a full collection walks)."""
    strips: int
    """Rendered lines (Textual's ``Strip``, each with its caches): what screens keep of their
    last frame."""


def held(app: KioskApp) -> Held:
    """Collect everything (as the kiosk does when idle) and count what is left."""
    app.heap.collect()
    traced, _peak = tracemalloc.get_traced_memory()
    frozen = gc.get_freeze_count()
    gc.unfreeze()  # get_objects does not list frozen objects
    try:
        objects = gc.get_objects()
        found = Held(traced, len(objects), sum(isinstance(o, Strip) for o in objects))
        del objects
    finally:
        if frozen:
            gc.freeze()
    return found


@dataclass
class KeptMemory:
    """The kept screens' cost with some languages offered, each visited."""

    screens: int
    """Kept screens, every language's steps visited."""
    by_language: dict[str, Held]
    """What dropping each language's kept screens freed."""
    alive: list[str]
    """Dropped screens still alive after the collection (their memory is not counted): a
    finished thread worker stays its executor thread's ``active_worker`` (Textual sets it in
    the thread's own context) until that thread runs another, and keeps its screen."""


async def visit_steps(pilot: Pilot[int], app: KioskApp, language: str) -> None:
    """Switch the welcome screen to ``language`` and show every step in it, as parents of that
    language would: each is kept, emptied, for the next."""
    if language != app.language:
        welcome = app.screen
        assert isinstance(welcome, KioskScreen)
        await on_button(pilot, f"#lang-{language}")
        await pilot.press("enter")
        await until(pilot, rerendered(app, welcome, language), language)
        await settled(pilot)
    for step in KioskApp.STEPS:
        if step == "welcome":  # kept in the default language only (``wipe``)
            continue
        screen = app.step(step)
        app.push_screen(screen)
        await until(pilot, shown(app, screen), f"{step} in {language}")
        await settled(pilot)
        app.pop_screen()
        await settled(pilot)  # emptied for the next parent as it left


async def drop(
    pilot: Pilot[int], app: KioskApp, language: str
) -> dict[str, weakref.ref[Screen[Any]]]:
    """Drop the screens the kiosk keeps in ``language`` (none may be on the stack), by name."""
    dropped: dict[str, weakref.ref[Screen[Any]]] = {}
    for name in [n for n in app.kept if n.rpartition(":")[2] == language]:
        screen = app.kept.pop(name)
        app.uninstall_screen(screen)
        dropped[name] = weakref.ref(screen)
        await screen.remove()
    await settled(pilot)
    return dropped


async def kept_memory(database: Database, offered: Sequence[str]) -> KeptMemory:
    """A parent visits every step in each of ``offered``; then each language's kept screens
    are dropped, and what that frees is measured. (No screen may stay in a local variable
    here: it would not be freed.)"""
    tracemalloc.start()
    try:
        app = KioskApp(database, human_seconds=0, rng=random.Random(1), tick_seconds=3600)
        async with app.run_test(size=SIZE) as pilot:
            await started(pilot, app)
            for language in offered:
                await visit_steps(pilot, app, language)
            app.wipe()
            await settled(pilot)
            screens = len(app.kept)

            # The welcome screen off the stack, so every kept screen can go.
            await app.switch_screen(Screen())
            await settled(pilot)
            before = held(app)
            by_language: dict[str, Held] = {}
            alive: list[str] = []
            for language in reversed(offered):
                dropped = await drop(pilot, app, language)
                after = held(app)
                by_language[language] = Held(
                    before.bytes - after.bytes,
                    before.objects - after.objects,
                    before.strips - after.strips,
                )
                alive += [name for name, ref in dropped.items() if ref() is not None]
                before = after
    finally:
        tracemalloc.stop()
    return KeptMemory(screens, dict(reversed(by_language.items())), alive)


def report_memory(ctx: BenchContext, offered: int, memory: KeptMemory) -> None:
    label = f"kiosk_kept_screens_{offered}_languages_offered"
    mib = 2**20
    ctx.report(f"{label}_screens", memory.screens, "screens")
    total = sum(h.bytes for h in memory.by_language.values())
    ctx.report(f"{label}_memory", total / mib, "MiB")
    ctx.report(f"{label}_memory_per_screen", total / mib / max(1, memory.screens), "MiB")
    for language, cost in memory.by_language.items():
        ctx.report(f"{label}_memory_{language}", cost.bytes / mib, "MiB")
    objects = sum(h.objects for h in memory.by_language.values())
    ctx.report(f"{label}_objects", objects, "objects")
    strips = sum(h.strips for h in memory.by_language.values())
    ctx.report(f"{label}_rendered_lines", strips, "strips")
    if memory.alive:
        print(f"# still alive once dropped, not counted: {', '.join(memory.alive)}", flush=True)


def run(ctx: BenchContext, rounds: int = ROUNDS, offered: Sequence[int] = OFFERED) -> None:
    source = Path(ctx.sqlite_url.removeprefix("sqlite:///"))
    if not source.exists():
        ctx.sqlite  # noqa: B018 (builds the demo district)
    copy = ctx.workdir / f"languages-bench-{os.getpid()}.db"
    shutil.copy(source, copy)
    codes = languages()
    shipped = set(shipped_languages())
    missing = [code for code in codes if code not in shipped]
    if missing:
        print(f"# no catalog for {', '.join(missing)}: shown in English", flush=True)
    try:
        database = open_database(f"sqlite:///{copy}", Runtime(Keyring.from_file(ctx.key_file)))
        offer(database, codes)
        report_switches(ctx, asyncio.run(switching(database, codes, rounds)))
        for count in sorted({min(n, len(codes)) for n in offered}):
            offer(database, codes[:count])
            report_memory(ctx, count, asyncio.run(kept_memory(database, codes[:count])))
        database.dispose()
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{copy}{suffix}").unlink(missing_ok=True)
