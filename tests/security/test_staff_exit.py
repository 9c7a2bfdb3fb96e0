"""Issue 10 §6 (K1): staff keep their way out of the kiosk.

Wrong PINs make the workstation wait, 30 s after three free tries, doubling, at most 10
minutes: a parent typing wrong PINs can keep staff out for minutes, never an hour, and
covering the PINs still takes years.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from frontdesk.db.engine import Database
from frontdesk.db.models import Attempt, Staff, StaffRole
from frontdesk.errors import FieldErrors
from frontdesk.security import HashParameters, PasswordHasher
from frontdesk.services.audit import Actor
from frontdesk.services.kiosk import (
    PIN_FAILED,
    PIN_FREE_TRIES,
    PIN_LONGEST_WAIT,
    PIN_MEMORY,
    PIN_YEARS_TO_COVER,
    PinWait,
    WrongPin,
    pin_guesses_per_day,
    verify_staff_pin,
)
from frontdesk.services.staff import set_staff_pin
from screens.kiosk.staff_exit import StaffExitScreen
from tests.conftest import FakeClock
from tests.factories import STAFF_PIN, staff_member
from tests.screens.kiosk.helpers import kiosk, press, settle, text_on
from tests.security.helpers import at_once

WRONG = "135790"


@pytest.fixture
def carmen(database: Database) -> int:
    """A staff member with a PIN; PINs hashed cheaply, as hundreds are checked here."""
    database.runtime.hasher = PasswordHasher(HashParameters(memory_kib=8, iterations=1))
    return staff_member(database, "carmen", StaffRole.SUPPORT, []).staff_id


def try_pin(database: Database, pin: str) -> str | timedelta:
    """``"ok"``, ``"wrong"``, or how long the workstation says to wait."""
    try:
        with database.write() as uow:
            verify_staff_pin(uow, pin)
    except WrongPin:
        return "wrong"
    except PinWait as wait:
        return wait.wait
    return "ok"


def test_covering_six_digit_pins_takes_over_a_year() -> None:
    # 3 free tries, then waits of 30 s, 1, 2, 4 and 8 minutes, then one try per 10 minutes:
    # at most 150 PINs a day at one kiosk. 10⁶ PINs / 150 a day / 365.25 = 18.3 years.
    assert pin_guesses_per_day() == 150
    assert pytest.approx(18.26, abs=0.01) == PIN_YEARS_TO_COVER


@pytest.mark.usefixtures("carmen")
def test_a_day_of_guessing_as_fast_as_allowed_gets_the_computed_number_of_tries(
    database: Database, clock: FakeClock
) -> None:
    start, tried = clock.now, 0
    while clock.now - start < PIN_MEMORY:
        said = try_pin(database, WRONG)
        if isinstance(said, timedelta):
            clock.advance(seconds=said.total_seconds())  # wait exactly as long as told
        else:
            assert said == "wrong"
            tried += 1
    assert tried == pin_guesses_per_day()


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.usefixtures("carmen")
def test_no_run_of_wrong_pins_keeps_the_right_one_out_for_more_than_ten_minutes(
    database: Database, clock: FakeClock, seed: int
) -> None:
    rng = random.Random(seed)
    last_counted = clock.now
    for _try in range(60):
        clock.advance(seconds=rng.choice([0, 1, 5, 30, 90, 200, 700]))
        said = try_pin(database, WRONG)
        if said == "wrong":
            last_counted = clock.now
        else:
            assert isinstance(said, timedelta) and said <= PIN_LONGEST_WAIT
    # Typing on while told to wait is refused and does not make the wait any longer.
    while clock.now + timedelta(seconds=5) < last_counted + PIN_LONGEST_WAIT:
        clock.advance(seconds=5)
        if try_pin(database, WRONG) == "wrong":
            last_counted = clock.now
    clock.now = last_counted + PIN_LONGEST_WAIT
    assert try_pin(database, STAFF_PIN) == "ok"


@pytest.mark.usefixtures("carmen")
def test_wrong_pins_typed_at_the_same_instant_are_judged_one_by_one(
    database: Database, clock: FakeClock
) -> None:
    said = at_once(database, lambda uow: verify_staff_pin(uow, WRONG), threads=12)
    assert Counter(line.split(":")[0] for line in said) == {
        "WrongPin": PIN_FREE_TRIES,
        "PinWait": 12 - PIN_FREE_TRIES,
    }
    with database.read() as uow:
        counted = uow.session.scalar(
            select(func.count()).select_from(Attempt).where(Attempt.kind == PIN_FAILED)
        )
    assert counted == PIN_FREE_TRIES
    assert try_pin(database, STAFF_PIN) == timedelta(seconds=30)
    clock.advance(seconds=30)
    assert try_pin(database, STAFF_PIN) == "ok"


def test_a_new_pin_has_6_to_8_digits(database: Database, carmen: int) -> None:
    for pin in ("12345", "123456789", "12345a"):
        with pytest.raises(FieldErrors) as caught, database.write() as uow:
            set_staff_pin(uow, Actor.system("test"), carmen, pin)
        message = caught.value.fields["pin"]
        assert message.translate("en") == "A PIN is 6 to 8 digits."
        assert message.translate("es") == "Un PIN tiene de 6 a 8 dígitos."
        assert message.translate("ht") == "Yon PIN gen 6 a 8 chif."
    for pin in ("123456", "12345678"):
        with database.write() as uow:
            set_staff_pin(uow, Actor.system("test"), carmen, pin)
        assert try_pin(database, pin) == "ok"


def test_a_pin_set_before_the_6_digit_rule_still_opens_the_kiosk(
    database: Database, carmen: int
) -> None:
    with database.write() as uow:
        uow.session.get_one(Staff, carmen).pin_hash = uow.runtime.hasher.hash("2468")
    assert try_pin(database, "2468") == "ok"


@pytest.mark.usefixtures("carmen")
async def test_the_wait_is_shown_in_the_parents_language(database: Database) -> None:
    app = kiosk(database)
    async with app.run_test(size=(110, 50)) as pilot:
        await settle(pilot)
        await press(pilot, "#lang-es")
        await pilot.press("f12")
        await pilot.pause()
        assert isinstance(app.screen, StaffExitScreen)
        for _try in range(PIN_FREE_TRIES + 1):
            await pilot.press(*WRONG, "enter")
            await settle(pilot)
        shown = text_on(app)
        assert "Demasiados PIN incorrectos. Inténtelo de nuevo en 30 segundos." in shown
        assert app.return_code is None
