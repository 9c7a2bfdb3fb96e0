"""What the kiosk itself needs: the human check before a form is sent (R7), dates typed as
text, the district's settings kept fresh, and the staff PIN that leaves kiosk mode (K1).

No check in a terminal stops a determined script; the human check only slows a careless one
down. The rate limits in the services (accounts per kiosk, failed links per parent, student
and kiosk) are what holds.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select

from frontdesk.db.models import Staff
from frontdesk.db.uow import UnitOfWork
from frontdesk.district_settings import DistrictSettings
from frontdesk.errors import DomainError
from frontdesk.i18n import Msg, date_input_pattern, parse_date
from frontdesk.services import ratelimit
from frontdesk.services.audit import ANONYMOUS, Actor, AuditAction, record
from frontdesk.services.district import load_settings, settings_version
from frontdesk.text import PIN

if TYPE_CHECKING:
    from frontdesk.db.engine import Database

HUMAN_FIELD = "human_answer"
"""The field a human check's message is told beside."""
TYPED_DATE_LENGTH = 20
"""The longest date a form takes as typed (no way of writing one is longer)."""

PIN_FAILED = "kiosk_pin_failed"
PIN_FREE_TRIES = 3
"""Wrong PINs a workstation may type before it has to wait (a staff member's typos)."""
PIN_FIRST_WAIT = timedelta(seconds=30)
"""The wait after the free tries; it doubles with each wrong PIN after that…"""
PIN_LONGEST_WAIT = timedelta(minutes=10)
"""…up to this. No run of wrong PINs keeps the right one out for longer: a parent typing
wrong PINs cannot lock staff in the kiosk (a lock for the window could)."""
PIN_MEMORY = timedelta(days=1)
"""Wrong PINs older than this are forgotten (a right PIN forgets them at once)."""


class WrongPin(DomainError):
    """No active staff member has that PIN."""

    recorded = True

    def __init__(self) -> None:
        super().__init__(Msg("That PIN is not right."))


class PinWait(DomainError):
    """Too many wrong PINs at this workstation: every PIN waits ``wait`` more."""

    recorded = True

    def __init__(self, wait: timedelta) -> None:
        super().__init__(Msg("Too many wrong PINs. Try again in {wait}.", wait=wait))
        self.wait = wait


def pin_wait(failures: int) -> timedelta:
    """How long a workstation waits after its ``failures``-th wrong PIN in a row."""
    if failures < PIN_FREE_TRIES:
        return timedelta(0)
    doublings = min(failures - PIN_FREE_TRIES, 16)  # 30 s × 2¹⁶ is far past the cap
    wait: timedelta = PIN_FIRST_WAIT * (1 << doublings)
    return min(wait, PIN_LONGEST_WAIT)


def pin_guesses_per_day() -> int:
    """The most PINs one workstation can try in a day, trying each as soon as it may.

    Starting fresh is the best case for a guesser (3 free tries, then 30 s, 1, 2, 4, 8 min);
    after that every try waits the full 10 minutes, as a day of failures is remembered.
    """
    tries, at = 0, timedelta(0)
    while at < PIN_MEMORY:
        tries += 1
        at += pin_wait(tries)
    return tries


PIN_YEARS_TO_COVER = 10**6 / pin_guesses_per_day() / 365.25
"""Years to try every 6-digit PIN (the shortest a new PIN may be) at one kiosk: 10⁶ PINs at
at most 150 a day is 18.3 years (1,825 for 8 digits; k kiosks at once divide it by k). PINs
set before 6 digits were required keep working, so an upgrade locks no one in the kiosk, but
10⁴ four-digit PINs take only 67 days: staff with one should set a new PIN."""


@dataclass(frozen=True)
class HumanChallenge:
    """A small sum a person answers at a glance: "What is 3 plus 4?"."""

    first: int
    second: int

    @classmethod
    def new(cls, rng: random.Random) -> HumanChallenge:
        """A fresh challenge drawn from ``rng``."""
        return cls(rng.randint(2, 9), rng.randint(1, 9))

    def question(self) -> Msg:
        """The question, to show in the parent's language."""
        return Msg("What is {a} plus {b}? Type the answer in digits.", a=self.first, b=self.second)

    def problem(
        self, *, ticked: bool, answer: str, seconds_on_form: float, min_seconds: float
    ) -> Msg | None:
        """Why the check is not passed, or ``None`` when it is."""
        if not ticked:
            return Msg("Tick the box to show you are a person.")
        if answer.strip() != str(self.first + self.second):
            return Msg("That answer is not right. Please try again.")
        if seconds_on_form < min_seconds:
            # A form filled faster than a person can read it: ask again, calmly.
            return Msg("Please check what you typed, then press the button again.")
        return None


