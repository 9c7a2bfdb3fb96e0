"""The desk as a clerk meets it at the counter, one family after another: the queue's filter
starts empty each time, the count of waiting links follows the decisions (and F5), dates are
written with the whole year, and ID types are worded for a US district."""

from __future__ import annotations

from datetime import date

from textual.widgets import Input, Select

from frontdesk.db.engine import Database
from frontdesk.db.models import IdType
from frontdesk.services.identity_checks import IdentityCheckForm, record_identity_check
from frontdesk.services.verification import approve_link
from screens.desk.home import StaffHomeScreen
from screens.desk.queue import QueueScreen
from screens.desk.request import RequestScreen
from screens.textual_compat import select_choices
from tests.screens.desk_world import checked, desk_world, rows, screen_text, settle, text_of
from tests.screens.test_desk import desk


async def test_back_at_the_queue_the_filter_is_empty_and_the_count_is_new(
    database: Database, clock
) -> None:  # type: ignore[no-untyped-def]
    world = desk_world(database, clock)
    app = desk(database, world.north)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.push_screen(StaffHomeScreen())
        await settle(app, pilot)
        assert "2 requests waiting for verification" in text_of(app, "#waiting")
        await pilot.press("enter")
        await settle(app, pilot)
        assert "2 links waiting for verification" in text_of(app, "#queue-summary")
        await pilot.press(*"maria", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, RequestScreen)
        await pilot.press(*"d123", *"12/31/2029", "tab", "space", "f4", "enter")
        await settle(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        queue = app.screen
        assert isinstance(queue, QueueScreen)
        assert queue.query_one("#filter", Input).value == ""
        assert queue.focused is queue.query_one("#filter")
        assert "0 links waiting for verification" in text_of(app, "#queue-summary")
        # The next name typed is the whole filter.
        await pilot.press(*"tom")
        await settle(app, pilot)
        assert [r[1] for r in rows(app, "#queue")] == ["Tom O'Brien"]
        await pilot.press("escape")
        await settle(app, pilot)
        assert "0 requests waiting for verification" in text_of(app, "#waiting")


async def test_f5_reads_the_count_again_with_a_filter_typed(database: Database, clock) -> None:  # type: ignore[no-untyped-def]
    world = desk_world(database, clock)
    app = desk(database, world.both)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.push_screen(QueueScreen())
        await settle(app, pilot)
        assert "3 links waiting for verification" in text_of(app, "#queue-summary")
        await pilot.press(*"lukasz")
        await settle(app, pilot)
        # Another clerk approves José meanwhile.
        checked(database, world.north, world.maria.parent_id)
        with database.write() as uow:
            approve_link(uow, world.north, world.links["jose"])
        await pilot.press("f5")
        await settle(app, pilot)
        assert app.screen.query_one("#filter", Input).value == "lukasz"
        assert "2 links waiting for verification" in text_of(app, "#queue-summary")


async def test_an_id_check_shows_its_expiry_with_the_whole_year(database: Database, clock) -> None:  # type: ignore[no-untyped-def]
    world = desk_world(database, clock)
    with database.write() as uow:
        record_identity_check(
            uow,
            world.north,
            world.maria.parent_id,
            IdentityCheckForm(
                id_type=IdType.DRIVER_LICENCE,
                id_last4="D123",
                id_expires=date(2030, 6, 30),
                name_matches=True,
            ),
        )
    app = desk(database, world.north)
    async with app.run_test(size=(120, 60)) as pilot:
        await app.push_screen(RequestScreen(world.maria.parent_id))
        await settle(app, pilot)
        text = screen_text(app)
        assert "Driver license, expires 6/30/2030, name matches" in text
        assert "6/30/30," not in text
        options = select_choices(app.screen.query_one("#id-type", Select))
        assert ("Driver license", IdType.DRIVER_LICENCE.value) in options
