"""What the kiosk itself needs: the human check before a form is sent (R7) and the staff PIN
that leaves kiosk mode (K1).

No check in a terminal stops a determined script; the human check only slows a careless one
down. The rate limits in the services (accounts per kiosk, failed links per parent, student
and kiosk) are what holds.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from frontdesk.db.models import Staff
from frontdesk.db.uow import UnitOfWork
from frontdesk.errors import DomainError, RateLimited
from frontdesk.i18n import Msg
from frontdesk.services import ratelimit
from frontdesk.services.audit import ANONYMOUS, Actor, AuditAction, record
from frontdesk.text import PIN

PIN_FAILED = "kiosk_pin_failed"
PIN_FAILURES_ALLOWED = 5


class WrongPin(DomainError):
    """No active staff member has that PIN."""

    recorded = True

    def __init__(self) -> None:
        super().__init__(Msg("That PIN is not right."))


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


def verify_staff_pin(uow: UnitOfWork, pin: str) -> str:
    """The user name of the active staff member whose kiosk PIN this is.

    Failures count against the workstation; past the limit even a right PIN is refused for
    the rest of the window, so a parent cannot try every PIN.
    """
    subject = f"workstation:{uow.workstation}"
    window = timedelta(minutes=uow.settings.rate_limits.window_minutes)
    if ratelimit.recent(uow, PIN_FAILED, subject, window) >= PIN_FAILURES_ALLOWED:
        record(uow, ANONYMOUS, AuditAction.RATE_LIMITED, limit="kiosk_pin")
        raise RateLimited()
    # A longer "PIN" is no one's: it is not hashed against every staff member's.
    if pin.isdigit() and len(pin) <= PIN:
        hasher = uow.runtime.hasher
        staff_with_pins = uow.session.scalars(
            select(Staff).where(Staff.active.is_(True), Staff.pin_hash.is_not(None))
        )
        for staff in staff_with_pins:
            if hasher.verify(staff.pin_hash, pin):
                record(uow, Actor.staff(staff), AuditAction.KIOSK_EXIT, ("staff", staff.id))
                return staff.username
    ratelimit.note(uow, PIN_FAILED, subject)
    record(uow, ANONYMOUS, AuditAction.KIOSK_EXIT_FAILED)
    raise WrongPin()
