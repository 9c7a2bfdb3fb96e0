"""The queue's filter (V1): the searchable text of every waiting request, kept in memory.

The filter box answers as the clerk types, over 50,000 pending requests. A substring match
across parent and student names, email, phone and student ID cannot use a B-tree index, and a
scan joining every pending link to its parent and student costs half a second on SQLite. So
the searchable text of every waiting request (the folded ``name_key`` columns, the student ID
and the phone digits) is kept in memory by :class:`QueueSearch`: built once per process in the
background and topped up with newer rows (an index range on the primary key) at each search.
:func:`frontdesk.services.queue.waiting_requests` checks every row it finds against the
database, so a decided request never shows.
"""

from __future__ import annotations

import threading
import time
import weakref
from bisect import bisect_right
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, exists, func, select

from frontdesk.db.models import (
    AccountStatus,
    Contact,
    LinkStatus,
    ParentAccount,
    Student,
    StudentLink,
)
from frontdesk.db.uow import UnitOfWork
from frontdesk.names import fold_name

REBUILD_AFTER_SECONDS = 15 * 60
"""A search snapshot older than this is rebuilt, so renamed parents are found by new names."""


def accounts_waiting(uow: UnitOfWork, parent_ids: Collection[int]) -> list[Any]:
    """Rows of the accounts among ``parent_ids`` that wait with no child link asked for.

    Looked up by primary key only and the status checked here: given the status too, SQLite's
    planner walks the status index over every pending account instead.
    """
    if not parent_ids:
        return []
    has_link = exists().where(StudentLink.parent_id == ParentAccount.id)
    query = select(
        ParentAccount.id,
        ParentAccount.first_name,
        ParentAccount.last_name,
        ParentAccount.email,
        ParentAccount.created_at,
        ParentAccount.phone,
        ParentAccount.name_key,
        ParentAccount.status,
        has_link,
    ).where(ParentAccount.id.in_(list(parent_ids)))
    return [
        r for r in uow.session.execute(query) if r.status is AccountStatus.PENDING and not r[-1]
    ]


@dataclass(frozen=True, order=True)
class SearchEntry:
    """One waiting request in the snapshot: what orders it, who may see it, what finds it."""

    requested_at: datetime
    key: str
    link_id: int | None
    parent_id: int
    schools: frozenset[int]
    text: str


def _searchable(*parts: str | None) -> str:
    """The text a filter is matched against: folded names, email, student ID, phone digits."""
    return " ".join(p for p in parts if p)


def _phone_digits(phone: str | None) -> str:
    return "".join(ch for ch in phone or "" if ch.isdigit())


def _needles(text: str) -> list[str]:
    """The folded words of what the clerk typed; every one must be found."""
    return [n for n in (fold_name(word) for word in text.split()) if n]


