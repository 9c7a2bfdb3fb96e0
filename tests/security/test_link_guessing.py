"""Issue 10 §1: guessing a child's identifiers is capped, whatever the race and the settings.

Bursts run on real threads against the real database of each backend: the limit holds only if
counting the attempts and recording the next one are one step.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from itertools import combinations
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select

from frontdesk.db.engine import Database
from frontdesk.db.models import Attempt, AuditEvent, StaffRole
from frontdesk.district_settings import DistrictSettings, Identifier, RateLimits, settings_problems
from frontdesk.errors import RateLimited, StudentNotMatched
from frontdesk.security import HashParameters, PasswordHasher
from frontdesk.services.linking import ChildIdentifiers, LinkedStudent, request_link
from frontdesk.services.review import open_request
from frontdesk.services.sessions import ParentSession
from frontdesk.services.settings_file import export_settings, parse_settings
from frontdesk.services.support import StaffReason, unlock_parent
from tests.factories import JOSE, LUKASZ, change_settings, register, small_roster, staff_member

LIMITS = RateLimits()
WRONG_SSN = JOSE.model_copy(update={"ssn_last4": "0000"})
NOBODY = ChildIdentifiers(
    first_name="Zed",
    last_name="Nobody",
    student_id="1999999",
    birthdate=date(2014, 9, 9),
    ssn_last4="0000",
)
"""A child no school has: every attempt at it is a miss."""


@pytest.fixture(scope="session")
def hasher() -> PasswordHasher:
    """Cheap hashes: these tests make many accounts and never measure a sign-in."""
    return PasswordHasher(HashParameters(memory_kib=64, iterations=1))


def accounts(database: Database, n: int, prefix: str = "g") -> list[ParentSession]:
    return [register(database, email=f"{prefix}{i}@example.org") for i in range(n)]


def attempt(database: Database, parent: ParentSession, given: ChildIdentifiers) -> str:
    """What the parent is told: ``linked``, ``missed`` or ``limited``.

    Only the identifiers the district asks for are sent, as the kiosk's form does."""
    try:
        with database.write() as uow:
            asked = {i.value for i in uow.settings.identifiers_asked()}
            form = ChildIdentifiers(**given.model_dump(include=asked))
            request_link(uow, parent, form)
    except StudentNotMatched:
        return "missed"
    except RateLimited:
        return "limited"
    return "linked"


def burst(database: Database, tries: list[tuple[ParentSession, ChildIdentifiers]]) -> Counter[str]:
    """All ``tries`` at the same instant, one thread each; how many got each answer."""
    start = threading.Barrier(len(tries))
    answers: list[str] = []

    def one(parent: ParentSession, given: ChildIdentifiers) -> None:
        start.wait()
        try:
            answers.append(attempt(database, parent, given))
        except Exception as error:  # any other outcome fails the test, named
            answers.append(repr(error))

    threads = [threading.Thread(target=one, args=t) for t in tries]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(answers) == len(tries)
    return Counter(answers)


def attempt_rows(database: Database) -> dict[str, int]:
    with database.read() as uow:
        rows = uow.session.execute(
            select(Attempt.subject, func.count())
            .where(Attempt.kind == "link_failed")
            .group_by(Attempt.subject)
        )
        return {subject: n for subject, n in rows}


def limited_events(database: Database) -> list[dict[str, Any]]:
    with database.read() as uow:
        return [
            e.details
            for e in uow.session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action == "rate_limited")
                .order_by(AuditEvent.id)
            )
        ]


# --- 1. bursts ---------------------------------------------------------------------------------


def test_twenty_accounts_guessing_one_student_at_once_get_the_limit_through(
    database: Database, clock: Any
) -> None:
    small_roster(database)
    parents = accounts(database, 20)
    answers = burst(database, [(p, WRONG_SSN) for p in parents])
    assert answers == {"missed": LIMITS.link_failures_per_student, "limited": 15}
    student = {s: n for s, n in attempt_rows(database).items() if s.startswith("student:")}
    assert set(student.values()) == {LIMITS.link_failures_per_student}
    # Hour after hour the bursts go on; the day's limit stops them too.
    through = LIMITS.link_failures_per_student
    for _ in range(4):
        clock.advance(minutes=61)
        through += burst(database, [(p, WRONG_SSN) for p in parents])["missed"]
    assert through == LIMITS.link_failures_per_student_per_day


