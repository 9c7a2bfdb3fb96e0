"""Issue 10 §1's figures: how long the link limits hold a guesser off, and whether a wrong
try at an enrolled child takes as long as one at a child no school has.

Runs in seconds without the demo district (``python -m bench --only guards``):

* ``link_guess_years_ssn4``: the least time to try every last-4 SSN of one student, from
  the limits of the district's settings file named by ``FRONTDESK_BENCH_SETTINGS`` (a
  ``frontdesk settings export``), else from the defaults; ``..._default`` always from the
  defaults.
* ``link_miss_{backend}_{enrolled,unknown}_median`` and their difference: one failed child
  link (the whole transaction, committed) naming an enrolled child with wrong SSN digits,
  and naming a child no school has; on SQLite and, when reachable, on PostgreSQL
  (a schema of its own on ``FRONTDESK_TEST_POSTGRES_URL``).
"""

from __future__ import annotations

import os
import time
from datetime import date, timedelta
from pathlib import Path

from bench.context import BenchContext, bench_parent, median, postgres_reachable, postgres_schema
from frontdesk.db.engine import Database, Runtime, open_database
from frontdesk.db.models import School, Student
from frontdesk.district_settings import RateLimits
from frontdesk.errors import StudentNotMatched
from frontdesk.names import search_key
from frontdesk.security import HashParameters, Keyring, PasswordHasher
from frontdesk.services.audit import Actor
from frontdesk.services.district import save_settings
from frontdesk.services.linking import ChildIdentifiers, request_link
from frontdesk.services.sessions import ParentSession
from frontdesk.services.settings_file import parse_settings

STUDENTS = 2_000
RUNS = 200
BORN = date(2015, 1, 1)


def run(ctx: BenchContext) -> None:
    configured = os.environ.get("FRONTDESK_BENCH_SETTINGS")
    limits = (
        parse_settings(Path(configured).read_text(encoding="utf-8")).rate_limits
        if configured
        else RateLimits()
    )
    ctx.report("link_guess_years_ssn4", limits.link_guess_years(), "years")
    ctx.report("link_guess_years_ssn4_default", RateLimits().link_guess_years(), "years")

    sqlite_file = ctx.workdir / "guards.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{sqlite_file}{suffix}").unlink(missing_ok=True)
    _misses(ctx, "sqlite", f"sqlite:///{sqlite_file}")

    if postgres_reachable():  # else the SQLite figures stand alone
        with postgres_schema("guards") as url:
            _misses(ctx, "postgresql", url)


def _misses(ctx: BenchContext, backend: str, url: str) -> None:
    runtime = Runtime(
        Keyring(b"g" * 32),
        hasher=PasswordHasher(HashParameters(memory_kib=64, iterations=1)),
        workstation="bench",
    )
    database = open_database(url, runtime)
    try:
        parent = _district(database)
        enrolled = [_child(n, wrong_digits=True) for n in range(RUNS)]
        unknown = [_child(STUDENTS + n, wrong_digits=True) for n in range(RUNS)]
        times: dict[str, list[float]] = {"enrolled": [], "unknown": []}
        # Alternated, so both see the same load from whatever else runs on the machine.
        for pair in zip(enrolled, unknown, strict=True):
            for kind, given in zip(("enrolled", "unknown"), pair, strict=True):
                times[kind].append(_miss(database, parent, given))
        for kind, values in times.items():
            ctx.report(f"link_miss_{backend}_{kind}_median", median(values), "ms")
        ctx.report(
            f"link_miss_{backend}_enrolled_minus_unknown_median",
            median(times["enrolled"]) - median(times["unknown"]),
            "ms",
        )
    finally:
        database.dispose()


def _district(database: Database) -> ParentSession:
    """``STUDENTS`` enrolled children, limits that never stop the bench, one parent."""
    with database.write() as uow:
        generous = RateLimits(
            link_failures_per_parent=10**6,
            link_failures_per_student=10**6,
            link_failures_per_student_per_day=1000,
            link_failures_per_workstation=10**6,
        )
        save_settings(
            uow, Actor.system("bench"), uow.settings.model_copy(update={"rate_limits": generous})
        )
        school = School(code="0101", name="Owl Creek Elementary")
        uow.session.add(school)
        uow.session.flush()
        digest = uow.runtime.keyring.ssn_last4_digester()
        for n in range(STUDENTS):
            child = _child(n, wrong_digits=False)
            uow.session.add(
                Student(
                    student_number=child.student_id,
                    school_id=school.id,
                    first_name=child.first_name,
                    last_name=child.last_name,
                    name_key=search_key(child.first_name, child.last_name),
                    birthdate=child.birthdate,
                    grade="3",
                    active=True,
                    ssn_last4_digest=digest(child.student_id, child.ssn_last4),
                    has_photo=False,
                )
            )
    return bench_parent(database)


def _child(n: int, *, wrong_digits: bool) -> ChildIdentifiers:
    return ChildIdentifiers(
        first_name=f"Kid{n}",
        last_name="Lima",
        student_id=str(3_000_000 + n),
        birthdate=BORN + timedelta(days=n % 365),
        ssn_last4="0000" if wrong_digits else f"{1 + n % 9999:04d}",
    )


def _miss(database: Database, parent: ParentSession, given: ChildIdentifiers) -> float:
    started = time.perf_counter()
    try:
        with database.write() as uow:
            request_link(uow, parent, given)
    except StudentNotMatched:
        return (time.perf_counter() - started) * 1000
    raise AssertionError("a wrong try was let through")
