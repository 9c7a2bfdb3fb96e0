"""A clerk opens a waiting request (V2): the parent beside what the school has on record.

Showing a student's record at the desk discloses it, so opening a request is audited
(``student.disclose``) and only shows students of the schools the clerk serves.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import exists, func, select

from frontdesk.db.engine import Database
from frontdesk.db.models import (
    AccountStatus,
    Attempt,
    AuditEvent,
    Contact,
    IdentityCheck,
    IdType,
    LinkStatus,
    ParentAccount,
    School,
    Staff,
    StaffRole,
    Student,
    StudentLink,
)
from frontdesk.db.uow import UnitOfWork
from frontdesk.errors import LinkNotFound, NotAllowed
from frontdesk.names import full_name_matches
from frontdesk.services.audit import Actor, AuditAction, record
from frontdesk.services.letters import LetterEvidence, letter_evidence
from frontdesk.services.linking import DAY, ChildIdentifiers, student_photo, student_subjects
from frontdesk.services.ratelimit import AttemptKind
from frontdesk.services.sessions import DECIDERS, StaffSession, current_staff


@dataclass(frozen=True)
class ContactOnRecord:
    """A person on the student's record, and whether it is the parent at the counter."""

    name: str
    relationship: str
    email: str | None
    phone: str | None
    portal_access: bool
    matched_by: str | None
    """``"email"`` or ``"name"`` when this contact is the requesting parent, else ``None``."""


@dataclass(frozen=True)
class ChildRequest:
    """One child the parent asked for, with the school's record of that child."""

    link_id: int
    student_id: int
    student_number: str
    student_name: str
    school_name: str
    grade: str
    birthdate: date
    active: bool
    status: LinkStatus
    requested_at: datetime
    matched_identifiers: list[str]
    contacts: list[ContactOnRecord]
    failed_attempts: int
    """Failed link attempts naming this student (any account, any kiosk): its ID, or its name
    and birthdate, as the district's identifiers go (:func:`linking.student_subjects`)."""
    failed_attempts_day: int
    """Of those, the ones in the last 24 hours (what the per-day limit counts)."""
    photo: bytes | None
    decided_by: str | None
    reason: str | None
    letter: LetterEvidence | None = None
    """The letter code this link was made with (L1): mailed to a guardian on record, it is
    the evidence the clerk decides on (approving needs no photo-ID check then)."""

    @property
    def parent_on_record(self) -> ContactOnRecord | None:
        """The contact on the record that is this parent, if any."""
        return next((c for c in self.contacts if c.matched_by), None)


@dataclass(frozen=True)
class CheckOnRecord:
    """A photo-ID check already recorded for the parent (never the ID's digits)."""

    id_type: IdType
    id_expires: date
    name_matches: bool
    staff_name: str
    checked_at: datetime
    workstation: str


@dataclass(frozen=True)
class RequestView:
    """Everything the clerk looks at before deciding."""

    parent_id: int
    first_name: str
    last_name: str
    email: str
    phone: str | None
    address: str
    relationship: str | None
    status: AccountStatus
    status_reason: str | None
    language: str
    created_at: datetime
    created_workstation: str
    children: list[ChildRequest]
    other_schools: list[str]
    """Schools this clerk does not serve where the parent also waits (no student data)."""
    failed_link_attempts: int
    rate_limit_hits: int
    checks: list[CheckOnRecord]
    now: datetime

    @property
    def name(self) -> str:
        """The parent's full name."""
        return f"{self.first_name} {self.last_name}"

    @property
    def waiting_since(self) -> datetime:
        """When the oldest thing still waiting was asked for."""
        pending = [c.requested_at for c in self.children if c.status is LinkStatus.PENDING]
        return min(pending) if pending else self.created_at

    @property
    def pending_link_ids(self) -> list[int]:
        """The links this clerk can still approve or deny."""
        return [c.link_id for c in self.children if c.status is LinkStatus.PENDING]

    @property
    def has_passing_check(self) -> bool:
        """Whether a photo-ID check with a matching name is on record."""
        return any(c.name_matches for c in self.checks)


def _contacts(uow: UnitOfWork, student_id: int, parent: ParentAccount) -> list[ContactOnRecord]:
    found = []
    for c in uow.session.scalars(
        select(Contact).where(Contact.student_id == student_id).order_by(Contact.id)
    ):
        matched_by = None
        if c.email and c.email == parent.email:
            matched_by = "email"
        elif full_name_matches(parent.first_name, parent.last_name, c.first_name, c.last_name):
            matched_by = "name"  # as a clerk reads it: "Nguyễn" + "Thị Mai" is "Thị Mai Nguyễn"
        found.append(
            ContactOnRecord(
                name=f"{c.first_name} {c.last_name}",
                relationship=c.relationship,
                email=c.email,
                phone=c.phone,
                portal_access=c.portal_access,
                matched_by=matched_by,
            )
        )
    return found


def _count_audit(uow: UnitOfWork, action: AuditAction, parent_id: int) -> int:
    return (
        uow.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(
                AuditEvent.subject_kind == "parent",
                AuditEvent.subject_id == parent_id,
                AuditEvent.action == action.value,
            )
        )
        or 0
    )


