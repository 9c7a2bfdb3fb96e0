"""A Vietnamese parent at the kiosk types the child's name in the order it is said and the
birthdate day first, as at home: the hint shows that order, a date that cannot be read is told
in Vietnamese with nothing typed lost, and "7/3/2015" is 7 March."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from frontdesk.db.engine import Database
from frontdesk.db.models import StudentLink
from frontdesk.i18n import Msg, current_language
from screens.kiosk.add_child import AddChildScreen, ChildLinkedScreen
from screens.kiosk.menu import ChildMenuScreen
from tests.factories import PASSWORD, change_settings, enrol, register, small_roster
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

FIVE_LANGUAGES = ["en", "es", "ht", "pt_BR", "vi"]


async def test_a_vietnamese_parent_types_a_birthdate_day_first(database: Database) -> None:
    small_roster(database)
    dang = enrol(database, "1000010", "Thị Đặng", "Nguyễn", date(2015, 3, 7), "2468")
    change_settings(database, languages=FIVE_LANGUAGES)
    register(database, email="lan@example.org", language="vi")
    app = kiosk(database)
    async with app.run_test(size=(110, 50)) as pilot:
        await settle(pilot)
        await press(pilot, "#lang-vi")
        assert current_language() == "vi"
        await press(pilot, "#add-child")
        await type_into(pilot, "#email", "lan@example.org")
        await type_into(pilot, "#password", PASSWORD)
        await press(pilot, "#sign-in")
        assert isinstance(app.screen, ChildMenuScreen)
        await press(pilot, "#add-child")
        assert isinstance(app.screen, AddChildScreen)
        assert "31/12/2015" in text_on(app)  # the hint: day, month, four-digit year
        # The name in the order it is said (family name first), a two-digit year.
        await type_into(pilot, "#first_name", "Nguyễn")
        await type_into(pilot, "#last_name", "Thị Đặng")
        await type_into(pilot, "#student_id", "1000010")
        await type_into(pilot, "#birthdate", "07/03/15")
        await type_into(pilot, "#ssn_last4", "2468")
        await pass_human_check(pilot)
        await press(pilot, "#add-student")
        told = Msg("Enter the date like this: {example}.", example="31/12/2015").translate("vi")
        assert isinstance(app.screen, AddChildScreen)
        assert field_error(app, "birthdate") == told
        assert {"Nguyễn", "Thị Đặng", "1000010", "07/03/15", "2468"} <= set(typed_values(app))
        # A day February does not have.
        await type_into(pilot, "#birthdate", "")
        await pilot.press("end", "ctrl+u", *"31/02/2015")
        await press(pilot, "#add-student")
        assert field_error(app, "birthdate") == told
        # Typed the way it is written at home, without leading zeros: 7 March 2015.
        assert "31/02/2015" in typed_values(app)
        await type_into(pilot, "#birthdate", "")
        await pilot.press("end", "ctrl+u", *"7/3/2015")
        await press(pilot, "#add-student")
        assert isinstance(app.screen, ChildLinkedScreen)
        assert "Thị Đặng Nguyễn" in text_on(app)
    with database.read() as uow:
        assert uow.session.scalars(select(StudentLink.student_id)).all() == [dang]
