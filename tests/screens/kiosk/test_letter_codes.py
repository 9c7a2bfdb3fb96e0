"""L1 at the kiosk and in the browser, in Spanish: a parent who got the school's letter makes an
account (or signs in), chooses "Tengo un código de carta" beside "add a child", types the code
and the student is linked, approved at once or waiting, as the district chose. Each way a code
can fail is said beside the field, the code left as typed. The letter is a real PDF issued at
the desk; its code is read off it as a parent reads it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from textual.pilot import Pilot
from textual.widgets import Input

from frontdesk.db.engine import Database
from frontdesk.db.models import AccountStatus, LetterCode, LinkStatus, ParentAccount, StudentLink
from frontdesk.services.letter_redemption import redeem_letter
from frontdesk.services.letters import issue_letter, revoke_letter
from frontdesk.services.sessions import ParentSession
from screens.kiosk.add_child import ChildLinkedScreen
from screens.kiosk.letter import LetterCodeScreen
from screens.kiosk.menu import ChildMenuScreen
from screens.kiosk.portal import PortalScreen
from screens.kiosk.welcome import WelcomeScreen
from screens.kiosk_app import KioskApp
from screens.web_app import WebKioskApp
from tests.conftest import FakeClock
from tests.factories import PASSWORD, change_settings, register
from tests.letters import Desk, codes_in, make_desk
from tests.screens.kiosk.helpers import (
    field_error,
    kiosk,
    pass_human_check,
    press,
    settle,
    text_on,
    type_into,
)
from tests.screens.kiosk.test_walkthrough import fill_account

SIZE = (110, 50)
WAITING = "En espera de que la escuela verifique"
LINKED = "Vinculado: puede ver los registros de este estudiante"
LETTER_WAITING = "La escuela está revisando el código de carta que escribió."
VISIT = "Visite su escuela y muestre una identificación con foto vigente"


def focused_id(app: KioskApp) -> str:
    focused = app.screen.focused
    return focused.id or "" if focused is not None else ""


async def choose_letter_code(pilot: Pilot[object]) -> None:
    """On the menu, where the cursor starts on "add a child": one tab to the letter code
    beside it, Enter."""
    app = pilot.app
    assert isinstance(app, KioskApp) and isinstance(app.screen, ChildMenuScreen)
    assert focused_id(app) == "add-child"
    await pilot.press("tab")
    assert focused_id(app) == "letter-code"
    assert "Tengo un código de carta" in text_on(app)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.screen, LetterCodeScreen)
    assert focused_id(app) == "code"  # the cursor waits in the field


def typed_code(app: KioskApp) -> str:
    return app.screen.query_one("#code", Input).value


async def test_a_new_account_links_a_child_with_the_letters_code_in_spanish(
    database: Database, tmp_path: Path
) -> None:
    desk = make_desk(database, tmp_path)
    code = desk.issue(database, desk.maria_jose)
    app = kiosk(database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "#lang-es")
        await press(pilot, "#new-account")
        await fill_account(pilot, email="ana@example.org")
        await pass_human_check(pilot)
        await press(pilot, "#submit")
        assert "Su cuenta está lista." in text_on(app)
        await choose_letter_code(pilot)
        assert "Vincular a un hijo con un código de carta" in text_on(app)
        # Typed as read off the page, small letters and all, but one character short.
        await pilot.press(*code.lower()[:-1], "enter")
        await settle(pilot)
        assert isinstance(app.screen, LetterCodeScreen)
        assert field_error(app, "code") == (
            "Un código de carta tiene 15 letras y dígitos, como XXXXX-XXXXX-XXXXX."
        )
        assert typed_code(app) == code.lower()[:-1]  # nothing typed is lost
        assert focused_id(app) == "code"
        await pilot.press(code[-1].lower(), "enter")  # the missing character, Enter again
        await settle(pilot)
        assert isinstance(app.screen, ChildLinkedScreen)
        text = text_on(app)
        assert "Estudiante agregado" in text and "José O'Brien-Nguyễn" in text
        assert WAITING in text  # the district lets the school check first (the default)
        assert "La escuela recibió su solicitud." in text
        await press(pilot, "#back")
        assert isinstance(app.screen, ChildMenuScreen)
        assert "José O'Brien-Nguyễn" in text_on(app)
        await press(pilot, "#finished")
        await settle(pilot)
        assert isinstance(app.screen, PortalScreen)
        text = text_on(app)
        # A link waiting on a letter needs no visit with a photo ID: the portal says so.
        assert LETTER_WAITING in text and VISIT not in text
    with database.read() as uow:
        parent = uow.session.scalars(
            select(ParentAccount).where(ParentAccount.email == "ana@example.org")
        ).one()
        link = uow.session.scalars(select(StudentLink)).one()
        letter = uow.session.scalars(select(LetterCode)).one()
    assert (link.parent_id, link.status) == (parent.id, LinkStatus.PENDING)
    assert link.matched_identifiers == ["letter_code"]
    assert (letter.used_by_id, letter.link_id) == (parent.id, link.id)


async def test_a_parent_who_signs_in_is_linked_at_once_when_the_district_says_so(
    database: Database, tmp_path: Path
) -> None:
    change_settings(database, letter_codes_approve_links=True)
    desk = make_desk(database, tmp_path)
    code = desk.issue(database, desk.maria_jose)
    register(database)  # María's account, made earlier
    app = kiosk(database)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "#lang-es")
        await press(pilot, "#add-child")  # "I have an account…": the sign-in
        await type_into(pilot, "#email", "maria@example.org")
        await pilot.press("enter", *PASSWORD, "enter")
        await settle(pilot)
        await choose_letter_code(pilot)
        await pilot.press(*code, "enter")
        await settle(pilot)
        assert isinstance(app.screen, ChildLinkedScreen)
        text = text_on(app)
        assert LINKED in text and WAITING not in text
        assert "La escuela recibió su solicitud." not in text
        await press(pilot, "#back")
        await press(pilot, "#finished")
        await settle(pilot)
        text = text_on(app)
        assert "José O'Brien-Nguyễn" in text and LINKED in text
        assert LETTER_WAITING not in text and VISIT not in text
    with database.read() as uow:
        parent = uow.session.scalars(select(ParentAccount)).one()
        assert parent.status is AccountStatus.ACTIVE  # the letter proved who she is
        assert uow.session.scalars(select(StudentLink.status)).one() is LinkStatus.APPROVED


async def issue(database: Database, desk: Desk, contact_id: int, name: str) -> tuple[str, int]:
    """A letter issued at the desk: its code (read off the page) and its id."""
    out = desk.folder / f"{name}.pdf"
    letter = issue_letter(database, desk.clerk, contact_id, out)
    (code,) = codes_in(out)
    return code, letter.id


async def used(database: Database, desk: Desk, clock: FakeClock) -> str:
    code, _id = await issue(database, desk, desk.maria_jose, "used")
    tom = register(database, email="tom@example.org", first_name="Tom")
    redeem_letter(database, tom, code)
    return code


async def expired(database: Database, desk: Desk, clock: FakeClock) -> str:
    code, _id = await issue(database, desk, desk.maria_jose, "expired")
    clock.advance(days=31)
    return code


async def revoked(database: Database, desk: Desk, clock: FakeClock) -> str:
    code, letter_id = await issue(database, desk, desk.maria_jose, "revoked")
    revoke_letter(database, desk.clerk, letter_id)
    return code


async def replaced(database: Database, desk: Desk, clock: FakeClock) -> str:
    code, _id = await issue(database, desk, desk.maria_jose, "first")
    await issue(database, desk, desk.maria_jose, "second")
    return code


async def unknown(database: Database, desk: Desk, clock: FakeClock) -> str:
    await issue(database, desk, desk.maria_jose, "real")
    return "K7QM4-HXT2R-9WCPD"  # well formed, but no letter has it


ANSWERS = {
    "used": (
        used,
        "Este código de carta ya se usó. Cada código funciona una sola vez. Si usted no lo "
        "usó, por favor pase por la oficina de recepción.",
    ),
    "expired": (
        expired,
        "Este código de carta venció. Pida una carta nueva a la escuela, o pase por la "
        "oficina de recepción.",
    ),
    "revoked": (
        revoked,
        "La escuela anuló este código de carta. Por favor, pase por la oficina de recepción.",
    ),
    "replaced": (
        replaced,
        "Una carta más reciente reemplazó a esta. Use el código de la carta más reciente que "
        "recibió.",
    ),
    "unknown": (
        unknown,
        "Este código de carta no es correcto. Revise lo que escribió, o pase por la oficina "
        "de recepción.",
    ),
}


async def at_the_letter_step(pilot: Pilot[object], parent: ParentSession) -> None:
    """María, signed in, on the menu in Spanish; then the letter step."""
    app = pilot.app
    assert isinstance(app, KioskApp)
    await settle(pilot)
    await press(pilot, "#lang-es")
    app.parent_session = parent
    app.push_screen(app.step("menu"))
    await settle(pilot)
    await choose_letter_code(pilot)


@pytest.mark.parametrize("answer", list(ANSWERS))
async def test_each_refusal_is_said_beside_the_field_in_spanish(
    one_db: Database, tmp_path: Path, clock: FakeClock, answer: str
) -> None:
    desk = make_desk(one_db, tmp_path)
    prepare, message = ANSWERS[answer]
    code = await prepare(one_db, desk, clock)
    maria = register(one_db)
    app = kiosk(one_db)
    async with app.run_test(size=SIZE) as pilot:
        await at_the_letter_step(pilot, maria)
        await pilot.press(*code, "enter")
        await settle(pilot)
        assert isinstance(app.screen, LetterCodeScreen)
        assert field_error(app, "code") == message
        assert typed_code(app) == code and focused_id(app) == "code"
        assert not app.screen.query_one("#form-notice").display  # beside the field only
        # In Haitian Creole at once, the code still there.
        await press(pilot, "#lang-ht")
        assert typed_code(app) == code
        assert field_error(app, "code") != message and field_error(app, "code")
    with one_db.read() as uow:
        assert not uow.session.scalars(
            select(StudentLink).where(StudentLink.parent_id == maria.parent_id)
        ).all()


async def test_too_many_wrong_codes_are_stopped_and_said_beside_the_field(
    one_db: Database, tmp_path: Path
) -> None:
    desk = make_desk(one_db, tmp_path)
    code, _id = await issue(one_db, desk, desk.maria_jose, "real")
    maria = register(one_db)
    wrong = "K7QM4-HXT2R-9WCPD"
    app = kiosk(one_db)
    async with app.run_test(size=SIZE) as pilot:
        await at_the_letter_step(pilot, maria)
        await pilot.press(*wrong)
        for _try in range(5):  # the account's limit of failed child links in the window
            await press(pilot, "#use-code")
            assert field_error(app, "code").startswith("Este código de carta no es correcto.")
        await press(pilot, "#use-code")
        assert field_error(app, "code") == (
            "Demasiados intentos. Pase por la oficina principal para recibir ayuda."
        )
        assert typed_code(app) == wrong
        # Even the right code waits now: the limit holds the account, not the code.
        app.screen.query_one("#code", Input).focus()
        await pilot.press("ctrl+a", "ctrl+k", *code, "enter")
        await settle(pilot)
        assert isinstance(app.screen, LetterCodeScreen)
        assert field_error(app, "code").startswith("Demasiados intentos.")


async def test_the_browser_session_from_a_letters_qr_code_fills_the_code_in(
    database: Database, tmp_path: Path
) -> None:
    desk = make_desk(database, tmp_path)
    code = desk.issue(database, desk.maria_jose)
    register(database)
    # ``frontdesk serve`` hands the session the code as it normalized it from ``/?code=…``.
    app = WebKioskApp(database, start_step="letter", letter_code=code.replace("-", ""))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        await press(pilot, "#lang-es")
        assert "Guardamos su código de carta." in text_on(app)
        await press(pilot, "#add-child")  # the sign-in
        await type_into(pilot, "#email", "maria@example.org")
        await pilot.press("enter", *PASSWORD, "enter")
        await settle(pilot)
        # Signed in: the letter step, over the menu, the code filled in as printed.
        assert isinstance(app.screen, LetterCodeScreen)
        assert typed_code(app) == code and focused_id(app) == "code"
        assert app.letter_code == ""  # handed on once
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ChildLinkedScreen)
        assert WAITING in text_on(app)
        await press(pilot, "#back")
        assert isinstance(app.screen, ChildMenuScreen)
    with database.read() as uow:
        assert uow.session.scalars(select(LetterCode.used_at)).one() is not None


async def test_a_session_with_no_letter_says_nothing_of_one(one_db: Database) -> None:
    app = WebKioskApp(one_db, start_step="letter", letter_code="not a code")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.letter_code == ""
        assert "Your letter code is kept." not in text_on(app)
