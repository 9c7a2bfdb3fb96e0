"""The desk's history (A3): every identity check, decision and disclosure — who, when, where.

Rows come from the audit trail (``frontdesk.services.audit``), with the parent and student
named from the tables. The export streams: it reads the trail in chunks and writes each CSV
row as it goes, so a year of history never sits in memory.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, TextIO

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Select, select

from frontdesk import text
from frontdesk.db.engine import Database
from frontdesk.db.models import ActorKind, AuditEvent, ParentAccount, Student, StudentLink
from frontdesk.db.uow import UnitOfWork
from frontdesk.errors import DomainError, FieldErrors
from frontdesk.i18n import Msg
from frontdesk.names import fold_name
from frontdesk.services.audit import AuditAction

DESK_ACTIONS = (
    AuditAction.IDENTITY_CHECK,
    AuditAction.LINK_APPROVE,
    AuditAction.LINK_DENY,
    AuditAction.LINK_REVOKE,
    AuditAction.ACCOUNT_APPROVE,
    AuditAction.ACCOUNT_DENY,
    AuditAction.STUDENT_DISCLOSE,
)
"""What the desk's history lists."""

CHUNK = 500


class HistoryFilter(BaseModel):
    """What the clerk narrows the history to; empty fields do not narrow it."""

    model_config = ConfigDict(str_strip_whitespace=True)

    parent: str = ""
    """Words of the parent's name or email."""
    student: str = ""
    """Words of the student's name, or the student ID."""
    staff: str = ""
    """The staff member's user name (or part of it)."""
    since: date | None = None
    until: date | None = None
    """Inclusive: the whole day counts."""


@dataclass(frozen=True)
class HistoryRow:
    """One event of the desk's history."""

    at: datetime
    action: str
    staff: str
    workstation: str
    parent_name: str
    parent_email: str
    students: str
    """``Name (student ID)``, several joined by ``; `` for a disclosure of siblings."""
    reason: str
    details: str
    """The event's other details (never a secret), as ``key=value`` pairs."""


def _events(filter: HistoryFilter) -> Select[AuditEvent]:
    problems = text.field_problems(
        {"parent": filter.parent, "student": filter.student, "staff": filter.staff}
    )
    if problems:
        raise FieldErrors(problems)
    query = select(AuditEvent).where(AuditEvent.action.in_([a.value for a in DESK_ACTIONS]))
    if filter.since:
        query = query.where(AuditEvent.at >= datetime.combine(filter.since, time(), UTC))
    if filter.until:
        query = query.where(
            AuditEvent.at < datetime.combine(filter.until + timedelta(days=1), time(), UTC)
        )
    if filter.staff:
        query = query.where(
            AuditEvent.actor_kind == ActorKind.STAFF,
            AuditEvent.actor_name.contains(filter.staff.lower(), autoescape=True),
        )
    return query


def _parent_id(event: AuditEvent) -> int | None:
    if event.subject_kind == "parent":
        return event.subject_id
    value = event.details.get("parent_id")
    return value if isinstance(value, int) else None


def _student_ids(event: AuditEvent) -> list[int]:
    if isinstance(event.details.get("student_id"), int):
        return [event.details["student_id"]]
    ids = event.details.get("student_ids")
    return [i for i in ids if isinstance(i, int)] if isinstance(ids, list) else []


_SHOWN_ELSEWHERE = {"parent_id", "student_id", "student_ids"}


def _details(details: dict[str, Any]) -> str:
    return ", ".join(
        f"{key}={value}" for key, value in sorted(details.items()) if key not in _SHOWN_ELSEWHERE
    )


