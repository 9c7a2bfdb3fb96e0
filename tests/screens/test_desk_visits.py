"""The desk's kept screens (the queue, the request view) keep what a clerk's visit read and
showed in one ``visit`` and nowhere else (read in the code), so the next request, and the next
clerk after a sign-out, find nothing of the last: what was typed into the photo-ID check, a
reason, a photo, a decision's message or notification. Driven from the keyboard, on SQLite
and PostgreSQL."""

from __future__ import annotations

import random

from rich_pixels import Pixels
from textual.app import App
from textual.widgets import Checkbox, Input, Select, Static

from frontdesk.db.engine import Database
from frontdesk.db.models import StudentPhoto
from frontdesk.demo.district import _photo
from screens.app import FrontdeskApp
from screens.desk.dialogs import ReasonDialog
from screens.desk.home import StaffHomeScreen
from screens.desk.id_check_form import FIRST_ID_TYPE
from screens.desk.queue import QueueScreen
from screens.desk.queue_table import QueueTable
from screens.desk.request import RequestScreen
from screens.desk.visits import QueueVisit, RequestVisit
from screens.textual_compat import notification_messages
from tests.factories import STAFF_PASSWORD
from tests.screens.desk_world import desk_world, rows, screen_text, settle, text_of
from tests.screens.kiosk.test_visits import attributes_set_on_self


def test_the_kept_desk_screens_keep_nothing_of_a_visit_outside_it() -> None:
    for kind in (QueueScreen, RequestScreen):
        outside = set(attributes_set_on_self(kind)) - {"visit"}
        assert not outside, f"per-visit state of {kind.__name__} belongs in its visit: {outside}"


def typed_check(screen: RequestScreen) -> tuple[object, ...]:
    """The photo-ID check form as it stands (every field)."""
    return (
        screen.query_one("#id-type", Select).value,
        *(box.value for box in screen.query("#check-form Input").results(Input)),
        screen.query_one("#name-matches", Checkbox).value,
    )


EMPTY_CHECK = (FIRST_ID_TYPE.value, "", "", "", False)


def photo_shown(screen: RequestScreen) -> bool:
    """Whether the photo widget shows a drawn photo (not a note, not nothing)."""
    return isinstance(screen.query_one("#photo", Static).content, Pixels)


def kept_request(app: App[object]) -> RequestScreen:
    screen = app.get_screen(RequestScreen.INSTALLED_NAME)
    assert isinstance(screen, RequestScreen)
    return screen


def assert_request_view_empty(screen: RequestScreen) -> None:
    """Nothing of any request in the kept request view: its visit or its widgets."""
    assert screen.visit.parent_id == 0 and screen.visit.loaded is None
    assert screen.visit.ahead is None
    assert typed_check(screen) == EMPTY_CHECK
    for selector in ("#decision-message", "#parent-facts", "#photo", "#student-facts"):
        assert str(screen.query_one(selector, Static).render()) == "", selector
    for selector in ("#children", "#contacts"):
        assert screen.query_one(selector, QueueTable).cells == [], selector


async def sign_in(app: FrontdeskApp, pilot: object, username: str) -> None:
    await pilot.press(*username, "enter", *STAFF_PASSWORD, "enter")  # type: ignore[attr-defined]
    await settle(app, pilot)
    assert isinstance(app.screen, StaffHomeScreen)


