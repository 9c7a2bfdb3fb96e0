"""Driving the kiosk as a parent would: focus a field, type, press a button, wait for it."""

from __future__ import annotations

import random
from datetime import date

from textual.pilot import Pilot
from textual.widgets import Button, Checkbox, Input, Label, Static

from frontdesk.db.engine import Database
from screens.kiosk.base import KioskScreen
from screens.kiosk_app import KioskApp


def kiosk(database: Database, *, human_seconds: float = 0.0) -> KioskApp:
    """A kiosk with a fixed random seed and no idle timer of its own (tests tick it)."""
    return KioskApp(database, human_seconds=human_seconds, rng=random.Random(7), tick_seconds=3600)


async def settle(pilot: Pilot[object]) -> None:
    """Wait for database work and the screen to catch up."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def type_into(pilot: Pilot[object], selector: str, text: str) -> None:
    """Focus the input ``selector`` and type ``text`` key by key."""
    widget = pilot.app.screen.query_one(selector, Input)
    widget.focus()
    await pilot.pause()
    await pilot.press(*text)


async def press(pilot: Pilot[object], selector: str) -> None:
    """Press the button ``selector`` from the keyboard and wait for what follows."""
    button = pilot.app.screen.query_one(selector, Button)
    if button.has_class("-active"):
        # A button ignores a key while it still shows its last press (Textual's active
        # effect, 0.2 s): a retry right after a quick refusal came too soon.
        await pilot.pause(button.active_effect_duration)
    button.focus()
    await pilot.pause()
    await pilot.press("enter")
    await settle(pilot)


async def pass_human_check(pilot: Pilot[object]) -> None:
    """Tick "I'm not a robot" and answer the sum shown (a form keeps a check once passed)."""
    screen = pilot.app.screen
    assert isinstance(screen, KioskScreen)
    box = screen.query_one("#human_ticked", Checkbox)
    if not box.value:
        box.focus()
        await pilot.pause()
        await pilot.press("space")
    screen.query_one("#human_answer", Input).value = ""
    challenge = screen.challenge
    await type_into(pilot, "#human_answer", str(challenge.first + challenge.second))


def text_on(app: KioskApp) -> str:
    """Every label, paragraph and button text on the current screen."""
    parts = [str(w.render()) for w in app.screen.query(Static) if w.display]
    parts += [str(w.label) for w in app.screen.query(Button)]
    return "\n".join(parts)


def field_error(app: KioskApp, name: str) -> str:
    """The message beside field ``name``."""
    return str(app.screen.query_one(f"#field-{name} .field-error", Label).render())


def typed_values(app: KioskApp) -> list[str]:
    """What every input on screen holds."""
    return [w.value for w in app.screen.query(Input)]


JOSE_BIRTHDATE = date(2016, 4, 2)
