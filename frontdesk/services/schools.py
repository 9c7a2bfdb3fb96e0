"""The district's schools, as plain data for the screens."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select

from frontdesk.db.models import School
from frontdesk.db.uow import UnitOfWork

if TYPE_CHECKING:
    from frontdesk.db.engine import Database


@dataclass(frozen=True)
class SchoolView:
    """A school: its id, SIS code and name."""

    id: int
    code: str
    name: str


def list_schools(uow: UnitOfWork, ids: Collection[int] | None = None) -> list[SchoolView]:
    """The schools (only ``ids`` when given), by SIS code."""
    query = select(School).order_by(School.code)
    if ids is not None:
        query = query.where(School.id.in_(list(ids)))
    return [SchoolView(s.id, s.code, s.name) for s in uow.session.scalars(query)]


def school_choices(database: Database) -> list[SchoolView]:
    """Every school, by SIS code, for a parent to choose from (in its own unit of work)."""
    with database.read() as uow:
        return list_schools(uow)
