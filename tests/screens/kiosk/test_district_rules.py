"""The district's own settings at the kiosk: its wording per language, extra and address
fields, changes made while a kiosk runs; photos; the start screen's way into the kiosk."""

from __future__ import annotations

import io
import random

from PIL import Image
from sqlalchemy import select, update

from frontdesk.db.engine import Database
from frontdesk.db.models import LinkStatus, ParentAccount, StudentLink, StudentPhoto
from frontdesk.demo.district import _photo
from frontdesk.district_settings import AccountField, ExtraField, TextKey
from frontdesk.services.linking import request_link
from screens.app import FrontdeskApp
from screens.kiosk.add_child import ChildLinkedScreen
from screens.kiosk.menu import ChildMenuScreen
from screens.kiosk.portal import PortalScreen
from screens.start import OPEN_KIOSK
from screens.widgets.photo import StudentPhoto as PhotoWidget
from tests.factories import JOSE, PASSWORD, change_settings, register, small_roster
from tests.screens.kiosk.helpers import (
    field_error,
    kiosk,
    pass_human_check,
    press,
    settle,
    text_on,
    type_into,
)
from tests.screens.kiosk.test_walkthrough import fill_account, fill_jose

TEXTS = {
    "en": {TextKey.WELCOME_TITLE: "Welcome to Owl County", TextKey.ADD_CHILD_BUTTON: "Add a kid"},
    "es": {TextKey.WELCOME_TITLE: "Bienvenidos al condado Owl"},
}


async def test_the_district_wording_follows_the_language_and_its_changes(
    database: Database,
) -> None:
    change_settings(database, texts=TEXTS)
    app = kiosk(database)
    async with app.run_test(size=(110, 50)) as pilot:
        await settle(pilot)
        text = text_on(app)
        assert "Welcome to Owl County" in text and "Add a kid" in text
        await press(pilot, "#lang-es")
        text = text_on(app)
        assert "Bienvenidos al condado Owl" in text
        assert "Add a kid" in text  # no Spanish wording: the district's default language's
        assert "Olvidé mi contraseña y quiero generar una nueva" in text  # frontdesk's own
        # An administrator changes the settings while the kiosk runs.
        change_settings(database, texts={"es": {TextKey.WELCOME_TITLE: "Hola, familias"}})
        await press(pilot, "#new-account")
        await press(pilot, "#back")
        await settle(pilot)
        assert "Hola, familias" in text_on(app)


async def test_address_and_extra_fields_the_district_requires(database: Database) -> None:
    change_settings(
        database,
        required_account_fields={AccountField.ADDRESS},
        extra_fields=[
            ExtraField(
                key="employer",
                labels={"en": "Employer", "es": "Empleador"},
                required=True,
            )
        ],
    )
    app = kiosk(database)
    async with app.run_test(size=(110, 50)) as pilot:
        await settle(pilot)
        await press(pilot, "#new-account")
        await fill_account(pilot)
        await pass_human_check(pilot)
        await press(pilot, "#submit")
        assert field_error(app, "address_street") == "This field is required."
        assert field_error(app, "extra-employer") == "This field is required."
        await press(pilot, "#lang-es")
        assert "Empleador *" in text_on(app)
        assert field_error(app, "extra-employer") == "Este campo es obligatorio."
        await type_into(pilot, "#extra-employer", "Owl Bakery")
        for name, value in (
            ("address_street", "1 Main St"),
            ("address_city", "Owlton"),
            ("address_state", "FL"),
            ("address_postal_code", "33101"),
        ):
            await type_into(pilot, f"#{name}", value)
        await press(pilot, "#submit")
        assert isinstance(app.screen, ChildMenuScreen)
    with database.read() as uow:
        parent = uow.session.scalars(select(ParentAccount)).one()
        assert parent.extra_fields == {"employer": "Owl Bakery"}
        assert parent.address_city == "Owlton"


async def test_the_linked_student_photo_is_drawn_in_the_terminal(database: Database) -> None:
    roster = small_roster(database)
    portrait = _photo(random.Random(1))
    with database.write() as uow:
        uow.session.execute(
            update(StudentPhoto)
            .where(StudentPhoto.student_id == roster.students["jose"])
            .values(data=portrait)
        )
    assert Image.open(io.BytesIO(portrait)).size
    register(database)
    change_settings(database, links_bypass_verification=True)
    app = kiosk(database)
    async with app.run_test(size=(110, 50)) as pilot:
        await settle(pilot)
        await press(pilot, "#add-child")
        await type_into(pilot, "#email", "maria@example.org")
        await type_into(pilot, "#password", PASSWORD)
        await press(pilot, "#sign-in")
        await press(pilot, "#add-child")
        await fill_jose(pilot, "4/2/2016")
        await pass_human_check(pilot)
        await press(pilot, "#add-student")
        assert isinstance(app.screen, ChildLinkedScreen)
        photo = app.screen.query_one(PhotoWidget)
        assert photo.has_picture
        # The account is still pending, so even with bypass the link waits for the school.
        assert app.screen.visit.linked.status is LinkStatus.PENDING


async def test_a_revoked_link_shows_no_student_data_on_the_portal(database: Database) -> None:
    small_roster(database)
    parent = register(database)
    with database.write() as uow:
        link = request_link(uow, parent, JOSE)
        # As the desk leaves it after approving and later revoking (issue 4's screens).
        uow.session.execute(
            update(StudentLink)
            .where(StudentLink.id == link.link_id)
            .values(status=LinkStatus.REVOKED)
        )
    app = kiosk(database)
    async with app.run_test(size=(110, 50)) as pilot:
        await settle(pilot)
        app.parent_session = parent
        await app.push_screen(PortalScreen())
        await settle(pilot)
        text = text_on(app)
        assert "A request to see a student's records — Access ended by the school" in text
        assert "José" not in text and "Owl Creek" not in text


async def test_the_start_screen_opens_the_kiosk(database: Database) -> None:
    app = FrontdeskApp(database)
    async with app.run_test() as pilot:
        await pilot.press("k")
        await pilot.pause()
    assert app.return_value == OPEN_KIOSK
