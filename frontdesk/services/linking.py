"""A parent links a child already enrolled (R9, R10, R11).

The student is found by the identifiers the district requires; every one must match (a name
as a clerk reads it, in either order: :func:`frontdesk.names.full_name_matches`). A failed
attempt gets one neutral answer, says nothing of which identifier was wrong or whether the
student exists, and counts against the parent, the workstation and the student it names
(:func:`student_subjects`), per window and per day, so that guessing one child's identifiers
is capped however many accounts and kiosks take part.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import combinations
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select

from frontdesk import text
from frontdesk.db.models import (
    AccountStatus,
    LinkStatus,
    ParentAccount,
    Student,
    StudentLink,
    StudentPhoto,
)
from frontdesk.db.uow import UnitOfWork
from frontdesk.district_settings import Identifier
from frontdesk.errors import (
    AccountNotApproved,
    FieldErrors,
    LinkAlreadyExists,
    RateLimited,
    StudentNotMatched,
)
from frontdesk.i18n import Msg
from frontdesk.names import fold_name, full_name_matches, names_match
from frontdesk.security import digests_equal
from frontdesk.services import ratelimit
from frontdesk.services.audit import Actor, AuditAction, record
from frontdesk.services.kiosk import HumanAnswer, date_problem, typed_date
from frontdesk.services.passwords import CLOSED
from frontdesk.services.ratelimit import AttemptKind, Limit
from frontdesk.services.sessions import ParentSession, current_parent

if TYPE_CHECKING:
    from frontdesk.db.engine import Database

DAY = timedelta(days=1)
"""The second, longer window of the per-student limit."""
SECRET = "ssn"
"""The identifier group no record keeps readable (only its digest)."""


class ChildIdentifiers(BaseModel):
    """What the add-a-child form submits; only the district's identifiers are looked at."""

    model_config = ConfigDict(str_strip_whitespace=True)

    first_name: str = ""
    last_name: str = ""
    student_id: str = ""
    birthdate: date | None = None
    ssn_last4: str = ""


@dataclass(frozen=True)
class LinkedStudent:
    """What the parent sees once a link is submitted: name, photo, and where it stands."""

    link_id: int
    student_id: int
    first_name: str
    last_name: str
    school_name: str
    grade: str
    status: LinkStatus
    photo: bytes | None

    @classmethod
    def shown(cls, link: StudentLink, student: Student, photo: bytes | None) -> LinkedStudent:
        """What a parent is shown of ``student`` once ``link`` is made (by the child-link form
        or a letter code)."""
        return cls(
            link_id=link.id,
            student_id=student.id,
            first_name=student.first_name,
            last_name=student.last_name,
            school_name=student.school.name,
            grade=student.grade,
            status=link.status,
            photo=photo,
        )


def missing_identifiers(uow: UnitOfWork, given: ChildIdentifiers) -> dict[str, Msg]:
    """The identifiers the district asks for that were left empty or are malformed.

    Every text typed is checked, asked for or not: each may end up in a lookup or a count."""
    problems = text.field_problems(
        {name: getattr(given, name) for name in ("first_name", "last_name", "student_id")}
    )
    for identifier in uow.settings.identifiers_asked():
        value = getattr(given, identifier.value)
        if value in ("", None):
            problems[identifier.value] = Msg("This field is required.")
    last4 = given.ssn_last4
    if last4 and (len(last4) != 4 or not last4.isdigit()):
        problems["ssn_last4"] = Msg("Enter exactly 4 digits.")
    return problems


def _candidates(uow: UnitOfWork, given: ChildIdentifiers) -> list[Student]:
    required = set(uow.settings.identifiers_asked())
    query = select(Student).where(Student.active.is_(True))
    if Identifier.STUDENT_ID in required:
        query = query.where(Student.student_number == given.student_id)
    else:  # the settings guarantee the birthdate is asked when the student ID is not
        query = query.where(Student.birthdate == given.birthdate)
    return list(uow.session.scalars(query))


def _names_match(asked: Collection[Identifier], student: Student, given: ChildIdentifiers) -> bool:
    """The name fields asked, read as a clerk reads them: both asked, the whole name in
    either order (:func:`frontdesk.names.full_name_matches`); one asked, that one."""
    first, last = Identifier.FIRST_NAME in asked, Identifier.LAST_NAME in asked
    if first and last:
        return full_name_matches(
            given.first_name, given.last_name, student.first_name, student.last_name
        )
    return (not first or names_match(given.first_name, student.first_name)) and (
        not last or names_match(given.last_name, student.last_name)
    )


