"""Issue 10's load test: many clients against one PostgreSQL database at once.

Parents sign in, link children (some with a wrong identifier) and read their portal; clerks read
the queue, open a request, record the photo-ID check and approve or deny; support staff look
parents up, read their details and unlock them. Each client thinks between actions as a
person does. Afterwards the database is checked against what the clients were told: every
link a parent was told was made exists once, every decision a clerk was told was recorded is
the link's state, and no link has two winners.

Printed: the p95 of each service call without the argon2 hash (goal 50 ms) and, apart, the
hash's own p95; errors (anything but a rule's answer: goal 0); lost, doubled or contradicted
rows (goal 0); calls per second.

``FRONTDESK_BENCH_LOAD_CLIENTS`` (200) and ``FRONTDESK_BENCH_LOAD_SECONDS`` (300) size the run;
clients run as threads in ``FRONTDESK_BENCH_LOAD_PROCESSES`` (4) processes, each with a pool of
``FRONTDESK_BENCH_LOAD_POOL`` (20) connections, as several app servers would. What each kind
of client does is in :mod:`bench.load_clients`; here, the district and the people, the run,
the check and the report.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from pydantic import SecretStr
from sqlalchemy import func, select

from bench.context import BenchContext, median, p95, postgres_schema
from bench.load_clients import PASSWORD, Cast, Child, Outcome, worker
from frontdesk.db.engine import Database, Runtime, open_database
from frontdesk.db.models import (
    AuditEvent,
    LinkStatus,
    ParentAccount,
    Staff,
    StaffRole,
    StudentLink,
)
from frontdesk.demo import DemoOptions, families
from frontdesk.security import Keyring
from frontdesk.services.audit import AuditAction
from frontdesk.services.registration import AccountForm, create_parent_account
from frontdesk.services.sessions import staff_session

CLIENTS = int(os.environ.get("FRONTDESK_BENCH_LOAD_CLIENTS", "200"))
SECONDS = float(os.environ.get("FRONTDESK_BENCH_LOAD_SECONDS", "300"))
PROCESSES = int(os.environ.get("FRONTDESK_BENCH_LOAD_PROCESSES", "4"))
STUDENTS = 4_000
LOAD_EMAIL = "{n}@load.example.org"


def _children(count: int) -> dict[str, Child]:
    """The demo district's students with SSN digits, as their parents know them."""
    known: dict[str, Child] = {}
    for family in families(DemoOptions(students=STUDENTS, seed=1)):
        for s in family.children:
            if s.active and s.ssn_last4:
                known[s.number] = Child(
                    s.number, s.first_name, s.last_name, s.birthdate, s.ssn_last4
                )
        if len(known) >= count:
            break
    return known


def cast_of(database: Database, parents: int) -> Cast:
    """Parent accounts made for the run (each asks for children of its own), and the staff."""
    children = list(_children(parents * 2).values())
    cast = []
    for n in range(parents):
        email = LOAD_EMAIL.format(n=n)
        form = AccountForm(
            first_name="Load",
            last_name=f"Parent {n}",
            email=email,
            phone="555-010-0000",
            relationship="Mother",
            password=SecretStr(PASSWORD),
            password_confirm=SecretStr(PASSWORD),
        )
        # Each parent signs up at a kiosk of its own, as it will work from one.
        at_home = Database(database.engine, replace(database.runtime, workstation=f"load-{n}"))
        with at_home.write() as uow:
            create_parent_account(uow, form)
        cast.append((email, children[2 * n : 2 * n + 2]))
    with database.read() as uow:
        by_role = {
            role: staff_session(
                uow.session.scalars(select(Staff).where(Staff.role == role).limit(1)).one()
            )
            for role in (StaffRole.ADMIN, StaffRole.SUPPORT)
        }
    return Cast(cast, by_role[StaffRole.ADMIN], by_role[StaffRole.SUPPORT])


@contextmanager
def postgres_district(ctx: BenchContext) -> Iterator[tuple[str, Path]]:
    """A demo district in a schema of its own, dropped afterwards."""
    key = ctx.workdir / f"load-{os.getpid()}.key"
    with postgres_schema("load") as url:
        try:
            BenchContext(students=STUDENTS, workdir=ctx.workdir).build_demo(url, key)
            yield url, key
        finally:
            key.unlink(missing_ok=True)


