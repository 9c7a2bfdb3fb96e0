"""Issue 10 §5's figures: how long a known and an unknown address take to answer, for a failed
sign-in, a forgot-password request and a wrong reset code, on SQLite and on PostgreSQL (when
reachable). Goal: medians within 2 ms of each other. A small district of its own: the answers
do not depend on the roster's size.

Known and unknown calls alternate (and swap who goes first each round), so both see the same
load from whatever else runs on the machine.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import suppress

from bench.context import BenchContext, bench_parent, median, postgres_reachable, postgres_schema
from frontdesk.db.engine import Database, Runtime, open_database
from frontdesk.errors import DomainError
from frontdesk.security import Keyring
from frontdesk.services.password_reset import redeem_code, request_reset
from frontdesk.services.signin import sign_in_parent

KNOWN = "ana@example.org"
UNKNOWN = "nobody@example.org"
RUNS = {"signin": 40, "reset_request": 150, "reset_code": 150}
"""Pairs per figure: a sign-in is an argon2 verify (~50 ms), the others a few ms."""


def run(ctx: BenchContext) -> None:
    _measure(ctx, "sqlite", f"sqlite:///{ctx.workdir / 'enumeration.db'}")
    if postgres_reachable():
        with postgres_schema("enumeration") as url:
            _measure(ctx, "postgresql", url)


def _measure(ctx: BenchContext, backend: str, url: str) -> None:
    database = open_database(url, Runtime(Keyring(b"e" * 32), workstation="bench"))
    try:
        _district(database)
        actions: dict[str, Callable[[str], None]] = {
            "signin": lambda email: _quietly(database, lambda uow: sign_in_parent(uow, email, "x")),
            "reset_request": lambda email: _quietly(
                database, lambda uow: request_reset(uow, email, "en")
            ),
            "reset_code": lambda email: _quietly(
                database, lambda uow: redeem_code(uow, email, "0000-0000")
            ),
        }
        for name, action in actions.items():
            (known, known_cpu), (unknown, unknown_cpu) = _paired(action, RUNS[name])
            figure = f"enumeration_{name}_{backend}"
            ctx.report(f"{figure}_known_median", median(known), "ms")
            ctx.report(f"{figure}_unknown_median", median(unknown), "ms")
            ctx.report(f"{figure}_difference_goal_2", abs(median(known) - median(unknown)), "ms")
            # This process's CPU time: the same work shows as the same figure even when other
            # work on the machine makes the wall times wander.
            cpu_difference = abs(median(known_cpu) - median(unknown_cpu))
            ctx.report(f"{figure}_cpu_difference", cpu_difference, "ms")
    finally:
        database.dispose()


def _district(database: Database) -> None:
    """One parent with an open reset (the known address), limits out of the way."""
    big = 10**6
    bench_parent(
        database,
        KNOWN,
        signin_failures_per_account=big,
        signin_failures_per_workstation=big,
        reset_requests_per_account=big,
        reset_requests_per_workstation=big,
        reset_code_attempts=big,
    )
    with database.write() as uow:
        request_reset(uow, KNOWN, "en")


def _quietly(database: Database, call: Callable[..., object]) -> None:
    with suppress(DomainError), database.write() as uow:
        call(uow)


Timings = tuple[list[float], list[float]]


def _paired(action: Callable[[str], None], runs: int) -> tuple[Timings, Timings]:
    """Wall and CPU times (ms) of ``runs`` known and ``runs`` unknown calls, alternating."""
    times: dict[str, Timings] = {KNOWN: ([], []), UNKNOWN: ([], [])}
    action(KNOWN)
    action(UNKNOWN)
    for round_ in range(runs):
        order = (KNOWN, UNKNOWN) if round_ % 2 == 0 else (UNKNOWN, KNOWN)
        for email in order:
            started, started_cpu = time.perf_counter(), time.process_time()
            action(email)
            times[email][0].append((time.perf_counter() - started) * 1000)
            times[email][1].append((time.process_time() - started_cpu) * 1000)
    return times[KNOWN], times[UNKNOWN]