def test_twenty_threads_of_one_account_guessing_one_student_get_the_limit_through(
    database: Database,
) -> None:
    small_roster(database)
    (parent,) = accounts(database, 1)
    answers = burst(database, [(parent, WRONG_SSN)] * 20)
    assert answers == {"missed": 5, "limited": 15}


def test_a_burst_from_one_account_at_many_students_gets_the_parents_limit_through(
    database: Database,
) -> None:
    small_roster(database)
    (parent,) = accounts(database, 1)
    others = [
        NOBODY.model_copy(update={"student_id": f"19{i:05d}", "last_name": f"Nobody {i}"})
        for i in range(20)
    ]
    answers = burst(database, [(parent, given) for given in others])
    assert answers == {"missed": LIMITS.link_failures_per_parent, "limited": 15}
    assert {e["limit"] for e in limited_events(database)} == {"link_failures_per_parent"}


# --- 2. every combination of identifiers ----------------------------------------------------


def _identifier_sets() -> Iterator[tuple[frozenset[Identifier], bool]]:
    """Every setting of the identifiers a district may choose, one per set asked."""
    seen: set[tuple[Identifier, ...]] = set()
    for size in range(1, len(Identifier) + 1):
        for required in combinations(Identifier, size):
            for force in (False, True):
                try:
                    settings = DistrictSettings(
                        required_identifiers=set(required), force_name_entry=force
                    )
                except ValidationError:
                    continue
                asked = tuple(settings.identifiers_asked())
                if asked not in seen:
                    seen.add(asked)
                    yield frozenset(required), force


def _wrong(identifier: Identifier, k: int) -> dict[str, Any]:
    """The ``k``-th wrong value of one identifier of José's."""
    assert JOSE.birthdate is not None
    return {
        Identifier.FIRST_NAME: {"first_name": ["Ana", "Bea", "Cleo", "Dora", "Eva"][k]},
        Identifier.LAST_NAME: {"last_name": ["Abel", "Berg", "Cruz", "Diaz", "Eng"][k]},
        Identifier.STUDENT_ID: {"student_id": f"19000{k:02d}"},
        Identifier.BIRTHDATE: {"birthdate": JOSE.birthdate + timedelta(days=k + 1)},
        Identifier.SSN_LAST4: {"ssn_last4": f"{k:04d}"},
    }[identifier]


@pytest.mark.parametrize(
    ("required", "force"),
    list(_identifier_sets()),
    ids=lambda v: "+".join(sorted(i.value for i in v)) if isinstance(v, frozenset) else str(v),
)
def test_guessing_any_identifier_of_one_student_is_capped_whatever_the_district_asks(
    database: Database, clock: Any, required: frozenset[Identifier], force: bool
) -> None:
    small_roster(database)
    settings = change_settings(database, required_identifiers=set(required), force_name_entry=force)
    guessers = accounts(database, 6)
    for guessed in settings.identifiers_asked():
        # Five accounts each guess it once, knowing the rest: then even the right answer is
        # refused, from any account, until the window passes.
        for k, parent in enumerate(guessers[:5]):
            wrong = JOSE.model_copy(update=_wrong(guessed, k))
            assert attempt(database, parent, wrong) == "missed", guessed
        assert attempt(database, guessers[5], JOSE) == "limited", guessed
        assert limited_events(database)[-1]["counted_by"] == "student"
        clock.advance(days=1, minutes=1)


