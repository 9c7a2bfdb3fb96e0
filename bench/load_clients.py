"""The load test's clients (:mod:`bench.load`): simulated people, each a thread with a database
view of its own, calling the services as a parent, a clerk or a support worker would and
thinking between calls; every call timed (wall, hashing apart, the thread's CPU), every answer
and error tallied, and what each was told kept for the check afterwards.

One process runs its share of the clients over one pool of ``FRONTDESK_BENCH_LOAD_POOL`` (20)
connections (:func:`worker`), as an app server would.
"""

from __future__ import annotations

import os
import random
import threading
import time
import traceback
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Generic, TypeVar

from frontdesk.db.engine import Database, Runtime, make_engine
from frontdesk.db.models import IdType
from frontdesk.errors import DomainError
from frontdesk.security import Keyring, PasswordHasher
from frontdesk.services import identity_checks, portal, queue, review, support, verification
from frontdesk.services.identity_checks import IdentityCheckForm
from frontdesk.services.linking import ChildIdentifiers, request_link
from frontdesk.services.sessions import StaffSession
from frontdesk.services.signin import sign_in_parent

T = TypeVar("T")

POOL = int(os.environ.get("FRONTDESK_BENCH_LOAD_POOL", "20"))
PASSWORD = "load test parents read the lunch menu"


class TimedHasher(PasswordHasher):
    """Adds the time spent hashing to the calling thread's tally, so it is reported apart."""

    tally = threading.local()

    def _timed(self, work: Callable[[], T]) -> T:
        started = time.perf_counter()
        try:
            return work()
        finally:
            self.tally.ms = getattr(self.tally, "ms", 0.0) + (time.perf_counter() - started) * 1e3

    def hash(self, password: str) -> str:
        return self._timed(lambda: super(TimedHasher, self).hash(password))

    def verify(self, stored_hash: str | None, password: str) -> bool:
        return self._timed(lambda: super(TimedHasher, self).verify(stored_hash, password))


@dataclass
class Child:
    """What a parent knows of a child: the identifiers the demo district asks for."""

    number: str
    first_name: str
    last_name: str
    birthdate: date
    ssn_last4: str


