"""A fast typist on a busy machine: every key of the form sent at once, none waited for (Pilot's
``press`` waits for the app after each key, so it cannot show this). Each key must land where
the person had put the cursor by then (``screens.key_order``, the kiosk's Tab and Enter)."""

from __future__ import annotations

from textual import events

from frontdesk.db.engine import Database
from screens.kiosk.account import NewAccountScreen
from screens.kiosk.menu import ChildMenuScreen
from screens.kiosk_app import KioskApp
from tests.factories import PASSWORD, small_roster
from tests.screens.kiosk.helpers import kiosk, settle

NAMED = {"space": " ", "enter": "\r", "tab": "\t", "backspace": "\x7f"}


def burst(app: KioskApp, *keys: str) -> None:
    """Post ``keys`` to the app as the terminal does, all before the app reads the first (a
    printable character is its own key name here: fields read the character, not the name)."""
    for key in keys:
        if key == " ":
            key = "space"
        app.post_message(events.Key(key, NAMED.get(key, key)))


async def test_a_burst_of_keys_fills_the_account_form_as_typed(one_db: Database) -> None:
    small_roster(one_db)
    app = kiosk(one_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # "new account"
        await settle(pilot)
        form = app.screen
        assert isinstance(form, NewAccountScreen)
        keys: list[str] = [*"Marai", "backspace", "backspace", *"ía", "enter"]
        for text in ("Nguyễn", "maria@example.org", "305 555 0101", "Mother", PASSWORD):
            keys += [*text, "enter"]
        # The repeated password, Tab past "Show password", Space ticks "I'm not a robot", Tab
        # to the sum: before, the Space was looked up on the sum's field and lost.
        keys += [*PASSWORD, "tab", "tab", "space", "tab"]
        burst(app, *keys)
        await settle(pilot)
        draft = form.visit.draft
        assert (draft.first_name, draft.last_name) == ("María", "Nguyễn")
        assert (draft.email, draft.phone, draft.relationship) == (
            "maria@example.org",
            "305 555 0101",
            "Mother",
        )
        assert draft.password.get_secret_value() == PASSWORD
        assert draft.password_confirm.get_secret_value() == PASSWORD
        assert draft.human_ticked and not draft.show_password
        assert app.screen.focused is not None and app.screen.focused.id == "human_answer"

        burst(app, *str(form.challenge.first + form.challenge.second), "enter")
        await settle(pilot)
        assert isinstance(app.screen, ChildMenuScreen), form.visit.errors
