"""What the security tests share: watching the statements and hashes a service call makes,
and running one call from many threads at once."""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from frontdesk.db.engine import Database
from frontdesk.db.uow import UnitOfWork
from frontdesk.errors import DomainError
from frontdesk.security import PasswordHasher

_TABLE = re.compile(r"\b(?:FROM|INTO|UPDATE)\s+\"?(\w+)", re.IGNORECASE)


def shape(statement: str) -> tuple[str, str]:
    """What a statement does, to which table: ``("INSERT", "outbox")``. Two calls that send
    the same shapes make the same round trips and touch the same tables."""
    verb = statement.split(None, 1)[0].upper()
    table = _TABLE.search(statement)
    return verb, table.group(1) if table else ""


@contextmanager
def statements(database: Database) -> Iterator[Counter[tuple[str, str]]]:
    """The shapes of the statements sent to the database inside the block, counted."""
    seen: Counter[tuple[str, str]] = Counter()

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen[shape(statement)] += 1

    event.listen(database.engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(database.engine, "before_cursor_execute", before)


class WatchingHasher(PasswordHasher):
    """A real argon2id hasher that remembers the length of every password argon2 was given."""

    def __init__(self) -> None:
        super().__init__()
        self.lengths: list[int] = []

    def hash(self, password: str) -> str:
        self.lengths.append(len(password))
        return super().hash(password)

    def _check(self, stored_hash: str | None, password: str) -> bool:
        self.lengths.append(len(password))
        return super()._check(stored_hash, password)


def answer(database: Database, call: Callable[[UnitOfWork], object]) -> str:
    """What a person is told: ``"ok"`` or the error's type and message."""
    try:
        with database.write() as uow:
            call(uow)
    except DomainError as error:
        fields = getattr(error, "fields", {})
        said = "; ".join(f"{name}: {message}" for name, message in sorted(fields.items()))
        return f"{type(error).__name__}: {error.message} {said}".strip()
    return "ok"


def at_once(database: Database, call: Callable[[UnitOfWork], object], threads: int) -> list[str]:
    """The answers of ``threads`` calls started at the same instant, each in its own
    transaction on its own connection."""
    start = threading.Barrier(threads)
    answers: list[str] = []
    lock = threading.Lock()

    def one() -> None:
        start.wait()
        said = answer(database, call)
        with lock:
            answers.append(said)

    workers = [threading.Thread(target=one) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return answers