def test_every_spelling_of_one_child_counts_together(database: Database) -> None:
    small_roster(database)
    change_settings(
        database,
        required_identifiers={Identifier.BIRTHDATE, Identifier.SSN_LAST4},
        force_name_entry=True,
    )
    spellings = [
        ("José", "O'Brien-Nguyễn"),
        ("JOSE", "OBRIEN NGUYEN"),
        ("O'Brien-Nguyễn", "José"),  # the fields swapped
        ("Jose\u0301", "O Brien-Nguyen"),
        ("jose o’brien", "nguyen"),  # the words split otherwise between the fields
    ]
    for (first, last), parent in zip(spellings, accounts(database, 5), strict=True):
        typed = WRONG_SSN.model_copy(update={"first_name": first, "last_name": last})
        assert attempt(database, parent, typed) == "missed"
    assert attempt(database, register(database, email="late@example.org"), JOSE) == "limited"


def test_every_order_of_a_childs_name_counts_together_while_the_rest_is_guessed(
    database: Database,
) -> None:
    """A name is read in either order (``names.full_name_matches``): a guesser who varies the
    birthdate and writes the name each time another way still names one child."""
    small_roster(database)
    change_settings(
        database,
        required_identifiers={Identifier.BIRTHDATE, Identifier.SSN_LAST4},
        force_name_entry=True,
    )
    spellings = [
        ("José", "O'Brien-Nguyễn"),
        ("O'Brien-Nguyễn", "José"),  # the fields swapped
        ("jose o'brien", "nguyen"),  # the words split otherwise between the fields
        ("NGUYEN", "JOSE OBRIEN"),
        ("Jose\u0301", "O Brien Nguye\u0302\u0303n"),  # decomposed
    ]
    for k, ((first, last), parent) in enumerate(zip(spellings, accounts(database, 5), strict=True)):
        born = JOSE.birthdate + timedelta(days=k + 1)
        typed = JOSE.model_copy(update={"first_name": first, "last_name": last, "birthdate": born})
        assert attempt(database, parent, typed) == "missed"
    assert attempt(database, register(database, email="late@example.org"), JOSE) == "limited"
    assert limited_events(database)[-1]["counted_by"] == "student"


def test_the_answers_say_nothing_of_whether_the_child_is_enrolled(database: Database) -> None:
    """The same typing gets the same answers and the same counting for an enrolled child and
    for one no school has, even when a guesser first wears out one subject and then probes
    the others (an answer that changed with the right birthdate would give it away)."""
    small_roster(database)
    change_settings(
        database,
        required_identifiers={Identifier.BIRTHDATE, Identifier.SSN_LAST4},
        force_name_entry=True,
    )
    heard: dict[str, list[str]] = {}
    rows: dict[str, list[int]] = {}
    for name, child in (("enrolled", JOSE), ("nobody", NOBODY)):
        assert child.birthdate is not None
        before = attempt_rows(database)
        typed = [  # five wrong birthdates, then the child's own, then another wrong one
            child.model_copy(
                update={"ssn_last4": "0000", "birthdate": child.birthdate + timedelta(days=k)}
            )
            for k in (1, 2, 3, 4, 5, 0, 6)
        ]
        parents = accounts(database, len(typed), prefix=name)
        heard[name] = [attempt(database, p, t) for p, t in zip(parents, typed, strict=True)]
        after = attempt_rows(database)
        rows[name] = sorted(n - before.get(s, 0) for s, n in after.items() if n > before.get(s, 0))
    assert heard["enrolled"] == heard["nobody"] == ["missed"] * 5 + ["limited"] * 2
    assert rows["enrolled"] == rows["nobody"]


# --- 3. the patient guesser -----------------------------------------------------------------


def test_a_day_admits_at_most_the_daily_limit_against_one_student(
    database: Database, clock: Any
) -> None:
    small_roster(database)
    parents = accounts(database, 5)
    heard: Counter[str] = Counter()
    for _ in range(24):  # every hour, as many tries as the hourly limits let through
        heard.update(attempt(database, p, WRONG_SSN) for p in parents)
        clock.advance(minutes=60)
    assert heard["missed"] == LIMITS.link_failures_per_student_per_day
    assert {e["limit"] for e in limited_events(database)} == {"link_failures_per_student_per_day"}
    clock.advance(minutes=1)
    assert attempt(database, parents[0], WRONG_SSN) == "missed"


