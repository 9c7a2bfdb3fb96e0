"""Letters for a whole school at once (``frontdesk letters``, L1).

One page per guardian and student: every contact with portal access of the school's enrolled
students (of one grade, if asked), or only those not linked yet. It is one action, so one
transaction: the codes are issued, the pages laid out, and the PDF written beside ``out``;
only once the transaction has committed is it renamed to ``out``. A run that fails leaves
no code issued that nobody received, and no PDF with codes that do not work.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from sqlalchemy import and_, exists, select

from frontdesk.db.models import Contact, LinkStatus, ParentAccount, School, Student, StudentLink
from frontdesk.db.uow import UnitOfWork
from frontdesk.errors import DomainError
from frontdesk.i18n import Msg
from frontdesk.services.audit import Actor, AuditAction, record
from frontdesk.services.letter_issuing import (
    Issuer,
    account_languages,
    issue_codes,
    letter_page,
    letterhead,
    lock_contacts,
    page_language,
)
from frontdesk.services.letter_pdf import LetterWriter

if TYPE_CHECKING:
    from frontdesk.db.engine import Database

CHUNK: Final = 500
"""Guardians issued and laid out together: bulk statements, and a small session."""


class SchoolNotFound(DomainError):
    """No school has the ID given."""

    def __init__(self, code: str) -> None:
        super().__init__(Msg("There is no school with the ID {code}.", code=code))


@dataclass(frozen=True)
class LetterRun:
    """Which letters to print."""

    school: str
    """The SIS's school ID (``School.code``)."""
    grade: str | None = None
    only_unlinked: bool = False
    """Leave out guardians already linked to the student (see :func:`_guardians`)."""
    public_url: str | None = None
    """The parent portal's address for the QR codes (default: the runtime's portal URL)."""


@dataclass(frozen=True)
class LetterBatch:
    """What a run printed."""

    school_name: str
    pages: int
    out: Path


def _guardians(uow: UnitOfWork, school_id: int, run: LetterRun) -> list[int]:
    """The contacts to write to, in the order the pages go (by student, then contact).

    A guardian is linked when an account made with the email the record gives for them has
    the student approved or waiting: the account of someone the record does not give an
    email for cannot be told apart, so they get a letter (one more way in, not a way past).
    """
    query = (
        select(Contact.id)
        .join(Student, Student.id == Contact.student_id)
        .where(
            Student.school_id == school_id,
            Student.active.is_(True),
            Contact.portal_access.is_(True),
        )
        .order_by(Student.last_name, Student.first_name, Student.id, Contact.id)
    )
    if run.grade is not None:
        query = query.where(Student.grade == run.grade)
    if run.only_unlinked:
        linked = exists().where(
            and_(
                StudentLink.student_id == Contact.student_id,
                StudentLink.status.in_([LinkStatus.APPROVED, LinkStatus.PENDING]),
                ParentAccount.id == StudentLink.parent_id,
                ParentAccount.email == Contact.email,
            )
        )
        query = query.where(~linked)
    return list(uow.session.scalars(query))


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def print_letters(database: Database, actor: Actor, run: LetterRun, out: Path) -> LetterBatch:
    """Issue a letter code for each guardian ``run`` names and write their letters to ``out``
    (one page each), replacing the letters they had; all in one transaction. No guardian to
    write to: nothing is written (``pages`` is 0)."""
    staged = out.with_name(f".{out.name}.partial")
    try:
        with database.write() as uow:
            school = uow.session.scalar(select(School).where(School.code == run.school))
            if school is None:
                raise SchoolNotFound(run.school)
            head = letterhead(uow, run.public_url)
            writer = LetterWriter(head)
            issuer = Issuer(actor, None, actor.name, in_bulk=True)
            letter_ids: list[int] = []
            for chunk in _chunks(_guardians(uow, school.id, run)):
                contacts = lock_contacts(uow, chunk)
                # Their students in one query: each contact's then comes from the session.
                students = {c.student_id for c in contacts}
                uow.session.scalars(select(Student).where(Student.id.in_(students))).all()
                # Locked in id order; printed in the order the pages go.
                by_id = {c.id: c for c in contacts}
                contacts = [by_id[i] for i in chunk if i in by_id]
                languages = account_languages(uow, [c.email for c in contacts])
                for issued, contact in zip(
                    issue_codes(uow, contacts, issuer), contacts, strict=True
                ):
                    language = page_language(uow.settings, languages.get(contact.email or ""))
                    writer.add(letter_page(head, issued, contact, contact.student, language))
                    letter_ids.append(issued.letter.id)
                uow.session.expunge_all()  # ten thousand guardians need not stay in memory
            record(
                uow,
                actor,
                AuditAction.LETTER_PRINT,
                ("school", school.id),
                pages=writer.pages,
                grade=run.grade,
                only_unlinked=run.only_unlinked,
                first_letter_id=letter_ids[0] if letter_ids else None,
                last_letter_id=letter_ids[-1] if letter_ids else None,
            )
            if writer.pages:
                writer.save(staged)
            school_name = school.name
        if writer.pages:
            os.replace(staged, out)
    finally:
        staged.unlink(missing_ok=True)
    return LetterBatch(school_name=school_name, pages=writer.pages, out=out)