def _matches(uow: UnitOfWork, student: Student, given: ChildIdentifiers) -> bool:
    asked = uow.settings.identifiers_asked()
    for identifier in asked:
        match identifier:
            case Identifier.FIRST_NAME | Identifier.LAST_NAME:
                ok = _names_match(asked, student, given)
            case Identifier.STUDENT_ID:
                ok = given.student_id.casefold() == student.student_number.casefold()
            case Identifier.BIRTHDATE:
                ok = given.birthdate == student.birthdate
            case Identifier.SSN_LAST4:
                # A record without SSN digits cannot be matched by them: the parent is sent
                # to the front office like any other miss.
                ok = digests_equal(
                    student.ssn_last4_digest,
                    uow.runtime.keyring.ssn_last4_digest(student.student_number, given.ssn_last4),
                )
        if not ok:
            return False
    return True


def find_student(uow: UnitOfWork, given: ChildIdentifiers) -> Student | None:
    """The enrolled student every required identifier matches, if exactly one does."""
    found = [s for s in _candidates(uow, given) if _matches(uow, s, given)]
    return found[0] if len(found) == 1 else None


def _identifier_groups(asked: Collection[Identifier], given: ChildIdentifiers) -> dict[str, str]:
    """What ``given`` says in each identifier group asked, folded the way matching folds it."""
    parts: dict[str, str] = {}
    if Identifier.STUDENT_ID in asked:
        parts["id"] = given.student_id.casefold()
    names = "".join(
        fold_name(getattr(given, i.value))
        for i in (Identifier.FIRST_NAME, Identifier.LAST_NAME)
        if i in asked
    )
    if names:
        # The letters in any order: every way :func:`_names_match` reads one name (fields
        # swapped, words split otherwise between them) gives the same key.
        parts["name"] = "".join(sorted(names))
    if Identifier.BIRTHDATE in asked:
        parts["born"] = given.birthdate.isoformat() if given.birthdate else ""
    if Identifier.SSN_LAST4 in asked:
        parts[SECRET] = given.ssn_last4
    return parts


def student_subjects(
    uow: UnitOfWork, given: ChildIdentifiers, *, with_secret: bool = True
) -> list[str]:
    """The per-student subjects a link attempt with ``given`` counts against.

    A guesser keeps what they know of a child and varies what they do not. So, of the groups
    that name a child (student ID, name, birthdate), each subject leaves one out: whichever
    is being guessed, the others hold one subject steady, and guessing the SSN digits holds
    them all. Where one group alone names the child, the SSN digits make the second subject.
    Every guess against one child is then counted together, from any account and any kiosk;
    values are folded as matching folds them, so every spelling of a child counts as one.

    The subjects are keyed digests of what was typed, never looked up: which limit trips
    then depends only on what was typed before and says nothing of who is enrolled (a
    subject looked up in the roster would, by tripping for one value and not for another).
    Nothing typed is stored, only the digests. ``with_secret=False`` leaves out the subject
    made of the SSN digits (counting from a student's record, which has none readable).
    """
    parts = _identifier_groups(uow.settings.identifiers_asked(), given)
    naming = sorted(group for group in parts if group != SECRET)
    combos: list[tuple[str, ...]] = list(combinations(naming, len(naming) - 1))
    if len(naming) < 2:
        combos = [tuple(naming)] + ([(SECRET,)] if SECRET in parts and with_secret else [])
    return [
        "student:"
        + uow.runtime.keyring.digest(
            "link-student", *(f"{group}={parts[group]}" for group in combo)
        )[:32]
        for combo in combos
    ]


@dataclass(frozen=True)
class NamedLimit:
    setting: str
    """The :class:`RateLimits` field that sets it (what the audit trail names)."""
    counted_by: str
    limit: Limit


def account_limits(uow: UnitOfWork, parent_id: int) -> list[NamedLimit]:
    """The child-link limits of the account and the workstation (a wrong letter code counts
    against them too: guessing gets no budget of its own)."""
    limits = uow.settings.rate_limits
    window = timedelta(minutes=limits.window_minutes)
    return [
        NamedLimit(
            "link_failures_per_parent",
            "parent",
            Limit(f"parent:{parent_id}", limits.link_failures_per_parent, window),
        ),
        NamedLimit(
            "link_failures_per_workstation",
            "workstation",
            Limit(f"workstation:{uow.workstation}", limits.link_failures_per_workstation, window),
        ),
    ]


def _limits(uow: UnitOfWork, parent_id: int, given: ChildIdentifiers) -> list[NamedLimit]:
    limits = uow.settings.rate_limits
    window = timedelta(minutes=limits.window_minutes)
    found = account_limits(uow, parent_id)
    for subject in student_subjects(uow, given):
        found.append(
            NamedLimit(
                "link_failures_per_student",
                "student",
                Limit(subject, limits.link_failures_per_student, window),
            )
        )
        found.append(
            NamedLimit(
                "link_failures_per_student_per_day",
                "student",
                Limit(subject, limits.link_failures_per_student_per_day, DAY),
            )
        )
    return found