def _rows(uow: UnitOfWork, events: list[AuditEvent], filter: HistoryFilter) -> list[HistoryRow]:
    """Name the parents and students of a chunk of events, and keep those the filter wants."""
    parent_ids = {p for e in events if (p := _parent_id(e)) is not None}
    student_ids = {s for e in events for s in _student_ids(e)}
    link_ids = [e.subject_id for e in events if e.subject_kind == "student_link" and e.subject_id]
    parents = {
        p.id: (f"{p.first_name} {p.last_name}", p.email, p.name_key)
        for p in uow.session.scalars(select(ParentAccount).where(ParentAccount.id.in_(parent_ids)))
    }
    students = {
        s.id: (f"{s.first_name} {s.last_name} ({s.student_number})", s.name_key, s.student_number)
        for s in uow.session.scalars(select(Student).where(Student.id.in_(student_ids)))
    }
    reasons: dict[int, str | None] = {
        link_id: reason
        for link_id, reason in uow.session.execute(
            select(StudentLink.id, StudentLink.reason).where(StudentLink.id.in_(link_ids))
        )
    }
    parent_words = [fold_name(w) for w in filter.parent.split() if fold_name(w)]
    student_words = [fold_name(w) for w in filter.student.split() if fold_name(w)]
    rows = []
    for event in events:
        name, email, parent_key = parents.get(_parent_id(event) or 0, ("", "", ""))
        if not all(w in parent_key for w in parent_words):
            continue
        named = [students[i] for i in _student_ids(event) if i in students]
        if student_words and not any(
            all(w in f"{key} {number.casefold()}" for w in student_words)
            for _, key, number in named
        ):
            continue
        reason = ""
        if event.action in (AuditAction.LINK_DENY, AuditAction.LINK_REVOKE):
            reason = reasons.get(event.subject_id or 0) or ""
        rows.append(
            HistoryRow(
                at=event.at,
                action=event.action,
                staff=event.actor_name,
                workstation=event.workstation,
                parent_name=name,
                parent_email=email,
                students="; ".join(label for label, _, _ in named),
                reason=reason,
                details=_details(event.details),
            )
        )
    return rows


def desk_history(uow: UnitOfWork, filter: HistoryFilter, limit: int = 200) -> list[HistoryRow]:
    """The newest events the filter wants, newest first."""
    query = _events(filter).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    found: list[HistoryRow] = []
    offset = 0
    while len(found) < limit:
        events = list(uow.session.scalars(query.offset(offset).limit(CHUNK)))
        if not events:
            break
        found.extend(_rows(uow, events, filter))
        offset += CHUNK
    return found[:limit]


def iter_history(uow: UnitOfWork, filter: HistoryFilter) -> Iterator[HistoryRow]:
    """Every event the filter wants, oldest first, read a chunk at a time."""
    query = _events(filter).order_by(AuditEvent.id)
    after = 0
    while True:
        events = list(uow.session.scalars(query.where(AuditEvent.id > after).limit(CHUNK)))
        if not events:
            return
        yield from _rows(uow, events, filter)
        after = events[-1].id


CSV_COLUMNS = (
    "at_utc",
    "action",
    "staff",
    "workstation",
    "parent_name",
    "parent_email",
    "students",
    "reason",
    "details",
)


def _cell(value: str) -> str:
    # A spreadsheet would run a cell starting with one of these as a formula.
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def write_history_csv(rows: Iterable[HistoryRow], out: TextIO) -> int:
    """Write ``rows`` as CSV (a header, then one line a row); returns how many rows."""
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    count = 0
    for row in rows:
        writer.writerow(
            [
                row.at.astimezone(UTC).isoformat(timespec="seconds"),
                row.action,
                *(
                    _cell(v)
                    for v in (
                        row.staff,
                        row.workstation,
                        row.parent_name,
                        row.parent_email,
                        row.students,
                        row.reason,
                        row.details,
                    )
                ),
            ]
        )
        count += 1
    return count


def read_history(database: Database, filter: HistoryFilter) -> list[HistoryRow]:
    """The newest events the filter wants (see :func:`desk_history`), in a read of its own."""
    with database.read() as uow:
        return desk_history(uow, filter)


@dataclass(frozen=True)
class Exported:
    """A finished export: where it was written and how many events it holds."""

    path: Path
    rows: int


def export_history(database: Database, filter: HistoryFilter, folder: Path) -> Exported:
    """Write every event the filter wants to a new CSV file in ``folder``, named for the
    moment of the export; says plainly when the file cannot be written there."""
    stamp = database.runtime.clock().strftime("%Y%m%d-%H%M%S")
    path = folder / f"desk-history-{stamp}.csv"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        out = path.open("w", newline="", encoding="utf-8")
    except OSError as error:
        raise DomainError(Msg("The file {path} cannot be written here.", path=str(path))) from error
    with database.read() as uow, out:
        return Exported(path, write_history_csv(iter_history(uow, filter), out))
