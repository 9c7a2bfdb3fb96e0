"""Issue 10 §3's figures: 200 races of two staff deciding for one account at the same instant
(8 pairs: approve vs deny account, approve family vs deny account, two denials, support
disabling vs a clerk approving…), on SQLite and on PostgreSQL. Goal: 0 deadlocks shown to a
clerk, 0 contradictory states. The races are tests/security/decision_races.py's; the test
runs fewer of them.

PostgreSQL: ``FRONTDESK_TEST_POSTGRES_URL`` (default the local test server), in a schema of
its own, dropped afterwards.
"""

from __future__ import annotations

import os
import secrets
import statistics
from pathlib import Path

from bench.context import BenchContext, p95, postgres_schema
from frontdesk.db.engine import Database, Runtime, open_database
from frontdesk.security import Keyring
from tests.factories import small_roster
from tests.security.decision_races import PAIRS, hire_desk, run_races

RACES = 200


def measure(ctx: BenchContext, backend: str, database: Database) -> None:
    report = run_races(database, small_roster(database), hire_desk(database), RACES // len(PAIRS))
    if report.problems:
        print(report.summary(), flush=True)
    ctx.report(f"decision_races_{backend}", report.races, "races")
    ctx.report(f"decision_deadlocks_{backend}", report.count("deadlock"), "races")
    ctx.report(
        f"decision_contradictions_{backend}",
        sum(report.problems.values()) - report.count("deadlock"),
        "problems",
    )
    times_ms = [s * 1000 for s in report.seconds]
    ctx.report(f"decision_race_median_{backend}", statistics.median(times_ms), "ms")
    ctx.report(f"decision_race_p95_{backend}", p95(times_ms), "ms")


def run(ctx: BenchContext) -> None:
    runtime = Runtime(Keyring(secrets.token_bytes(32)), workstation="bench")
    path = ctx.workdir / f"decisions-{os.getpid()}.db"
    try:
        database = open_database(f"sqlite:///{path}", runtime)
        measure(ctx, "sqlite", database)
        database.dispose()
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    with postgres_schema("decisions") as url:
        database = open_database(url, runtime)
        measure(ctx, "postgresql", database)
        database.dispose()