def refuse_if_limited(
    uow: UnitOfWork, parent: ParentAccount, limits: list[NamedLimit], **detail: object
) -> None:
    """Raise ``RateLimited`` (audited, naming the limit) when one of ``limits`` is reached.
    The counts stay held until the transaction ends, so a burst queues and each attempt sees
    the ones before."""
    hit = ratelimit.reached(uow, AttemptKind.LINK_FAILED, [n.limit for n in limits])
    if hit is None:
        return
    named = next(n for n in limits if n.limit is hit)
    record(
        uow,
        Actor.parent(parent),
        AuditAction.RATE_LIMITED,
        ("parent", parent.id),
        limit=named.setting,
        counted_by=named.counted_by,
        window_minutes=int(hit.window.total_seconds() // 60),
        **detail,
    )
    raise RateLimited()


def student_photo(uow: UnitOfWork, student_id: int) -> bytes | None:
    """The student's photo, if the school has one on file."""
    photo = uow.session.get(StudentPhoto, student_id)
    return photo.data if photo else None


def request_link(uow: UnitOfWork, session: ParentSession, given: ChildIdentifiers) -> LinkedStudent:
    """Link the child the identifiers name to the signed-in parent's account."""
    parent = current_parent(uow, session)
    if parent.status in CLOSED:
        # A match would show the child's name and photo: no student data for a closed account.
        raise AccountNotApproved()
    problems = missing_identifiers(uow, given)
    if problems:
        raise FieldErrors(problems)
    # One step: the subjects are held until this transaction ends, so a burst of attempts
    # naming one student (or from one parent, one kiosk) queues and each sees the others.
    limits = _limits(uow, parent.id, given)
    refuse_if_limited(uow, parent, limits)
    student = find_student(uow, given)
    if student is None:
        subjects = dict.fromkeys(n.limit.subject for n in limits)
        ratelimit.note(uow, AttemptKind.LINK_FAILED, *subjects)
        record(
            uow,
            Actor.parent(parent),
            AuditAction.LINK_REQUEST_FAILED,
            ("parent", parent.id),
            identifiers=[i.value for i in uow.settings.identifiers_asked()],
        )
        raise StudentNotMatched()
    existing = uow.session.scalar(
        select(StudentLink).where(
            StudentLink.parent_id == parent.id, StudentLink.student_id == student.id
        )
    )
    if existing is not None:
        raise LinkAlreadyExists()
    live = uow.settings.links_bypass_verification and parent.status is AccountStatus.ACTIVE
    link = StudentLink(
        parent_id=parent.id,
        student_id=student.id,
        school_id=student.school_id,
        status=LinkStatus.APPROVED if live else LinkStatus.PENDING,
        matched_identifiers=[i.value for i in uow.settings.identifiers_asked()],
        requested_at=uow.now(),
        requested_workstation=uow.workstation,
        decided_at=uow.now() if live else None,
    )
    uow.session.add(link)
    uow.session.flush()
    photo = student_photo(uow, student.id) if student.has_photo else None
    # R10 shows the matched student's name and photo at once: a disclosure, so it is audited.
    record(
        uow,
        Actor.parent(parent),
        AuditAction.LINK_REQUEST,
        ("student_link", link.id),
        student_id=student.id,
        status=link.status.value,
        disclosed=["name", "photo"] if photo else ["name"],
    )
    return LinkedStudent.shown(link, student, photo)


class TypedChild(BaseModel):
    """The identifiers as the parent typed them (the birthdate as text, in their language)."""

    first_name: str = ""
    last_name: str = ""
    student_id: str = ""
    birthdate: str = ""
    ssn_last4: str = ""


def ask_for_child(
    database: Database,
    session: ParentSession,
    typed: TypedChild,
    language: str,
    human: HumanAnswer,
) -> LinkedStudent:
    """The add-a-child form sent at the kiosk: a birthdate that cannot be read and a human
    check not passed are told beside their fields, with nothing looked up; otherwise the link
    is requested (:func:`request_link`) in one unit of work."""
    problems = human.problems()
    if (problem := date_problem(typed.birthdate, language)) is not None:
        problems["birthdate"] = problem
    if problems:
        raise FieldErrors(problems)
    given = ChildIdentifiers(
        first_name=typed.first_name,
        last_name=typed.last_name,
        student_id=typed.student_id,
        birthdate=typed_date(typed.birthdate, language),
        ssn_last4=typed.ssn_last4,
    )
    with database.write() as uow:
        return request_link(uow, session, given)
