"""What waits for the front office (V1): pending child links and parent accounts, oldest first.

Two kinds of request wait: a child link (a parent asked to see a student) and a parent account
that has asked for no child yet. A clerk sees the links of the schools they serve, and the
unlinked accounts whose email is on a student's record at one of those schools; admins see
everything.

The filter searches a snapshot kept in memory (:mod:`frontdesk.services.queue_search`) and
checks every row it returns against the database, so a decided request never shows.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select

from frontdesk.db.models import LinkStatus, ParentAccount, Student, StudentLink
from frontdesk.db.uow import UnitOfWork
from frontdesk.errors import FieldErrors
from frontdesk.services.queue_search import SearchEntry, accounts_waiting, queue_search
from frontdesk.text import field_problem

QUEUE_PAGE = 50
"""How many rows the queue shows at once."""


@dataclass(frozen=True)
class QueueRow:
    """One waiting request, as the queue lists it: a child link, or an account without one."""

    link_id: int | None
    """``None`` for a parent account that has asked for no child yet."""
    parent_id: int
    parent_name: str
    parent_email: str
    student_id: int | None
    student_number: str | None
    student_name: str | None
    school_id: int | None
    requested_at: datetime
    parent_phone: str | None = None

    @property
    def key(self) -> str:
        """A stable key for the row (``link-12``, ``account-7``), e.g. for a table row."""
        return f"link-{self.link_id}" if self.link_id is not None else f"account-{self.parent_id}"


def _link_query(*, pending_only: bool = True) -> Select[*tuple[Any, ...]]:
    query = (
        select(
            StudentLink.id,
            StudentLink.parent_id,
            ParentAccount.first_name,
            ParentAccount.last_name,
            ParentAccount.email,
            StudentLink.student_id,
            Student.student_number,
            Student.first_name,
            Student.last_name,
            StudentLink.school_id,
            StudentLink.requested_at,
            ParentAccount.phone,
        )
        .join(ParentAccount, ParentAccount.id == StudentLink.parent_id)
        .join(Student, Student.id == StudentLink.student_id)
    )
    return query.where(StudentLink.status == LinkStatus.PENDING) if pending_only else query


def _link_row(r: Iterable[object]) -> QueueRow:
    v = list(r)
    return QueueRow(
        link_id=v[0],  # type: ignore[arg-type]
        parent_id=v[1],  # type: ignore[arg-type]
        parent_name=f"{v[2]} {v[3]}",
        parent_email=v[4],  # type: ignore[arg-type]
        student_id=v[5],  # type: ignore[arg-type]
        student_number=v[6],  # type: ignore[arg-type]
        student_name=f"{v[7]} {v[8]}",
        school_id=v[9],  # type: ignore[arg-type]
        requested_at=v[10],  # type: ignore[arg-type]
        parent_phone=v[11],  # type: ignore[arg-type]
    )


def _account_row(r: Iterable[object]) -> QueueRow:
    v = list(r)
    return QueueRow(
        link_id=None,
        parent_id=v[0],  # type: ignore[arg-type]
        parent_name=f"{v[1]} {v[2]}",
        parent_email=v[3],  # type: ignore[arg-type]
        student_id=None,
        student_number=None,
        student_name=None,
        school_id=None,
        requested_at=v[4],  # type: ignore[arg-type]
        parent_phone=v[5],  # type: ignore[arg-type]
    )


def pending_links(
    uow: UnitOfWork,
    school_ids: Collection[int] | None,
    *,
    limit: int = QUEUE_PAGE,
    newest_first: bool = False,
) -> list[QueueRow]:
    """Pending links at ``school_ids`` (``None``: every school), in waiting order."""
    order = (
        (StudentLink.requested_at.desc(), StudentLink.id.desc())
        if newest_first
        else (StudentLink.requested_at, StudentLink.id)
    )
    query = _link_query().order_by(*order).limit(limit)
    if school_ids is not None:
        query = query.where(StudentLink.school_id.in_(list(school_ids)))
    return [_link_row(r) for r in uow.session.execute(query)]


def count_pending_links(uow: UnitOfWork, school_ids: Collection[int] | None) -> int:
    """How many links wait for verification at ``school_ids`` (``None``: every school)."""
    query = (
        select(func.count())
        .select_from(StudentLink)
        .where(StudentLink.status == LinkStatus.PENDING)
    )
    if school_ids is not None:
        query = query.where(StudentLink.school_id.in_(list(school_ids)))
    return uow.session.scalar(query) or 0


def prepare_queue_search(uow: UnitOfWork, school_ids: Collection[int] | None = None) -> int:
    """Build the search snapshot ahead of the first filter (the desk does it at sign-in), with
    the part of it staff serving ``school_ids`` search (``None``: all schools)."""
    search = queue_search(uow)
    search.top_up(uow)
    search.prepare_view(None if school_ids is None else frozenset(school_ids))
    return len(search)


def _still_waiting(uow: UnitOfWork, entries: list[SearchEntry]) -> dict[str, QueueRow]:
    """The rows of ``entries`` that still wait, fresh from the database, by key."""
    link_ids = [e.link_id for e in entries if e.link_id is not None]
    parent_ids = [e.parent_id for e in entries if e.link_id is None]
    rows: dict[str, QueueRow] = {}
    # Looked up by primary key only, the status checked here: given the status too, SQLite's
    # planner walks the status index over every pending link instead.
    if link_ids:
        query = _link_query(pending_only=False).add_columns(StudentLink.status)
        for r in uow.session.execute(query.where(StudentLink.id.in_(link_ids))):
            if r[-1] is LinkStatus.PENDING:
                row = _link_row(r)
                rows[row.key] = row
    for r in accounts_waiting(uow, parent_ids):
        row = _account_row(r)
        rows[row.key] = row
    return rows


def waiting_requests(
    uow: UnitOfWork,
    school_ids: Collection[int] | None,
    text: str = "",
    *,
    newest_first: bool = False,
    limit: int = QUEUE_PAGE,
) -> list[QueueRow]:
    """Waiting links and accounts at ``school_ids`` (``None``: all) whose parent name, student
    name, email, phone or student ID hold every word of ``text``, in waiting order."""
    if (problem := field_problem("filter", text)) is not None:
        raise FieldErrors({"filter": problem})
    search = queue_search(uow)
    search.top_up(uow)
    rows: list[QueueRow] = []
    batch: list[SearchEntry] = []

    def settle() -> None:
        fresh = _still_waiting(uow, batch)
        search.forget(e.key for e in batch if e.key not in fresh)
        rows.extend(fresh[e.key] for e in batch if e.key in fresh)
        batch.clear()

    for entry in search.candidates(school_ids, text, newest_first):
        batch.append(entry)
        if len(rows) + len(batch) >= limit:
            settle()
            if len(rows) >= limit:
                break
    if batch:
        settle()
    return rows[:limit]


__all__ = [
    "QUEUE_PAGE",
    "QueueRow",
    "count_pending_links",
    "pending_links",
    "prepare_queue_search",
    "waiting_requests",
]