class QueueSearch:
    """The searchable text of every waiting request of one database, in waiting order.

    The texts are also joined into one string, so a typed word is found by ``str.find`` (C
    speed, a few milliseconds over 50,000 requests) rather than by a Python loop.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[SearchEntry] = []
        self._blob = ""
        self._starts: list[int] = []
        self._gone: set[str] = set()
        self._views: dict[frozenset[int], tuple[list[SearchEntry], str, list[int]]] = {}
        """The entries some schools' staff may see, joined likewise (built on first use)."""
        self._last_link = 0
        self._last_parent = 0
        self._built_at: float | None = None

    @property
    def ready(self) -> bool:
        """Whether the snapshot has been built."""
        return self._built_at is not None

    def __len__(self) -> int:
        return len(self._entries)

    def build(self, uow: UnitOfWork) -> int:
        """Read every waiting request; returns how many."""
        last_link = uow.session.scalar(select(func.max(StudentLink.id))) or 0
        last_parent = uow.session.scalar(select(func.max(ParentAccount.id))) or 0
        entries = self._read(uow, None, None)
        with self._lock:
            self._gone = set()
            self._install(sorted(entries))
            self._last_link, self._last_parent = last_link, last_parent
            self._built_at = time.monotonic()
        return len(entries)

    def _install(self, entries: list[SearchEntry]) -> None:
        self._entries = entries
        self._blob, self._starts = _joined(entries)
        self._views = {}

    def _view(self, schools: frozenset[int] | None) -> tuple[list[SearchEntry], str, list[int]]:
        """The entries at ``schools`` (``None``: all), their joined text and its offsets.

        A clerk serves a few of the district's schools: searching only their entries spares
        stepping over the matches at every other school on each keystroke.
        """
        if schools is None:
            return self._entries, self._blob, self._starts
        view = self._views.get(schools)
        if view is None:
            entries = [e for e in self._entries if not e.schools.isdisjoint(schools)]
            view = (entries, *_joined(entries))
            self._views[schools] = view
        return view

    def prepare_view(self, schools: frozenset[int] | None) -> None:
        """Build the part of the snapshot staff serving ``schools`` search, ahead of time."""
        with self._lock:
            self._view(schools)

    def _read(
        self, uow: UnitOfWork, link_ids: list[int] | None, parent_ids: list[int] | None
    ) -> list[SearchEntry]:
        """Entries of the waiting links and accounts (only ``*_ids`` when given)."""
        session = uow.session
        entries = []
        links = (
            select(
                StudentLink.id,
                StudentLink.parent_id,
                StudentLink.school_id,
                StudentLink.requested_at,
                ParentAccount.name_key,
                ParentAccount.phone,
                Student.name_key,
                Student.student_number,
            )
            .join(ParentAccount, ParentAccount.id == StudentLink.parent_id)
            .join(Student, Student.id == StudentLink.student_id)
            .where(StudentLink.status == LinkStatus.PENDING)
        )
        if link_ids is not None:
            links = links.where(StudentLink.id.in_(link_ids))
        if link_ids is None or link_ids:
            for (
                link_id,
                parent_id,
                school_id,
                at,
                parent_key,
                phone,
                student_key,
                number,
            ) in session.execute(links):
                entries.append(
                    SearchEntry(
                        at,
                        f"link-{link_id}",
                        link_id,
                        parent_id,
                        frozenset({school_id}),
                        _searchable(
                            parent_key, student_key, number.casefold(), _phone_digits(phone)
                        ),
                    )
                )
        if parent_ids is None:
            has_link = exists().where(StudentLink.parent_id == ParentAccount.id)
            parent_ids = list(
                uow.session.scalars(
                    select(ParentAccount.id).where(
                        ParentAccount.status == AccountStatus.PENDING, ~has_link
                    )
                )
            )
        found = accounts_waiting(uow, parent_ids)
        schools = _schools_by_email(uow, [r.email for r in found])
        for r in found:
            entries.append(
                SearchEntry(
                    r.created_at,
                    f"account-{r.id}",
                    None,
                    r.id,
                    schools.get(r.email, frozenset()),
                    _searchable(r.name_key, _phone_digits(r.phone)),
                )
            )
        return entries

    def top_up(self, uow: UnitOfWork) -> None:
        """Add the requests made since the snapshot (or rebuild it when it is old)."""
        if self._built_at is None or time.monotonic() - self._built_at > REBUILD_AFTER_SECONDS:
            self.build(uow)
            return
        # The newest ids first, in one round trip: a maximum is read off the primary key's
        # end whatever the planner knows, where "ids above" may walk the table on a server
        # without statistics. Most keystrokes stop here.
        newest_link, newest_parent = uow.session.execute(
            select(
                select(func.max(StudentLink.id)).scalar_subquery(),
                select(func.max(ParentAccount.id)).scalar_subquery(),
            )
        ).one()
        if (newest_link or 0) <= self._last_link and (newest_parent or 0) <= self._last_parent:
            return
        # New rows by primary key range first: asked with the status, a planner may prefer
        # the status index and walk every pending row.
        new_links = list(
            uow.session.scalars(select(StudentLink.id).where(StudentLink.id > self._last_link))
        )
        new_parents = list(
            uow.session.scalars(
                select(ParentAccount.id).where(ParentAccount.id > self._last_parent)
            )
        )
        if not new_links and not new_parents:
            return
        entries = self._read(uow, new_links, new_parents)
        with self._lock:
            known = {e.key for e in self._entries}
            added = [e for e in entries if e.key not in known]
            if added:
                self._install(sorted([*self._entries, *added]))
            self._last_link = max([self._last_link, *new_links])
            self._last_parent = max([self._last_parent, *new_parents])

    def candidates(
        self, school_ids: Collection[int] | None, text: str, newest_first: bool
    ) -> Iterator[SearchEntry]:
        """The snapshot's entries the clerk may see whose text holds every typed word."""
        needles = _needles(text)
        wanted = None if school_ids is None else frozenset(school_ids)
        with self._lock:
            entries, blob, starts = self._view(wanted)
            gone = set(self._gone)
        if needles:
            anchor = max(needles, key=len)
            others = [n for n in needles if n is not anchor]
            indexes = _occurrences(blob, starts, anchor, newest_first)
        else:
            others = []
            indexes = iter(range(len(entries) - 1, -1, -1) if newest_first else range(len(entries)))
        for index in indexes:
            entry = entries[index]
            if entry.key in gone:
                continue
            if all(n in entry.text for n in others):
                yield entry

    def forget(self, keys: Iterable[str]) -> None:
        """Drop entries the database says no longer wait."""
        with self._lock:
            self._gone.update(keys)


def _joined(entries: list[SearchEntry]) -> tuple[str, list[int]]:
    """The entries' texts on one line each, and where each one starts."""
    starts = []
    offset = 0
    for entry in entries:
        starts.append(offset)
        offset += len(entry.text) + 1
    return "\n".join(e.text for e in entries), starts


def _occurrences(blob: str, starts: list[int], needle: str, backwards: bool) -> Iterator[int]:
    """Indexes of the entries whose text holds ``needle``, in (or against) blob order."""
    if backwards:
        end = len(blob)
        while end > 0 and (at := blob.rfind(needle, 0, end)) != -1:
            index = bisect_right(starts, at) - 1
            yield index
            end = starts[index]  # the rest of this entry is already seen
    else:
        begin = 0
        while (at := blob.find(needle, begin)) != -1:
            index = bisect_right(starts, at) - 1
            yield index
            begin = starts[index + 1] if index + 1 < len(starts) else len(blob)


def _schools_by_email(uow: UnitOfWork, emails: list[str]) -> dict[str, frozenset[int]]:
    """The schools at which each email is on a student's record."""
    found: dict[str, set[int]] = {}
    for start in range(0, len(emails), 500):
        chunk = emails[start : start + 500]
        rows = uow.session.execute(
            select(Contact.email, Student.school_id)
            .join(Student, Student.id == Contact.student_id)
            .where(Contact.email.in_(chunk))
            .distinct()
        )
        for email, school_id in rows:
            if email is None:
                continue
            found.setdefault(email, set()).add(school_id)
    return {email: frozenset(ids) for email, ids in found.items()}


_searches: weakref.WeakKeyDictionary[Engine, QueueSearch] = weakref.WeakKeyDictionary()
_searches_lock = threading.Lock()


def queue_search(uow: UnitOfWork) -> QueueSearch:
    """The search snapshot of this unit of work's database (one per process and database)."""
    engine = uow.session.get_bind()
    assert isinstance(engine, Engine)
    with _searches_lock:
        search = _searches.get(engine)
        if search is None:
            search = _searches[engine] = QueueSearch()
    return search