def check(database: Database, outcomes: list[Outcome]) -> dict[str, int]:
    """What the database holds against what the clients were told."""
    told_links = [link for o in outcomes for link in o.links_made]
    decisions: dict[int, list[str]] = defaultdict(list)
    for o in outcomes:
        for link_id, verdict in o.decisions:
            decisions[link_id].append(verdict)
    with database.read() as uow:
        load_parents = select(ParentAccount.id).where(
            ParentAccount.email.like("%@load.example.org")
        )
        made = set(
            uow.session.scalars(
                select(StudentLink.id).where(StudentLink.parent_id.in_(load_parents))
            )
        )
        stored = dict(
            uow.session.execute(
                select(StudentLink.id, StudentLink.status).where(
                    StudentLink.id.in_(list(decisions))
                )
            )
            .tuples()
            .all()
        )
        doubled = uow.session.scalar(
            select(func.count()).select_from(
                select(StudentLink.parent_id, StudentLink.student_id)
                .group_by(StudentLink.parent_id, StudentLink.student_id)
                .having(func.count() > 1)
                .subquery()
            )
        )
        audited = Counter(
            dict(
                uow.session.execute(
                    select(AuditEvent.action, func.count())
                    .where(
                        AuditEvent.action.in_([AuditAction.LINK_APPROVE, AuditAction.LINK_DENY]),
                        AuditEvent.workstation.like("load-%"),
                    )
                    .group_by(AuditEvent.action)
                )
                .tuples()
                .all()
            )
        )
    expected = {"approved": LinkStatus.APPROVED, "denied": LinkStatus.DENIED}
    told_decided = sum(len(v) for v in decisions.values())
    return {
        "links_told_made": len(told_links),
        "links_lost": sum(1 for link in told_links if link not in made),
        "links_doubled": len(told_links) - len(set(told_links)) + int(doubled or 0),
        "decisions_told_recorded": told_decided,
        "decisions_with_two_winners": sum(1 for v in decisions.values() if len(v) > 1),
        "decisions_contradicted": sum(
            1 for link, v in decisions.items() if stored.get(link) is not expected[v[-1]]
        ),
        "decision_audit_rows_missing_or_extra": abs(sum(audited.values()) - told_decided),
    }


def postgres_cpu_seconds() -> float:
    """CPU time PostgreSQL's processes have used so far: the live ones', and the postmaster's
    count of its ended children (backends of closed connections)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text_ = stat.read_text()
        except OSError:
            continue
        name = text_[text_.index("(") + 1 : text_.rindex(")")]
        if name != "postgres" and not name.startswith("postgres:"):
            continue
        fields = text_[text_.rindex(")") + 2 :].split()
        # utime, stime, cutime, cstime are fields 14-17 of stat (12-15 after the name)
        total += sum(int(f) for f in fields[11:15])
    return total / tick


def run(ctx: BenchContext) -> None:
    started_load = os.getloadavg()[0]
    with postgres_district(ctx) as (url, key_file):
        database = open_database(url, Runtime(Keyring.from_file(key_file)))
        cast = cast_of(database, parents=max(1, CLIENTS * 3 // 4))
        database.dispose()
        pg_cpu = postgres_cpu_seconds()
        until = time.monotonic() + SECONDS
        shares = [range(p, CLIENTS, PROCESSES) for p in range(PROCESSES)]
        spawn = multiprocessing.get_context("spawn")
        with spawn.Pool(PROCESSES) as pool:
            jobs = [(url, key_file, cast, share, until) for share in shares]
            outcomes = pool.starmap(worker, jobs)
        pg_cpu = postgres_cpu_seconds() - pg_cpu
        database = open_database(url, Runtime(Keyring.from_file(key_file)))
        checks = check(database, outcomes)
        database.dispose()
    timings: dict[str, list[tuple[float, float, float]]] = defaultdict(list)
    for o in outcomes:
        for name, values in o.timings.items():
            timings[name].extend(values)
    calls = sum(len(v) for v in timings.values())
    ctx.report("load_clients", CLIENTS, "clients")
    ctx.report("load_seconds", SECONDS, "s")
    ctx.report("load_calls_per_second", calls / SECONDS, "calls/s")
    for name in sorted(timings):
        values = timings[name]
        if len(values) < 20:
            continue
        without_hash = [t - h for t, h, _ in values]
        ctx.report(f"load_{name}_median_without_hash", median(without_hash), "ms")
        ctx.report(f"load_{name}_p95_without_hash", p95(without_hash), "ms")
        ctx.report(f"load_{name}_client_cpu_median", median([c for _, _, c in values]), "ms")
        hashed = [h for _, h, _ in values if h > 0]
        if len(hashed) >= 20:
            ctx.report(f"load_{name}_hash_p95", p95(hashed), "ms")
    # What one PostgreSQL can take: its CPU per call at this mix, and so how many calls (and
    # clients, at this run's calls per client) one of its cores serves.
    per_call_ms = pg_cpu * 1e3 / max(calls, 1)
    ctx.report("load_postgres_cpu_per_call", per_call_ms, "ms")
    ctx.report("load_postgres_calls_per_core", 1e3 / per_call_ms if per_call_ms else 0, "calls/s")
    ctx.report(
        "load_postgres_clients_per_core",
        1e3 / per_call_ms / (calls / SECONDS / CLIENTS) if per_call_ms and calls else 0,
        "clients",
    )
    errors = [e for o in outcomes for e in o.errors]
    ctx.report("load_errors", len(errors), "errors")
    for name, value in checks.items():
        ctx.report(f"load_{name}", value, "rows")
    answers = sum((o.answers for o in outcomes), Counter[str]())
    for name, count in sorted(answers.items()):
        print(f"# answer {name}: {count}")
    for error in errors[:5]:
        print(f"# error {error}")
    ctx.report("load_loadavg_start", started_load, "")
    ctx.report("load_loadavg_end", os.getloadavg()[0], "")
