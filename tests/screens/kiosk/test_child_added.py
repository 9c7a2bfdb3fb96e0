"""R10 as a parent sees it: after Add Student, the child's name, school and grade stand beside
the photo, inside the terminal, not covered, at 80×24 and larger, and after a resize."""

from __future__ import annotations

import random

from sqlalchemy import update
from textual.widget import Widget

from frontdesk.db.engine import Database
from frontdesk.db.models import StudentPhoto
from frontdesk.demo.district import _photo
from frontdesk.services.linking import LinkedStudent, request_link
from screens.kiosk.add_child import ChildLinkedScreen
from screens.kiosk_app import KioskApp
from screens.widgets.photo import StudentPhoto as PhotoWidget
from tests.factories import JOSE, register, small_roster
from tests.screens.kiosk.helpers import kiosk, settle


def link_jose_with_a_photo(database: Database) -> LinkedStudent:
    roster = small_roster(database)
    with database.write() as uow:
        uow.session.execute(
            update(StudentPhoto)
            .where(StudentPhoto.student_id == roster.students["jose"])
            .values(data=_photo(random.Random(1)))
        )
    parent = register(database)
    with database.write() as uow:
        return request_link(uow, parent, JOSE)


def shown_whole(app: KioskApp, widget: Widget) -> bool:
    """Whether ``widget`` is on screen, inside the terminal, and the widget found there."""
    region = widget.region
    width, height = app.size
    if region.width == 0 or region.height == 0:
        return False
    if region.x < 0 or region.y < 0 or region.right > width or region.bottom > height:
        return False
    return app.screen.get_widget_at(region.x, region.y)[0] is widget


async def test_the_name_school_and_grade_stand_beside_the_photo(one_db: Database) -> None:
    linked = link_jose_with_a_photo(one_db)
    app = kiosk(one_db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.step("child-linked")
        assert isinstance(screen, ChildLinkedScreen)
        screen.show_student(linked)
        await app.push_screen(screen)
        await settle(pilot)
        for size in ((80, 24), (120, 40), (100, 30), (80, 24)):
            await pilot.resize_terminal(*size)
            await settle(pilot)
            photo = screen.query_one(PhotoWidget)
            assert photo.has_picture
            assert shown_whole(app, photo), size
            for fact in ("#name", "#school", "#grade"):
                label = screen.query_one(fact)
                assert shown_whole(app, label), (size, fact)
                assert label.region.x >= photo.region.right, (size, fact)  # beside it
            assert "José O'Brien-Nguyễn" in str(screen.query_one("#name").render())
            assert "Owl Creek Elementary" in str(screen.query_one("#school").render())
            assert "Grade 3" in str(screen.query_one("#grade").render())
            assert shown_whole(app, screen.query_one(".title")), size
            assert shown_whole(app, screen.query_one("#back")), size
