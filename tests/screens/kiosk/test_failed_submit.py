"""After a failed Submit, as a parent meets it at 80×24: the cursor is in the first field in
error, that field and its message are on screen, and a right human-check answer stays."""

from __future__ import annotations

from textual.widget import Widget

from frontdesk.db.engine import Database
from screens.kiosk.account import NewAccountScreen
from screens.kiosk.add_child import AddChildScreen
from screens.kiosk.base import KioskBody, KioskScreen
from screens.kiosk_app import KioskApp
from screens.widgets.field import Field
from tests.factories import register, small_roster
from tests.screens.kiosk.helpers import field_error, kiosk, settle
from tests.screens.kiosk.test_walkthrough import fill_account, fill_jose

SIZE = (80, 24)


def in_view(app: KioskApp, widget: Widget) -> bool:
    """Whether all of ``widget`` is inside the visible part of the screen's body."""
    body = app.screen.query_one(KioskBody).region
    region = widget.region
    return bool(region.height) and body.contains_region(region)


async def answer_the_sum(pilot) -> str:  # type: ignore[no-untyped-def]
    screen = pilot.app.screen
    assert isinstance(screen, KioskScreen)
    screen.query_one("#human_ticked").focus()
    await pilot.press("space", "tab")
    challenge = screen.challenge
    await pilot.press(*str(challenge.first + challenge.second))
    return str(challenge.question())


async def test_the_cursor_goes_to_the_first_field_in_error(one_db: Database) -> None:
    app = kiosk(one_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, NewAccountScreen)
        await fill_account(pilot)
        form.query_one("#last_name").value = ""  # type: ignore[attr-defined]
        form.query_one("#email").value = "maria@"  # type: ignore[attr-defined]
        question = await answer_the_sum(pilot)
        await pilot.press("enter")  # Enter in the answer sends the form
        await settle(pilot)
        assert field_error(app, "last_name") == "This field is required."
        assert form.focused is form.query_one("#last_name")
        assert in_view(app, form.query_one("#field-last_name", Field))
        # The right answer and its question are kept: fixing the name is all that is left.
        assert form.visit.draft.human_ticked and form.visit.draft.human_answer
        assert str(form.challenge.question()) == question
        assert field_error(app, "human_answer") == ""


async def test_a_refused_child_keeps_the_human_check_and_shows_the_field(
    one_db: Database,
) -> None:
    small_roster(one_db)
    session = register(one_db, language="en")
    app = kiosk(one_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.parent_session = session
        await app.push_screen(app.step("add-child"))
        await settle(pilot)
        form = app.screen
        assert isinstance(form, AddChildScreen)
        await fill_jose(pilot, "4/2/2016")
        form.query_one("#ssn_last4").value = ""  # type: ignore[attr-defined]
        question = await answer_the_sum(pilot)
        await pilot.press("enter")  # the service refuses: the SSN digits are required
        await settle(pilot)
        assert field_error(app, "ssn_last4") == "This field is required."
        assert form.focused is form.query_one("#ssn_last4")
        assert in_view(app, form.query_one("#field-ssn_last4", Field))
        assert form.visit.draft.human_ticked and form.visit.draft.human_answer
        assert str(form.challenge.question()) == question
        # The parent types the digits where the cursor is and sends again: the child is added.
        await pilot.press(*"1234", "tab", "tab", "tab", "enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "ChildLinkedScreen"


async def test_an_unticked_box_takes_the_cursor(one_db: Database) -> None:
    app = kiosk(one_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, NewAccountScreen)
        await fill_account(pilot)
        form.query_one("#human_answer").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert field_error(app, "human_answer") == "Tick the box to show you are a person."
        assert form.focused is form.query_one("#human_ticked")
        assert in_view(app, form.query_one("#field-human_answer", Field))