def _failed_for_student(uow: UnitOfWork, student: Student) -> tuple[int, int]:
    """Failed link attempts naming ``student`` (any account, any kiosk): ever, and in the last
    day. An attempt counts against several per-student subjects, so the busiest one says how
    many attempts named this child."""
    named = ChildIdentifiers(
        first_name=student.first_name,
        last_name=student.last_name,
        student_id=student.student_number,
        birthdate=student.birthdate,
    )
    since = uow.now() - DAY
    rows = uow.session.execute(
        select(func.count(), func.count().filter(Attempt.at > since))
        .where(
            Attempt.kind == AttemptKind.LINK_FAILED,
            Attempt.subject.in_(student_subjects(uow, named, with_secret=False)),
        )
        .group_by(Attempt.subject)
    ).all()
    return max((r[0] for r in rows), default=0), max((r[1] for r in rows), default=0)


def _email_on_record_at(uow: UnitOfWork, email: str, school_ids: Collection[int]) -> bool:
    return bool(
        uow.session.scalar(
            select(
                exists()
                .where(Contact.email == email)
                .where(Student.id == Contact.student_id)
                .where(Student.school_id.in_(list(school_ids)))
            )
        )
    )


def _checks(uow: UnitOfWork, parent_id: int) -> list[CheckOnRecord]:
    rows = uow.session.execute(
        select(IdentityCheck, Staff.display_name)
        .join(Staff, Staff.id == IdentityCheck.staff_id)
        .where(IdentityCheck.parent_id == parent_id)
        .order_by(IdentityCheck.checked_at.desc(), IdentityCheck.id.desc())
    )
    return [
        CheckOnRecord(
            id_type=check.id_type,
            id_expires=check.id_expires,
            name_matches=check.name_matches,
            staff_name=name,
            checked_at=check.checked_at,
            workstation=check.workstation,
        )
        for check, name in rows
    ]


def open_request(
    uow: UnitOfWork, session: StaffSession, parent_id: int, *, record_disclosure: bool = True
) -> RequestView:
    """The parent's request as the clerk sees it; records the disclosure of student data.

    ``record_disclosure=False`` only for re-reading a request already open at the desk (after
    a decision), where the same records were disclosed when it was opened, and for reading
    ahead the request the clerk's queue cursor is on, which is disclosed when it is opened.
    """
    staff = current_staff(uow, session, *DECIDERS)
    parent = uow.session.get(ParentAccount, parent_id)
    if parent is None:
        raise LinkNotFound()
    links = uow.session.scalars(
        select(StudentLink)
        .where(StudentLink.parent_id == parent_id)
        .order_by(StudentLink.requested_at, StudentLink.id)
    ).all()
    served = [link for link in links if session.serves(link.school_id)]
    if links and not served:
        raise NotAllowed()
    if (
        not links
        and session.role is not StaffRole.ADMIN
        and not _email_on_record_at(uow, parent.email, session.school_ids)
    ):
        raise NotAllowed()
    other_school_ids = {link.school_id for link in links} - {link.school_id for link in served}
    other_schools = (
        list(
            uow.session.scalars(
                select(School.name).where(School.id.in_(other_school_ids)).order_by(School.name)
            )
        )
        if other_school_ids
        else []
    )
    letters = letter_evidence(uow, [link.id for link in served])
    children = []
    for link in served:
        student: Student = link.student
        failed, failed_today = _failed_for_student(uow, student)
        children.append(
            ChildRequest(
                link_id=link.id,
                student_id=student.id,
                student_number=student.student_number,
                student_name=f"{student.first_name} {student.last_name}",
                school_name=student.school.name,
                grade=student.grade,
                birthdate=student.birthdate,
                active=student.active,
                status=link.status,
                requested_at=link.requested_at,
                matched_identifiers=list(link.matched_identifiers),
                contacts=_contacts(uow, student.id, parent),
                failed_attempts=failed,
                failed_attempts_day=failed_today,
                photo=student_photo(uow, student.id) if student.has_photo else None,
                decided_by=link.decided_by.display_name if link.decided_by else None,
                reason=link.reason,
                letter=letters.get(link.id),
            )
        )
    if children and record_disclosure:
        record(
            uow,
            Actor.staff(staff),
            AuditAction.STUDENT_DISCLOSE,
            ("parent", parent.id),
            student_ids=[c.student_id for c in children],
            disclosed=["record", "contacts", "photo"],
        )
    address = ", ".join(
        p
        for p in (
            parent.address_street,
            parent.address_city,
            parent.address_state,
            parent.address_postal_code,
        )
        if p
    )
    return RequestView(
        parent_id=parent.id,
        first_name=parent.first_name,
        last_name=parent.last_name,
        email=parent.email,
        phone=parent.phone,
        address=address,
        relationship=parent.relationship,
        status=parent.status,
        status_reason=parent.status_reason,
        language=parent.language,
        created_at=parent.created_at,
        created_workstation=parent.created_workstation,
        children=children,
        other_schools=other_schools,
        failed_link_attempts=_count_audit(uow, AuditAction.LINK_REQUEST_FAILED, parent.id),
        rate_limit_hits=_count_audit(uow, AuditAction.RATE_LIMITED, parent.id),
        checks=_checks(uow, parent.id),
        now=uow.now(),
    )


def read_request(
    database: Database, session: StaffSession, parent_id: int, *, disclose: bool
) -> RequestView:
    """The parent's request as the clerk sees it, in a unit of work of its own.

    ``disclose``: the clerk is shown it now, which is recorded (see :func:`open_request`);
    otherwise it is a re-read after a decision, or a read ahead of the clerk opening it.
    """
    if disclose:
        with database.write() as uow:
            return open_request(uow, session, parent_id)
    with database.read() as uow:
        return open_request(uow, session, parent_id, record_disclosure=False)
