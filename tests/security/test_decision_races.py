"""Issue 10 §3: two staff deciding for one account at the same instant never deadlock and never
contradict each other, on SQLite and PostgreSQL (the races: tests/security/decision_races.py).

The test runs 6 races of each of the 8 pairs on each backend, enough to catch the old code
every time (it deadlocked in two races out of three on PostgreSQL and contradicted itself in
most of some pairs); ``python -m bench --only decisions`` runs 200 on each.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from sqlalchemy import select

from frontdesk.db.engine import Database
from frontdesk.db.models import ParentAccount
from frontdesk.db.uow import UnitOfWork
from tests.factories import register, small_roster
from tests.security.decision_races import hire_desk, run_races

RACES_PER_PAIR = 6


def test_two_decisions_at_once_never_deadlock_nor_contradict(database: Database) -> None:
    report = run_races(database, small_roster(database), hire_desk(database), RACES_PER_PAIR)
    assert not report.problems, report.summary()
    assert report.outcomes["won"] >= report.races


def test_a_deadlock_victim_is_run_again_not_shown(database: Database) -> None:
    """The safety net (``Database.transact``): two transactions taking two accounts in
    opposite orders deadlock on PostgreSQL; the one PostgreSQL aborts is run again and both
    go through. (SQLite runs one writer at a time and cannot deadlock.)"""
    if database.is_sqlite:
        pytest.skip("SQLite runs one write transaction at a time")
    ids = [register(database, email=f"p{i}@example.org").parent_id for i in range(2)]
    both_hold_one = threading.Barrier(2, timeout=10)
    runs: list[str] = []
    errors: list[BaseException] = []

    def take(first: int, second: int) -> Callable[[UnitOfWork], None]:
        def work(uow: UnitOfWork) -> None:
            runs.append(f"{first}>{second}")
            lock = select(ParentAccount).with_for_update()
            uow.session.scalars(lock.where(ParentAccount.id == first)).one()
            if runs.count(f"{first}>{second}") == 1:
                both_hold_one.wait()
            uow.session.scalars(lock.where(ParentAccount.id == second)).one()

        return work

    def run(work: Callable[[UnitOfWork], None]) -> None:
        try:
            database.transact(work)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run, args=(take(*order),)) for order in (ids, ids[::-1])]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(runs) == 3  # one of the two ran twice
