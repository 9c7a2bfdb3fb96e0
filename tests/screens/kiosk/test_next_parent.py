"""The kiosk keeps one of each screen on the registration path and empties it for the next
parent: nothing one parent typed or saw reaches the next one, and an answer meant for one
visit of a screen never lands on a later visit of the same screen."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select
from textual.widgets import Checkbox

from frontdesk.db.engine import Database
from frontdesk.db.models import ParentAccount
from frontdesk.services.kiosk import HumanAnswer
from frontdesk.services.registration import AccountForm, register_parent
from frontdesk.services.sessions import ParentSession
from screens.kiosk.account import NewAccountScreen
from screens.kiosk.add_child import ChildLinkedScreen
from screens.kiosk.base import KioskScreen
from screens.kiosk.menu import ChildMenuScreen
from screens.kiosk.welcome import WelcomeScreen
from tests.factories import PASSWORD, register, small_roster
from tests.screens.kiosk.helpers import (
    field_error,
    kiosk,
    pass_human_check,
    press,
    settle,
    text_on,
    type_into,
    typed_values,
)
from tests.screens.kiosk.test_walkthrough import fill_account, fill_jose


def everything_shown(screen: KioskScreen[None]) -> str:
    """The text of every widget of ``screen``, shown or not (a kept screen may be hidden)."""
    return "\n".join(str(widget.render()) for widget in screen.query("Static, Label"))


async def sign_in(pilot, email: str) -> None:  # type: ignore[no-untyped-def]
    await press(pilot, "#add-child")  # "I have an account... ADD A CHILD"
    await type_into(pilot, "#email", email)
    await type_into(pilot, "#password", PASSWORD)
    await press(pilot, "#sign-in")


async def test_the_next_parent_finds_every_screen_empty(database: Database) -> None:
    small_roster(database)
    register(database, email="maria@example.org", language="en")
    register(database, email="ana@example.org", first_name="Ana", language="en")
    app = kiosk(database)
    async with app.run_test(size=(110, 50)) as pilot:
        await settle(pilot)
        # María signs in, adds José, and leaves an account form half typed with an error.
        await sign_in(pilot, "maria@example.org")
        assert isinstance(app.screen, ChildMenuScreen)
        await press(pilot, "#add-child")
        await fill_jose(pilot, "4/2/2016")
        await pass_human_check(pilot)
        await press(pilot, "#add-student")
        assert isinstance(app.screen, ChildLinkedScreen)
        assert "José O'Brien-Nguyễn" in text_on(app)
        await press(pilot, "#back")
        await settle(pilot)
        assert "José O'Brien-Nguyễn" in text_on(app)
        await press(pilot, "#finished")
        await press(pilot, "#sign-out")
        assert isinstance(app.screen, WelcomeScreen)
        await press(pilot, "#new-account")
        await type_into(pilot, "#first_name", "María")
        await type_into(pilot, "#password", PASSWORD)
        app.screen.query_one("#show_password", Checkbox).value = True
        await press(pilot, "#submit")
        assert field_error(app, "email") == "This field is required."
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)

        # Ana comes next: the same screens, with nothing of María's left in them.
        await press(pilot, "#new-account")
        form = app.screen
        assert isinstance(form, NewAccountScreen)
        assert not any(typed_values(app))
        assert field_error(app, "email") == ""
        assert form.query_one("#password").password  # type: ignore[attr-defined]
        draft = form.visit.draft
        assert draft.first_name == "" and draft.password.get_secret_value() == ""
        await pilot.press("escape")
        await settle(pilot)
        await sign_in(pilot, "ana@example.org")
        menu = app.screen
        assert isinstance(menu, ChildMenuScreen)
        await settle(pilot)
        assert "No students are linked to your account yet." in text_on(app)
        assert "Your account is ready." not in text_on(app)
        for kind in ("menu", "add-child", "child-linked", "new-account"):
            kept = app.step(kind)
            assert "José" not in everything_shown(kept), kind
            assert "O'Brien" not in everything_shown(kept), kind
        await press(pilot, "#add-child")
        assert not any(typed_values(app))


async def test_an_answer_for_an_earlier_visit_of_a_screen_is_dropped(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The account is made only once the next parent has the form on screen again.
    next_parent_is_here = threading.Event()

    def held(database: Database, form: AccountForm, human: HumanAnswer) -> ParentSession:
        next_parent_is_here.wait(timeout=10)
        return register_parent(database, form, human)

    monkeypatch.setattr("screens.kiosk.account.register_parent", held)
    app = kiosk(database)
    async with app.run_test(size=(110, 50)) as pilot:
        await settle(pilot)
        await press(pilot, "#new-account")
        await fill_account(pilot)
        await pass_human_check(pilot)
        first_visit = app.screen
        assert isinstance(first_visit, NewAccountScreen)
        first_visit.submit()  # María's account is being made in a worker...
        app.wipe()  # ...when the kiosk wipes itself,
        await pilot.pause()
        app.screen.query_one("#new-account").focus()
        await pilot.press("enter")  # and the next parent opens the same form.
        await pilot.pause()
        assert app.screen is first_visit
        next_parent_is_here.set()
        await settle(pilot)
        with database.read() as uow:
            assert uow.session.scalar(select(func.count()).select_from(ParentAccount)) == 1
        assert app.screen is first_visit  # María's menu is not shown to the next parent
        assert app.parent_session is None
        assert not any(typed_values(app))
