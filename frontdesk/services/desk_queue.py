"""What the desk reads of the queue (V1), each read one unit of work: the staff home's summary,
the queue warmed at sign-in, and a page of the queue for a filter as typed.

The rows come from ``frontdesk.services.queue``, whose search snapshot answers a filter without
scanning the database; warming builds that snapshot while the clerk reads the home screen.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from frontdesk.db.engine import Database
from frontdesk.db.uow import UnitOfWork
from frontdesk.services.queue import (
    QueueRow,
    count_pending_links,
    prepare_queue_search,
    waiting_requests,
)
from frontdesk.services.schools import list_schools


@dataclass(frozen=True)
class DeskSummary:
    """What the staff home says: the schools served and how many requests wait there."""

    school_names: list[str]
    waiting: int


def desk_summary(database: Database, school_ids: Collection[int] | None) -> DeskSummary:
    """The schools ``school_ids`` (``None``: all) by name, and the links waiting there."""
    with database.read() as uow:
        names = [s.name for s in list_schools(uow, school_ids)]
        return DeskSummary(names, count_pending_links(uow, school_ids))


@dataclass(frozen=True)
class QueuePage:
    """What one read of the queue brings back."""

    text: str
    newest_first: bool
    rows: list[QueueRow]
    waiting: int | None
    """How many links wait in all (read with the unfiltered queue, and when asked for)."""
    schools: dict[int, str] | None
    """School names by id (read once)."""
    now: datetime


def _page(
    uow: UnitOfWork,
    school_ids: frozenset[int] | None,
    text: str,
    newest_first: bool,
    need_schools: bool,
    count: bool,
) -> QueuePage:
    rows = waiting_requests(uow, school_ids, text, newest_first=newest_first)
    waiting = count_pending_links(uow, school_ids) if count or not text.strip() else None
    schools = {s.id: s.name for s in list_schools(uow, school_ids)} if need_schools else None
    return QueuePage(text, newest_first, rows, waiting, schools, uow.now())


def read_queue(
    database: Database,
    school_ids: frozenset[int] | None,
    text: str = "",
    newest_first: bool = False,
    need_schools: bool = True,
    count: bool = False,
) -> QueuePage:
    """One read of the queue at ``school_ids`` (``None``: all) for the filter ``text``; with
    ``count`` (or no filter), the number of links waiting too (not each keystroke's: the
    filter does not change it); with ``need_schools``, the schools' names."""
    with database.read() as uow:
        return _page(uow, school_ids, text, newest_first, need_schools, count)


def warm_queue(database: Database, school_ids: frozenset[int] | None) -> QueuePage:
    """Build the search snapshot for staff serving ``school_ids`` (so the first filter answers
    at once), and read the queue's first page (so it opens at once)."""
    with database.read() as uow:
        prepare_queue_search(uow, school_ids)
        return _page(uow, school_ids, "", False, True, False)
