"""Races of two staff deciding for one account at the same instant (issue 10 §3), shared by
tests/security/test_decision_races.py and ``python -m bench --only decisions``.

Each race is two real threads, each with its own unit of work (its own connection) on the same
database, released together by a barrier. A clerk may lose a race; the loser is told who
decided ("already decided by …"), never shown a database error. After each race the account's
rows and its audit trail must tell one consistent story.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from frontdesk.db.engine import Database
from frontdesk.db.models import (
    AccountStatus,
    AuditEvent,
    IdentityCheck,
    IdType,
    LinkStatus,
    ParentAccount,
    StaffRole,
    StudentLink,
)
from frontdesk.db.uow import UnitOfWork
from frontdesk.errors import AlreadyDecided, DomainError
from frontdesk.services.decisions import Approve, check_and_decide
from frontdesk.services.identity_checks import IdentityCheckForm
from frontdesk.services.sessions import StaffSession
from frontdesk.services.support import StaffReason, disable_parent
from frontdesk.services.verification import (
    approve_family,
    approve_link,
    deny_account,
    deny_link,
    revoke_link,
)
from tests.factories import Roster, staff_member

Action = Callable[[UnitOfWork], object]
CLOSED = (AccountStatus.DENIED, AccountStatus.DISABLED)
PHOTO_ID = IdentityCheckForm(
    id_type=IdType.DRIVER_LICENCE, id_last4="X123", id_expires=date(2030, 1, 1), name_matches=True
)


@dataclass(frozen=True)
class Desk:
    """The staff of the races: two clerks serving both schools, one serving only the north
    school, one at the south school, and a support agent."""

    carmen: StaffSession
    dave: StaffSession
    north: StaffSession
    south: StaffSession
    sam: StaffSession


@dataclass(frozen=True)
class Family:
    """One account waiting at the desk: its links by child."""

    parent_id: int
    jose: int
    ayse: int
    lukasz: int


def _family(db: Database, roster: Roster, desk: Desk, n: int) -> Family:
    """A parent asking for José and Ayşe (north) and Łukasz (south), photo ID checked."""
    with db.write() as uow:
        now = uow.now()
        parent = ParentAccount(
            email=f"race{n}@example.org",
            first_name="Race",
            last_name=f"Parent {n}",
            name_key=f"race parent {n}",
            password_hash="not a usable hash",
            status=AccountStatus.PENDING,
            language="en",
            created_at=now,
            created_workstation="kiosk-1",
            password_changed_at=now,
        )
        uow.session.add(parent)
        uow.session.flush()
        links = {}
        for child in ("jose", "sister", "lukasz"):
            link = StudentLink(
                parent_id=parent.id,
                student_id=roster.students[child],
                school_id=roster.schools["south" if child == "lukasz" else "north"],
                status=LinkStatus.PENDING,
                requested_at=now,
                requested_workstation="kiosk-1",
            )
            uow.session.add(link)
            uow.session.flush()
            links[child] = link.id
        uow.session.add(
            IdentityCheck(
                parent_id=parent.id,
                staff_id=desk.carmen.staff_id,
                id_type=IdType.DRIVER_LICENCE,
                id_last4="X123",
                id_expires=date(2030, 1, 1),
                name_matches=True,
                checked_at=now,
                workstation="desk-1",
            )
        )
        return Family(parent.id, links["jose"], links["sister"], links["lukasz"])


@dataclass(frozen=True)
class Pair:
    """Two decisions raced against each other, after an optional set-up decision."""

    name: str
    first: Callable[[Desk, Family], Action]
    second: Callable[[Desk, Family], Action]
    before: Callable[[Desk, Family], Action] | None = None


def _check_and_approve(clerk: StaffSession, parent_id: int, link_id: int) -> Action:
    """What the desk does when the check form is filled in: record it, approve, one step (the
    transaction of ``decisions.decide``)."""

    def work(uow: UnitOfWork) -> None:
        check_and_decide(uow, clerk, parent_id, Approve(link_id), PHOTO_ID)

    return work


PAIRS = [
    Pair(
        "approve link / deny account",
        lambda d, f: lambda u: approve_link(u, d.carmen, f.jose),
        lambda d, f: lambda u: deny_account(u, d.dave, f.parent_id, "ID did not match"),
    ),
    Pair(
        "approve family / deny account",
        lambda d, f: lambda u: approve_family(u, d.carmen, f.parent_id),
        lambda d, f: lambda u: deny_account(u, d.dave, f.parent_id, "ID did not match"),
    ),
    Pair(
        "approve at one school / deny account at the other",
        lambda d, f: lambda u: approve_link(u, d.south, f.lukasz),
        lambda d, f: lambda u: deny_account(u, d.north, f.parent_id, "ID did not match"),
    ),
    Pair(
        "deny account / deny account",
        lambda d, f: lambda u: deny_account(u, d.carmen, f.parent_id, "ID did not match"),
        lambda d, f: lambda u: deny_account(u, d.dave, f.parent_id, "Not on the record"),
    ),
    Pair(
        "check and approve / check and approve (two children)",
        lambda d, f: _check_and_approve(d.carmen, f.parent_id, f.jose),
        lambda d, f: _check_and_approve(d.dave, f.parent_id, f.ayse),
    ),
    Pair(
        "approve link / deny the same link",
        lambda d, f: lambda u: approve_link(u, d.carmen, f.jose),
        lambda d, f: lambda u: deny_link(u, d.dave, f.jose, "Not the parent on record"),
    ),
    Pair(
        "revoke link / approve family",
        lambda d, f: lambda u: revoke_link(u, d.carmen, f.jose, "Custody order"),
        lambda d, f: lambda u: approve_family(u, d.dave, f.parent_id),
        before=lambda d, f: lambda u: approve_link(u, d.carmen, f.jose),
    ),
    Pair(
        "support disables / clerk approves",
        lambda d, f: lambda u: disable_parent(u, d.sam, f.parent_id, StaffReason(reason="fraud")),
        lambda d, f: lambda u: approve_family(u, d.carmen, f.parent_id),
    ),
]


def _outcome(db: Database, action: Action, start: threading.Barrier) -> str:
    start.wait(timeout=60)
    try:
        with db.write() as uow:
            action(uow)
    except AlreadyDecided:
        return "lost"
    except DomainError as error:
        return f"refused ({type(error).__name__})"
    except DBAPIError as error:
        state = getattr(error.orig, "sqlstate", None)
        return "deadlock" if state == "40P01" else f"database error ({state or error.orig})"
    return "won"


def _race(db: Database, first: Action, second: Action) -> tuple[str, str]:
    start = threading.Barrier(2)
    outcomes = ["", ""]

    def run(i: int, action: Action) -> None:
        outcomes[i] = _outcome(db, action, start)

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate((first, second))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes[0], outcomes[1]


_LINK_STORY: dict[LinkStatus, list[str]] = {
    LinkStatus.PENDING: [],
    LinkStatus.APPROVED: ["link.approve"],
    LinkStatus.DENIED: ["link.deny"],
    LinkStatus.REVOKED: ["link.approve", "link.revoke"],
}
_ACCOUNT_STORY: dict[AccountStatus, list[list[str]]] = {
    AccountStatus.PENDING: [[]],
    AccountStatus.ACTIVE: [["account.approve"]],
    AccountStatus.DENIED: [["account.deny"]],
    AccountStatus.DISABLED: [["account.disable"], ["account.approve", "account.disable"]],
}


def contradictions(uow: UnitOfWork, family: Family) -> list[str]:
    """What in the account's final state no sequence of single decisions could have left."""
    found = []
    parent = uow.session.get_one(ParentAccount, family.parent_id)
    links = uow.session.scalars(
        select(StudentLink).where(StudentLink.parent_id == parent.id).order_by(StudentLink.id)
    ).all()
    if parent.status in CLOSED and any(link.status is LinkStatus.APPROVED for link in links):
        found.append(f"{parent.status.value} account with an approved link")

    def story(kind: str, subject_id: int, prefix: str) -> list[str]:
        return list(
            uow.session.scalars(
                select(AuditEvent.action)
                .where(
                    AuditEvent.subject_kind == kind,
                    AuditEvent.subject_id == subject_id,
                    AuditEvent.action.startswith(prefix),
                )
                .order_by(AuditEvent.id)
            )
        )

    account = story("parent", parent.id, "account.")
    if account not in _ACCOUNT_STORY[parent.status]:
        found.append(f"{parent.status.value} account whose trail says {account}")
    for link in links:
        decisions = story("student_link", link.id, "link.")
        if decisions != _LINK_STORY[link.status]:
            found.append(f"{link.status.value} link whose trail says {decisions}")
    return found


