"""Issue 10 §5: nothing tells an attacker who has an account.

Sign-in, forgot-password and reset codes give an address with an account and one without the
same answers at the same counts, after the same statements and the same argon2 work (the
timings are in ``bench/enumeration.py``). Sign-up must say "already exists" and "not on
record", so those answers are capped per kiosk and audited.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Callable

from sqlalchemy import func, select

from frontdesk.db.engine import Database
from frontdesk.db.models import (
    Attempt,
    AuditEvent,
    OutboxMail,
    ParentAccount,
    PasswordReset,
    Staff,
    StaffRole,
)
from frontdesk.db.uow import UnitOfWork
from frontdesk.district_settings import RateLimits
from frontdesk.services.audit import Actor, AuditAction
from frontdesk.services.district import load_settings
from frontdesk.services.password_reset import redeem_code, request_reset
from frontdesk.services.ratelimit import AttemptKind
from frontdesk.services.registration import create_parent_account
from frontdesk.services.settings_file import export_settings, import_settings
from frontdesk.services.signin import parent_subject, sign_in_parent, sign_in_staff
from tests.conftest import FakeClock
from tests.factories import (
    PASSWORD,
    STAFF_PASSWORD,
    account_form,
    change_settings,
    register,
    small_roster,
    staff_member,
)
from tests.security.helpers import WatchingHasher, answer, at_once, statements

KNOWN = "maria@example.org"
UNKNOWN = "nobody@example.org"
WRONG = "not the password at all"
FAILED = "SignInFailed: The user name or password is not right."
LOCKED = (
    "AccountLocked: This account is locked after too many failed sign-ins. "
    "Please contact the school."
)


def parent_tries(email: str, password: str = WRONG) -> Callable[[UnitOfWork], object]:
    return lambda uow: sign_in_parent(uow, email, password)


# --- sign-in -----------------------------------------------------------------------------------


def test_known_and_unknown_addresses_are_locked_at_the_same_count_and_stay_locked(
    database: Database, clock: FakeClock
) -> None:
    register(database)
    for email in (KNOWN, UNKNOWN):
        said = [answer(database, parent_tries(email)) for _ in range(7)]
        assert said == [FAILED] * 4 + [LOCKED] * 3, email
    # Counted per address as typed, after the same trimming and lower-casing as an account's.
    assert answer(database, parent_tries(" NoBody@Example.org ")) == LOCKED
    clock.advance(hours=5)  # long past the counting window: a lock lasts until lifted
    assert answer(database, parent_tries(KNOWN, PASSWORD)) == LOCKED
    assert answer(database, parent_tries(UNKNOWN)) == LOCKED


def test_known_unknown_and_disabled_staff_get_the_same_answers(database: Database) -> None:
    staff_member(database, "carmen", StaffRole.SUPPORT, [])
    staff_member(database, "gone", StaffRole.SUPPORT, [])
    with database.write() as uow:
        uow.session.scalars(select(Staff).where(Staff.username == "gone")).one().active = False
    answers = {
        name: [answer(database, lambda uow, n=name: sign_in_staff(uow, n, WRONG)) for _ in range(6)]
        for name in ("carmen", "gone", "nobody")
    }
    assert answers["carmen"] == answers["gone"] == answers["nobody"] == [FAILED] * 4 + [LOCKED] * 2
    assert answer(database, lambda uow: sign_in_staff(uow, "carmen", STAFF_PASSWORD)) == LOCKED


def test_sign_in_sends_the_same_statements_and_one_hash_known_or_not(database: Database) -> None:
    register(database)
    staff_member(database, "carmen", StaffRole.SUPPORT, [])
    hasher = WatchingHasher()
    database.runtime.hasher = hasher
    answer(database, parent_tries("warm-up@example.org"))  # the settings are read once
    calls: dict[str, Callable[[str], Callable[[UnitOfWork], object]]] = {
        "parent": lambda typed: parent_tries(typed),
        "staff": lambda typed: lambda uow: sign_in_staff(uow, typed, WRONG),
    }
    for who, (known, unknown) in {"parent": (KNOWN, UNKNOWN), "staff": ("carmen", "x")}.items():
        for attempt in range(7):  # failures, the one that locks, and locked ones
            work = []
            for typed in (known, unknown):
                hasher.lengths.clear()
                with statements(database) as seen:
                    answer(database, calls[who](typed))
                work.append((dict(seen), len(hasher.lengths)))
            assert work[0] == work[1], (who, attempt)
            assert work[0][1] == 1  # one argon2 verify, a decoy's for the unknown


def test_a_password_over_128_characters_is_never_hashed_and_counts_as_wrong(
    database: Database,
) -> None:
    register(database)
    hasher = WatchingHasher()
    database.runtime.hasher = hasher
    long_ones = ["x" * 129, "é" * 129, PASSWORD * 5, "a" * 10_000_000, "\x00" * 200]
    for email in (KNOWN, UNKNOWN):
        said = [answer(database, parent_tries(email, password)) for password in long_ones]
        assert said == [FAILED] * 4 + [LOCKED]
    # Each try cost one check, as any wrong password does, of the short stand-in: none of the
    # long ones went through argon2.
    assert hasher.lengths and set(hasher.lengths) == {0}


def test_a_long_decomposed_password_of_at_most_128_characters_still_signs_in(
    database: Database,
) -> None:
    # Vietnamese typed with combining marks: 141 code points, 103 characters once normalised.
    decomposed = unicodedata.normalize(
        "NFD",
        "Những đứa trẻ học ở trường Lê Lợi thích ăn phở bò và uống trà đá mỗi buổi sáng sớm, "
        "rồi về nhà đọc sách",
    )
    assert len(decomposed) > 128
    register(database, email="ana@example.org", password=decomposed, password_confirm=decomposed)
    assert answer(database, parent_tries("ana@example.org", decomposed)) == "ok"


def test_guesses_at_one_address_at_the_same_instant_stop_at_the_limit(database: Database) -> None:
    register(database)
    for email in (KNOWN, UNKNOWN):
        said = at_once(database, parent_tries(email), threads=10)
        assert Counter(said) == {FAILED: 4, LOCKED: 6}, email
        with database.read() as uow:
            failures = uow.session.scalar(
                select(func.count())
                .select_from(Attempt)
                .where(
                    Attempt.kind == AttemptKind.SIGNIN_FAILED,
                    Attempt.subject == parent_subject(uow, email),
                )
            )
        assert failures == 5


def test_an_address_guessed_before_it_had_an_account_is_not_locked_once_made(
    database: Database,
) -> None:
    for _ in range(5):
        answer(database, parent_tries(KNOWN))
    assert answer(database, parent_tries(KNOWN)) == LOCKED
    register(database)
    assert answer(database, parent_tries(KNOWN, PASSWORD)) == "ok"


# --- forgot password ---------------------------------------------------------------------------


def test_reset_requests_answer_and_work_the_same_known_or_not(database: Database) -> None:
    register(database)
    answer(database, lambda uow: request_reset(uow, "warm-up@example.org", "en"))
    for attempt in range(4):  # three mails, then the per-address limit
        seen_by = []
        for email in (KNOWN, UNKNOWN):
            with statements(database) as seen:
                said = answer(database, lambda uow, e=email: request_reset(uow, e, "en"))
            seen_by.append((said, dict(seen)))
        assert seen_by[0] == seen_by[1], attempt
    with database.read() as uow:
        assert uow.session.scalars(select(OutboxMail.to_address)).all() == [KNOWN] * 3
        assert uow.session.scalar(select(func.count()).select_from(PasswordReset)) == 3


def test_wrong_reset_codes_answer_and_work_the_same_known_or_not(database: Database) -> None:
    register(database)
    for email in (KNOWN, UNKNOWN, "warm-up@example.org"):
        answer(database, lambda uow, e=email: request_reset(uow, e, "en"))
    answer(database, lambda uow: redeem_code(uow, "warm-up@example.org", "0000-0000"))
    for attempt in range(7):  # wrong, the one that kills the reset, and after
        seen_by = []
        for email in (KNOWN, UNKNOWN):
            with statements(database) as seen:
                said = answer(database, lambda uow, e=email: redeem_code(uow, e, "0000-0000"))
            seen_by.append((said, dict(seen)))
        assert seen_by[0] == seen_by[1], attempt
        assert seen_by[0][0].startswith("ResetCodeWrong" if attempt < 4 else "ResetTooMany")


# --- sign-up -----------------------------------------------------------------------------------


def sign_up(email: str) -> Callable[[UnitOfWork], object]:
    return lambda uow: create_parent_account(uow, account_form(email=email))


def test_sign_up_answers_that_tell_an_address_are_capped_per_kiosk_and_audited(
    database: Database, clock: FakeClock
) -> None:
    small_roster(database)
    change_settings(
        database,
        email_must_be_on_record=True,
        rate_limits=RateLimits(email_answers_per_workstation=3),
    )
    register(database)  # maria is on record
    said = [answer(database, sign_up(e)) for e in (KNOWN, "stranger@example.org", KNOWN, KNOWN)]
    assert said[0] == said[2] and said[0].startswith("EmailAlreadyRegistered")
    assert said[1].startswith("EmailNotOnRecord")
    paused = said[3]
    assert paused.startswith("SignUpPaused") and "front office" in paused
    change_settings(database, email_must_be_on_record=False)
    assert answer(database, sign_up("ana@example.org")) == paused  # every sign-up waits
    with database.read() as uow:
        assert uow.session.scalar(select(func.count()).select_from(ParentAccount)) == 1
        rows = uow.session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == AuditAction.PARENT_REGISTER_EMAIL_KNOWN.value
            )
        ).all()
    assert [row.details["answer"] for row in rows] == [
        "already_exists",
        "not_on_record",
        "already_exists",
    ]
    assert all(row.workstation == "kiosk-1" for row in rows)
    assert "@" not in str([row.details for row in rows])
    assert rows[0].details["address"] == rows[2].details["address"]  # a digest, the same

    database.runtime.workstation = "kiosk-2"  # another kiosk is not paused
    assert answer(database, sign_up("ana@example.org")) == "ok"
    database.runtime.workstation = "kiosk-1"
    clock.advance(minutes=61)  # nor is this one after the window
    assert answer(database, sign_up(KNOWN)).startswith("EmailAlreadyRegistered")


def test_sign_up_answers_given_at_the_same_instant_stop_at_the_cap(database: Database) -> None:
    change_settings(database, rate_limits=RateLimits(email_answers_per_workstation=3))
    register(database)
    said = at_once(database, sign_up(KNOWN), threads=8)
    kinds = Counter(line.split(":")[0] for line in said)
    assert kinds == {"EmailAlreadyRegistered": 3, "SignUpPaused": 5}


def test_the_cap_is_exported_and_imported_with_the_other_limits(database: Database) -> None:
    with database.read() as uow:
        text = export_settings(uow)
    assert "email_answers_per_workstation = 10" in text
    with database.write() as uow:
        changed = text.replace(
            "email_answers_per_workstation = 10", "email_answers_per_workstation = 4"
        )
        import_settings(uow, Actor.system("test"), changed)
    with database.read() as uow:
        assert load_settings(uow).rate_limits.email_answers_per_workstation == 4
