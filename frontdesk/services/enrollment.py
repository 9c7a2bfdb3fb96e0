"""A parent applies to enroll a new child at a school (R12)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from frontdesk import text
from frontdesk.db.models import ApplicationStatus, EnrollmentApplication, School
from frontdesk.db.uow import UnitOfWork
from frontdesk.errors import FieldErrors
from frontdesk.i18n import Msg
from frontdesk.services.audit import Actor, AuditAction, record
from frontdesk.services.kiosk import date_problem, typed_date
from frontdesk.services.sessions import ParentSession, current_parent

if TYPE_CHECKING:
    from frontdesk.db.engine import Database


class EnrollmentForm(BaseModel):
    """What the enrollment application form submits."""

    model_config = ConfigDict(str_strip_whitespace=True)

    school_id: int | None = None
    child_first_name: str = ""
    child_last_name: str = ""
    child_birthdate: date | None = None
    grade: str = ""
    notes: str = ""


def apply_for_enrollment(uow: UnitOfWork, session: ParentSession, form: EnrollmentForm) -> int:
    """Record the application for the chosen school, where its staff will see it."""
    parent = current_parent(uow, session)
    problems = text.field_problems(
        {n: getattr(form, n) for n in ("child_first_name", "child_last_name", "grade", "notes")}
    )
    for name in ("child_first_name", "child_last_name", "grade"):
        if not getattr(form, name):
            problems[name] = Msg("This field is required.")
    if form.child_birthdate is None:
        problems["child_birthdate"] = Msg("This field is required.")
    elif form.child_birthdate > uow.now().date():
        problems["child_birthdate"] = Msg("The birthdate cannot be in the future.")
    school = uow.session.get(School, form.school_id) if form.school_id is not None else None
    if school is None:
        problems["school_id"] = Msg("Choose a school.")
    if problems:
        raise FieldErrors(problems)
    assert school is not None and form.child_birthdate is not None
    application = EnrollmentApplication(
        parent_id=parent.id,
        school_id=school.id,
        child_first_name=form.child_first_name,
        child_last_name=form.child_last_name,
        child_birthdate=form.child_birthdate,
        grade=form.grade,
        notes=form.notes,
        status=ApplicationStatus.SUBMITTED,
        submitted_at=uow.now(),
    )
    uow.session.add(application)
    uow.session.flush()
    record(
        uow,
        Actor.parent(parent),
        AuditAction.ENROLLMENT_APPLY,
        ("enrollment", application.id),
        school_id=school.id,
    )
    return application.id


class TypedApplication(BaseModel):
    """The application as the parent typed it (the birthdate as text, in their language)."""

    school_id: int | None = None
    child_first_name: str = ""
    child_last_name: str = ""
    child_birthdate: str = ""
    grade: str = ""
    notes: str = ""


def submit_application(
    database: Database, session: ParentSession, typed: TypedApplication, language: str
) -> int:
    """The application sent at the kiosk: a birthdate that cannot be read is told beside its
    field; otherwise it is recorded (:func:`apply_for_enrollment`) in one unit of work."""
    if (problem := date_problem(typed.child_birthdate, language)) is not None:
        raise FieldErrors({"child_birthdate": problem})
    form = EnrollmentForm(
        **typed.model_dump(exclude={"child_birthdate"}),
        child_birthdate=typed_date(typed.child_birthdate, language),
    )
    with database.write() as uow:
        return apply_for_enrollment(uow, session, form)
