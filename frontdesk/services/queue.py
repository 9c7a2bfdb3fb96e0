"""What waits for the front office (V1): pending child links, oldest first by default."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from frontdesk.db.models import LinkStatus, ParentAccount, Student, StudentLink
from frontdesk.db.uow import UnitOfWork


@dataclass(frozen=True)
class QueueRow:
    """One pending request, as the queue lists it."""

    link_id: int
    parent_id: int
    parent_name: str
    parent_email: str
    student_id: int
    student_number: str
    student_name: str
    school_id: int
    requested_at: datetime


def pending_links(
    uow: UnitOfWork,
    school_ids: Collection[int] | None,
    *,
    limit: int = 50,
    newest_first: bool = False,
) -> list[QueueRow]:
    """Pending links at ``school_ids`` (``None``: every school), in waiting order."""
    order = (
        (StudentLink.requested_at.desc(), StudentLink.id.desc())
        if newest_first
        else (StudentLink.requested_at, StudentLink.id)
    )
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
        )
        .join(ParentAccount, ParentAccount.id == StudentLink.parent_id)
        .join(Student, Student.id == StudentLink.student_id)
        .where(StudentLink.status == LinkStatus.PENDING)
        .order_by(*order)
        .limit(limit)
    )
    if school_ids is not None:
        query = query.where(StudentLink.school_id.in_(list(school_ids)))
    return [
        QueueRow(
            link_id=r[0],
            parent_id=r[1],
            parent_name=f"{r[2]} {r[3]}",
            parent_email=r[4],
            student_id=r[5],
            student_number=r[6],
            student_name=f"{r[7]} {r[8]}",
            school_id=r[9],
            requested_at=r[10],
        )
        for r in uow.session.execute(query)
    ]


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