def test_the_default_limits_keep_a_childs_ssn_digits_out_of_reach_for_two_years() -> None:
    assert LIMITS.link_guess_years() >= 2
    assert RateLimits(link_failures_per_student_per_day=100).link_guess_years() < 2


def test_neither_a_success_nor_an_unlock_resets_the_counts(database: Database) -> None:
    small_roster(database)
    (parent,) = accounts(database, 1)
    for _ in range(4):
        assert attempt(database, parent, WRONG_SSN) == "missed"
    assert attempt(database, parent, LUKASZ) == "linked"
    support = staff_member(database, "help", StaffRole.SUPPORT, [])
    with database.write() as uow:
        unlock_parent(uow, support, parent.parent_id, StaffReason(reason="called the desk"))
    assert attempt(database, parent, WRONG_SSN) == "missed"
    assert attempt(database, parent, WRONG_SSN) == "limited"
    other = register(database, email="other@example.org")
    assert attempt(database, other, JOSE) == "limited"  # José's own count stands too


def test_the_daily_limit_is_a_setting_checked_and_kept_in_the_settings_file(
    database: Database,
) -> None:
    with pytest.raises(ValidationError) as caught:
        DistrictSettings.model_validate({"rate_limits": {"link_failures_per_student_per_day": 0}})
    problems = settings_problems(caught.value)
    assert str(problems["rate_limits.link_failures_per_student_per_day"]) == "At least 1."
    change_settings(database, rate_limits=RateLimits(link_failures_per_student_per_day=7))
    with database.read() as uow:
        text = export_settings(uow)
    assert "link_failures_per_student_per_day = 7" in text
    edited = text.replace(
        "link_failures_per_student_per_day = 7", "link_failures_per_student_per_day = 9"
    )
    assert parse_settings(edited).rate_limits.link_failures_per_student_per_day == 9


# --- 5. what the parent, the audit trail and the clerk see ---------------------------------


def test_a_limited_parent_is_sent_to_the_front_office_and_the_clerk_sees_the_guessing(
    database: Database, clock: Any
) -> None:
    small_roster(database)
    guessers = accounts(database, 5)
    for parent in guessers:
        assert attempt(database, parent, WRONG_SSN) == "missed"
    maria = register(database, email="maria@example.org")
    with pytest.raises(RateLimited) as caught, database.write() as uow:
        request_link(uow, maria, JOSE)
    assert str(caught.value.message) == "Too many attempts. Please see the front office for help."
    (event,) = limited_events(database)
    assert event == {
        "limit": "link_failures_per_student",
        "counted_by": "student",
        "window_minutes": 60,
    }
    # Later María types his birthdate wrong once, then links him; the clerk sees both.
    clock.advance(minutes=61)
    assert JOSE.birthdate is not None
    typo = JOSE.model_copy(update={"birthdate": JOSE.birthdate + timedelta(days=1)})
    assert attempt(database, maria, typo) == "missed"
    with database.write() as uow:
        linked: LinkedStudent = request_link(uow, maria, JOSE)
    clerk = staff_member(database, "desk", StaffRole.CLERK, ["0101"])
    with database.write() as uow:
        view = open_request(uow, clerk, maria.parent_id)
    (child,) = view.children
    assert child.link_id == linked.link_id
    assert (child.failed_attempts, child.failed_attempts_day) == (6, 6)
    assert (view.failed_link_attempts, view.rate_limit_hits) == (1, 1)
    clock.advance(days=1)
    with database.write() as uow:
        child = open_request(uow, clerk, maria.parent_id).children[0]
    assert (child.failed_attempts, child.failed_attempts_day) == (6, 0)


def test_nothing_typed_is_kept_with_the_attempts_or_the_audit_trail(database: Database) -> None:
    small_roster(database)
    for parent in accounts(database, 6):
        attempt(database, parent, WRONG_SSN)
    with database.read() as uow:
        kept = " ".join(uow.session.scalars(select(Attempt.subject))).casefold()
        kept += str(limited_events(database)).casefold()
    assert JOSE.ssn_last4 not in kept and "0000" not in kept
    for typed in ("1000001", "jose", "obrien", "nguyen", "2016-04-02"):
        assert typed not in kept