def hire_desk(db: Database) -> Desk:
    """The staff of the races."""
    return Desk(
        carmen=staff_member(db, "carmen", StaffRole.CLERK, ["0101", "0102"]),
        dave=staff_member(db, "dave", StaffRole.CLERK, ["0101", "0102"]),
        north=staff_member(db, "nora", StaffRole.CLERK, ["0101"]),
        south=staff_member(db, "sol", StaffRole.CLERK, ["0102"]),
        sam=staff_member(db, "sam", StaffRole.SUPPORT, []),
    )


@dataclass
class Report:
    """What the races came to: each side's outcome, and every problem seen, by kind."""

    races: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    problems: Counter[str] = field(default_factory=Counter)
    seconds: list[float] = field(default_factory=list)
    """Wall time of each race (both decisions, from the barrier to the last commit)."""

    def count(self, word: str) -> int:
        """How many problems mention ``word`` (``deadlock``, ``account``…)."""
        return sum(n for what, n in self.problems.items() if word in what)

    def summary(self) -> str:
        lines = [f"{self.races} races, outcomes {dict(self.outcomes)}"]
        lines += [f"{n:4d}  {what}" for what, n in sorted(self.problems.items())]
        return "\n".join(lines)


def run_races(db: Database, roster: Roster, desk: Desk, per_pair: int, first: int = 1) -> Report:
    """Race every pair ``per_pair`` times, each on a new family; check each family after."""
    report = Report()
    n = first
    for pair in PAIRS:
        for _ in range(per_pair):
            family = _family(db, roster, desk, n)
            n += 1
            if pair.before is not None:
                with db.write() as uow:
                    pair.before(desk, family)(uow)
            started = time.perf_counter()
            results = _race(db, pair.first(desk, family), pair.second(desk, family))
            report.seconds.append(time.perf_counter() - started)
            report.races += 1
            report.outcomes.update(results)
            for result in results:
                if result not in ("won", "lost"):
                    report.problems[f"{pair.name}: {result}"] += 1
            if "won" not in results:
                report.problems[f"{pair.name}: nobody won"] += 1
            with db.read() as uow:
                for found in contradictions(uow, family):
                    report.problems[f"{pair.name}: {found}"] += 1
    return report