@dataclass(frozen=True)
class HumanAnswer:
    """What a person did with a form's human check, as the form was sent."""

    challenge: HumanChallenge
    ticked: bool
    answer: str
    seconds_on_form: float
    """From the form first shown to the button pressed."""
    min_seconds: float
    """The least time a person takes to fill the form (the kiosk's setting)."""

    def problems(self) -> dict[str, Msg]:
        """Why the check is not passed, under :data:`HUMAN_FIELD` (empty when it is)."""
        problem = self.challenge.problem(
            ticked=self.ticked,
            answer=self.answer,
            seconds_on_form=self.seconds_on_form,
            min_seconds=self.min_seconds,
        )
        return {} if problem is None else {HUMAN_FIELD: problem}


# --- dates typed as text ------------------------------------------------------------------------


def date_example(language: str | None = None) -> str:
    """December 31, 2015 written the way ``language`` (default: the current one) writes the
    dates typed into forms."""
    return (
        date_input_pattern(language)
        .replace("yyyy", "2015")
        .replace("MM", "12")
        .replace("M", "12")
        .replace("dd", "31")
        .replace("d", "31")
    )


def date_problem(typed: str, language: str) -> Msg | None:
    """Why ``typed`` cannot be read as a date in ``language``, or ``None`` (empty is read:
    whether a date is required is the form's rule)."""
    if not typed.strip():
        return None
    try:
        if len(typed) > TYPED_DATE_LENGTH:
            raise ValueError("longer than any date")
        parse_date(typed, language)
    except ValueError:
        return Msg("Enter the date like this: {example}.", example=date_example(language))
    return None


def typed_date(typed: str, language: str) -> date | None:
    """The date in ``typed`` (already checked with :func:`date_problem`), ``None`` if empty."""
    return parse_date(typed, language) if typed.strip() else None


# --- the district's settings ----------------------------------------------------------------------


def settings_if_changed(
    database: Database, known_version: int
) -> tuple[int, DistrictSettings | None]:
    """The settings' version and, when it is not ``known_version``, the settings (an
    administrator changed them since the kiosk last read them); in one unit of work."""
    with database.read() as uow:
        version = settings_version(uow)
        return version, (load_settings(uow) if version != known_version else None)


# --- the staff PIN (K1) ---------------------------------------------------------------------------


def verify_staff_pin(uow: UnitOfWork, pin: str) -> str:
    """The user name of the active staff member whose kiosk PIN this is.

    Wrong PINs count against the workstation: after a few, every PIN (the right one too,
    or guessing would go on) waits a delay that doubles with each wrong PIN, at most 10
    minutes. A PIN refused for waiting is not counted, so it never makes the wait longer.
    """
    subject = f"workstation:{uow.workstation}"
    # Held to the end of the transaction: a burst of PINs typed at once is judged one by one.
    ratelimit.hold(uow, PIN_FAILED, [subject])
    failures, last = ratelimit.latest(uow, PIN_FAILED, subject, PIN_MEMORY)
    if last is not None:
        wait = last + pin_wait(failures) - uow.now()
        if wait > timedelta(0):
            record(uow, ANONYMOUS, AuditAction.RATE_LIMITED, limit="kiosk_pin")
            raise PinWait(timedelta(seconds=math.ceil(wait.total_seconds())))
    # A longer "PIN" is no one's: it is not hashed against every staff member's.
    if pin.isdigit() and len(pin) <= PIN:
        hasher = uow.runtime.hasher
        staff_with_pins = uow.session.scalars(
            select(Staff).where(Staff.active.is_(True), Staff.pin_hash.is_not(None))
        )
        for staff in staff_with_pins:
            if hasher.verify(staff.pin_hash, pin):
                ratelimit.forget(uow, PIN_FAILED, subject)
                record(uow, Actor.staff(staff), AuditAction.KIOSK_EXIT, ("staff", staff.id))
                return staff.username
    ratelimit.note(uow, PIN_FAILED, subject)
    record(uow, ANONYMOUS, AuditAction.KIOSK_EXIT_FAILED)
    raise WrongPin()


def leave_kiosk(database: Database, pin: str) -> str:
    """Staff leave kiosk mode with their PIN (:func:`verify_staff_pin`), in its own unit of
    work; the user name of whose PIN it is."""
    with database.write() as uow:
        return verify_staff_pin(uow, pin)