async def test_the_next_request_and_the_next_clerk_see_nothing_of_the_last(
    database: Database, clock: object
) -> None:
    desk_world(database, clock)
    with database.write() as uow:  # José has a photo on his record
        uow.session.get_one(StudentPhoto, 1).data = _photo(random.Random(3))
    app = FrontdeskApp(database, start="desk")
    async with app.run_test(size=(120, 40)) as pilot:
        # Dave (both schools) signs in and opens María's request, José highlighted.
        await sign_in(app, pilot, "dave")
        await pilot.press("enter")  # the queue
        await settle(app, pilot)
        await pilot.press("enter")  # the oldest request: María's
        await settle(app, pilot)
        request = app.screen
        assert isinstance(request, RequestScreen)
        assert photo_shown(request)
        # He denies José, with a reason...
        await pilot.press("f6", *"The record names another mother.", "enter")
        await settle(app, pilot)
        said = "Denied: José O'Brien-Nguyễn. The parent is told why."
        assert text_of(app, "#decision-message") == said
        assert said in notification_messages(app)
        # ...starts a check on another ID type, with notes...
        await pilot.press("shift+tab", "enter", "down", "enter", "tab")
        await pilot.press(*"k321", *"5/1/2031", "tab", "space", "tab", *"seen at 9")
        await pilot.pause()
        typed = typed_check(request)
        assert typed[0] != FIRST_ID_TYPE.value and typed[1:] == (
            "k321",
            "5/1/2031",
            "seen at 9",
            True,
        )
        # ...and types a reason to deny Ayşe, then thinks better of it.
        await pilot.press("down")  # (the cursor is in the notes: move on to the children)
        request.query_one("#children").focus()
        await pilot.press("down", "f6", *"Changed my mind", "escape")
        await settle(app, pilot)
        assert app.screen is request
        # Back at the queue, the next parent: Tom.
        await pilot.press("escape", *"tom", "enter")
        await settle(app, pilot)
        assert app.screen is request
        assert "Tom O'Brien" in text_of(app, "#req-title")
        assert typed_check(request) == EMPTY_CHECK
        assert text_of(app, "#decision-message") == ""
        assert not photo_shown(request) and rows(app, "#children") == []
        assert "María" not in screen_text(app) and "José" not in screen_text(app)
        await pilot.press("f8")  # denying his account asks a reason: none typed yet
        await pilot.pause()
        assert isinstance(app.screen, ReasonDialog)
        assert app.screen.query_one("#reason", Input).value == ""
        await pilot.press("escape")
        await pilot.pause()
        # Dave signs out: the kept screens forget him, and so do the notifications.
        await pilot.press("escape", "escape", "ctrl+o")
        await settle(app, pilot)
        assert app.staff is None
        assert_request_view_empty(kept_request(app))
        queue = app.get_screen(QueueScreen.INSTALLED_NAME)
        assert isinstance(queue, QueueScreen)
        assert queue.visit.rows == {} and queue.visit.schools is None
        assert queue.query_one("#queue", QueueTable).cells == []
        assert notification_messages(app) == []
        # Carmen (Owl Creek only) sits down and opens María's request (Ayşe still waits).
        await sign_in(app, pilot, "carmen")
        assert said not in notification_messages(app)
        await pilot.press("enter")
        await settle(app, pilot)
        assert [r[2] for r in rows(app, "#queue")] == [
            "Ayşe O'Brien-Nguyễn",
            "(no child asked for yet)",
        ]
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is request
        assert "María Nguyễn" in text_of(app, "#req-title")
        assert typed_check(request) == EMPTY_CHECK
        assert text_of(app, "#decision-message") == ""
        assert not photo_shown(request)  # Ayşe's: none on file
        await pilot.press("f6")
        await pilot.pause()
        assert app.screen.query_one("#reason", Input).value == ""


async def test_a_kept_screen_drops_an_answer_for_the_visit_before(
    database: Database, clock: object
) -> None:
    world = desk_world(database, clock)
    app = FrontdeskApp(database, start="desk")
    app.staff = world.both
    async with app.run_test(size=(120, 40)) as pilot:
        await app.push_screen(StaffHomeScreen())
        await settle(app, pilot)
        await pilot.press("enter", "enter")  # the queue, then María's request
        await settle(app, pilot)
        request = kept_request(app)
        asked_for = request.visit
        request.load()  # a read on its way...
        request.end_visit()  # ...when the visit ends
        await settle(app, pilot)
        assert request.visit is not asked_for and isinstance(request.visit, RequestVisit)
        assert request.visit.loaded is None and text_of(app, "#parent-facts") == ""
        queue = app.get_screen(QueueScreen.INSTALLED_NAME)
        assert isinstance(queue, QueueScreen) and isinstance(queue.visit, QueueVisit)
