"""L1 under concurrent use: bursts on real threads against each backend's real database (on
PostgreSQL they truly overlap). Wrong letter codes are capped per account and per workstation
however many arrive at once; one code links one account however many try it at once; two
letters issued for one guardian at once leave one that works."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from frontdesk.db.engine import Database
from frontdesk.db.models import Attempt, LetterCode, StudentLink
from frontdesk.district_settings import RateLimits
from frontdesk.errors import DomainError
from frontdesk.security import HashParameters, PasswordHasher
from frontdesk.services.letter_codes import (
    LetterState,
    new_code,
)
from frontdesk.services.letter_redemption import redeem_letter
from frontdesk.services.letters import (
    issue_letter,
    student_letters,
)
from frontdesk.services.sessions import ParentSession
from tests.factories import register
from tests.letters import Desk, codes_in, make_desk

LIMITS = RateLimits()


@pytest.fixture(scope="session")
def hasher() -> PasswordHasher:
    """Cheap hashes: these tests make accounts and never measure a sign-in."""
    return PasswordHasher(HashParameters(memory_kib=64, iterations=1))


@pytest.fixture
def desk(database: Database, tmp_path: Path) -> Desk:
    return make_desk(database, tmp_path)


def burst(calls: list[Callable[[], object]]) -> Counter[str]:
    """All ``calls`` at the same instant, one thread each; what each was answered (the name
    of the domain error, or ``ok``)."""
    start = threading.Barrier(len(calls))
    answers: list[str] = []

    def one(call: Callable[[], object]) -> None:
        start.wait()
        try:
            call()
            answers.append("ok")
        except DomainError as error:
            answers.append(type(error).__name__)
        except Exception as error:  # any other outcome fails the test, named
            answers.append(repr(error))

    threads = [threading.Thread(target=one, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(answers) == len(calls)
    return Counter(answers)


def wrong_code(database: Database, parent: ParentSession) -> Callable[[], object]:
    return lambda: redeem_letter(database, parent, new_code())


def failed_attempts(database: Database) -> dict[str, int]:
    with database.read() as uow:
        rows = uow.session.execute(
            select(Attempt.subject, func.count())
            .where(Attempt.kind == "link_failed")
            .group_by(Attempt.subject)
        )
        return {subject: n for subject, n in rows}


def test_a_burst_of_wrong_codes_from_one_account_gets_the_limit_through(
    database: Database, desk: Desk
) -> None:
    parent = register(database)
    answers = burst([wrong_code(database, parent) for _ in range(20)])
    most = LIMITS.link_failures_per_parent
    assert answers == {"LetterCodeUnknown": most, "RateLimited": 20 - most}
    assert failed_attempts(database)[f"parent:{parent.parent_id}"] == most


def test_a_burst_of_wrong_codes_from_one_workstation_gets_its_limit_through(
    database: Database, desk: Desk
) -> None:
    parents = [register(database, email=f"p{i}@example.org") for i in range(12)]
    # Each account guesses within its own limit; together they pass the workstation's.
    calls = [wrong_code(database, p) for p in parents for _ in range(4)]
    answers = burst(calls)
    most = LIMITS.link_failures_per_workstation
    assert answers == {"LetterCodeUnknown": most, "RateLimited": len(calls) - most}
    assert failed_attempts(database)["workstation:kiosk-1"] == most


def test_one_code_tried_by_many_accounts_at_once_links_one(database: Database, desk: Desk) -> None:
    code = desk.issue(database, desk.maria_jose)
    parents = [register(database, email=f"p{i}@example.org") for i in range(8)]
    answers = burst([lambda p=p: redeem_letter(database, p, code) for p in parents])
    assert answers == {"ok": 1, "LetterCodeUsed": 7}
    with database.read() as uow:
        assert uow.session.scalar(select(func.count()).select_from(StudentLink)) == 1


def test_letters_issued_at_once_for_one_guardian_leave_one_that_works(
    database: Database, desk: Desk
) -> None:
    outs = [desk.folder / f"l{i}.pdf" for i in range(6)]
    answers = burst(
        [lambda out=out: issue_letter(database, desk.clerk, desk.maria_jose, out) for out in outs]
    )
    assert answers == {"ok": 6}
    letters = student_letters(database, desk.clerk, desk.roster.students["jose"]).guardians[0]
    states = Counter(lt.state for lt in letters.letters)
    assert states == {LetterState.ACTIVE: 1, LetterState.REPLACED: 5}
    assert letters.current is not None
    # Only the newest page's code works; every other page's is replaced.
    tries = [
        (register(database, email=f"{out.stem}@example.org"), codes_in(out)[0]) for out in outs
    ]
    answers = burst([lambda p=p, c=c: redeem_letter(database, p, c) for p, c in tries])
    assert answers == {"ok": 1, "LetterCodeReplaced": 5}
    with database.read() as uow:
        used = select(func.count()).where(LetterCode.used_at.is_not(None))
        assert uow.session.scalar(used) == 1