@dataclass
class Outcome:
    """What one process's clients did and were told."""

    timings: dict[str, list[tuple[float, float, float]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    """Per call: wall ms, of which hashing, and the calling thread's CPU ms (its own work,
    hash included; the rest of the wall time is the database and waiting for a core)."""
    answers: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    links_made: list[int] = field(default_factory=list)
    decisions: list[tuple[int, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Done(Generic[T]):
    """Whether a call went through, and what it returned."""

    ok: bool
    value: T | None


class Client:
    """One simulated person: a database view with its own workstation, and a tally."""

    def __init__(self, database: Database, outcome: Outcome, lock: threading.Lock) -> None:
        self.database = database
        self.outcome = outcome
        self.lock = lock
        self.rng = random.Random()

    def call(self, name: str, write: bool, service: Callable[..., T], *args: object) -> Done[T]:
        """``service(uow, *args)`` in a unit of work of its own, timed; a rule's answer (a
        ``DomainError``) is counted as an answer, anything else as an error."""
        tally = TimedHasher.tally
        tally.ms = 0.0
        started = time.perf_counter()
        cpu = time.thread_time()
        done: Done[T] = Done(False, None)
        try:
            with self.database.write() if write else self.database.read() as uow:
                done = Done(True, service(uow, *args))
        except DomainError as answer:
            with self.lock:
                self.outcome.answers[f"{name}:{type(answer).__name__}"] += 1
        except Exception:
            with self.lock:
                self.outcome.errors.append(f"{name}: {traceback.format_exc(limit=3)}")
        finally:
            elapsed = (time.perf_counter() - started) * 1e3
            used = (time.thread_time() - cpu) * 1e3
            with self.lock:
                self.outcome.timings[name].append((elapsed, tally.ms, used))
        return done

    def think(self, low: float, high: float, until: float) -> bool:
        time.sleep(max(0.0, min(self.rng.uniform(low, high), until - time.monotonic())))
        return time.monotonic() < until


def parent_loop(client: Client, email: str, children: list[Child], until: float) -> None:
    """Visits: sign in, add a child (one try in five with a wrong SSN digit), read the portal."""
    while client.think(3, 12, until):
        signed_in = client.call("sign_in_parent", True, sign_in_parent, email, PASSWORD)
        session = signed_in.value
        if session is None:
            continue
        child = client.rng.choice(children)
        last4 = child.ssn_last4
        if client.rng.random() < 0.2:
            last4 = f"{(int(last4) + 1) % 10_000:04d}"
        given = ChildIdentifiers(
            first_name=child.first_name,
            last_name=child.last_name,
            student_id=child.number,
            birthdate=child.birthdate,
            ssn_last4=last4,
        )
        client.think(1, 3, until)
        linked = client.call("request_link", True, request_link, session, given).value
        if linked is not None:
            with client.lock:
                client.outcome.links_made.append(linked.link_id)
        client.think(1, 3, until)
        client.call("portal_view", True, portal.portal_view, session)


def clerk_loop(client: Client, staff: StaffSession, until: float) -> None:
    """Read the queue, open a request, check the ID, approve (or, one in four, deny) a child."""
    form = IdentityCheckForm(
        id_type=IdType.PASSPORT, id_last4="4321", id_expires=date(2031, 1, 1), name_matches=True
    )
    while client.think(1, 4, until):
        rows = client.call("pending_links", False, queue.pending_links, None).value or []
        links = [(row.parent_id, row.link_id) for row in rows[:20] if row.link_id is not None]
        if not links:
            continue
        parent_id, link_id = client.rng.choice(links)
        client.call("open_request", True, review.open_request, staff, parent_id)
        client.think(1, 3, until)
        client.call(
            "record_identity_check",
            True,
            identity_checks.record_identity_check,
            staff,
            parent_id,
            form,
        )
        if client.rng.random() < 0.75:
            verdict = "approved"
            done = client.call("approve_link", True, verification.approve_link, staff, link_id)
        else:
            verdict = "denied"
            done = client.call(
                "deny_link", True, verification.deny_link, staff, link_id, "Not on record"
            )
        if done.ok:
            with client.lock:
                client.outcome.decisions.append((link_id, verdict))


def support_loop(client: Client, staff: StaffSession, emails: list[str], until: float) -> None:
    """Look a parent up, read the details, unlock."""
    why = support.StaffReason(reason="Parent called the help line")
    while client.think(2, 6, until):
        email = client.rng.choice(emails)
        found = client.call("find_parents", False, support.find_parents, staff, email).value
        if not found:
            continue
        parent_id = found[0].parent_id
        client.call("parent_details", True, support.parent_details, staff, parent_id)
        client.think(1, 3, until)
        client.call("unlock_parent", True, support.unlock_parent, staff, parent_id, why)


@dataclass
class Cast:
    """Who the clients are: parents with their children, the staff sessions."""

    parents: list[tuple[str, list[Child]]]
    clerk: StaffSession
    support: StaffSession


def worker(url: str, key_file: Path, cast: Cast, share: range, until: float) -> Outcome:
    """One process: its share of the clients as threads over one pool of connections."""
    engine = make_engine(url, pool_size=POOL, max_overflow=0, pool_timeout=60)
    keyring = Keyring.from_file(key_file)
    hasher = TimedHasher()
    outcome = Outcome()
    lock = threading.Lock()
    emails = [email for email, _ in cast.parents]
    threads = []
    for n in share:
        runtime = Runtime(keyring=keyring, hasher=hasher, workstation=f"load-{n}")
        client = Client(Database(engine, runtime), outcome, lock)
        role = n % 20
        if role < 15:  # three clients in four are parents, one in five a clerk
            email, children = cast.parents[n % len(cast.parents)]
            thread = threading.Thread(target=parent_loop, args=(client, email, children, until))
        elif role < 19:
            thread = threading.Thread(target=clerk_loop, args=(client, cast.clerk, until))
        else:
            thread = threading.Thread(
                target=support_loop, args=(client, cast.support, emails, until)
            )
        threads.append(thread)
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    engine.dispose()
    outcome.timings = dict(outcome.timings)
    return outcome
