"""A parent makes an account (R3a, R4, R5, R6 is the screen's part)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field, SecretStr
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError

from frontdesk import text
from frontdesk.db.models import AccountStatus, Contact, ParentAccount, Student
from frontdesk.db.uow import UnitOfWork
from frontdesk.district_settings import AccountField, DistrictSettings
from frontdesk.errors import (
    EmailAlreadyRegistered,
    EmailNotOnRecord,
    FieldErrors,
    RateLimited,
    SignUpPaused,
)
from frontdesk.i18n import Msg
from frontdesk.names import search_key
from frontdesk.services import ratelimit
from frontdesk.services.audit import ANONYMOUS, Actor, AuditAction, record
from frontdesk.services.kiosk import HumanAnswer
from frontdesk.services.password_policy import password_problem
from frontdesk.services.ratelimit import AttemptKind, Limit
from frontdesk.services.sessions import ParentSession, parent_session
from frontdesk.services.signin import forget_failures, parent_subject

if TYPE_CHECKING:
    from frontdesk.db.engine import Database

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")
_PHONE_DIGITS = re.compile(r"\d")

REQUIRED = Msg("This field is required.")
ACCOUNT_TEXTS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "address_street",
    "address_city",
    "address_state",
    "address_postal_code",
    "relationship",
)
"""The account form's texts, each kept in a column of its own (lengths in ``frontdesk.text``)."""


class AccountForm(BaseModel):
    """What the new-account form submits. Every field is kept as typed, so nothing is lost."""

    model_config = ConfigDict(str_strip_whitespace=True)

    first_name: str = ""
    last_name: str = ""
    email: str = ""
    phone: str = ""
    address_street: str = ""
    address_city: str = ""
    address_state: str = ""
    address_postal_code: str = ""
    relationship: str = ""
    password: SecretStr = SecretStr("")
    password_confirm: SecretStr = SecretStr("")
    extra: dict[str, str] = Field(default_factory=dict)
    language: str = "en"


def normalize_email(email: str) -> str:
    """How emails are compared and stored: trimmed and lower-cased."""
    return email.strip().lower()


def is_email(typed: str) -> bool:
    """Whether ``typed`` looks like an email address (one @, a dotted domain, no spaces)."""
    return bool(_EMAIL.match(typed))


def field_problems(form: AccountForm, settings: DistrictSettings) -> dict[str, Msg]:
    """Each field that is wrong under the district's rules, with why."""
    problems = text.field_problems({name: getattr(form, name) for name in ACCOUNT_TEXTS})
    required = {"first_name", "last_name", "email"}
    if AccountField.PHONE in settings.required_account_fields:
        required.add("phone")
    if AccountField.RELATIONSHIP in settings.required_account_fields:
        required.add("relationship")
    if AccountField.ADDRESS in settings.required_account_fields:
        required |= {"address_street", "address_city", "address_state", "address_postal_code"}
    for name in sorted(required):
        if not getattr(form, name):
            problems[name] = REQUIRED
    if form.email and not is_email(form.email):
        problems.setdefault("email", Msg("Enter an email address like name@example.com."))
    if form.phone and len(_PHONE_DIGITS.findall(form.phone)) < 7:
        problems.setdefault("phone", Msg("Enter a phone number with its area code."))
    for extra in settings.extra_fields:
        answer = form.extra.get(extra.key, "").strip()
        if extra.required and not answer:
            problems[f"extra.{extra.key}"] = REQUIRED
        elif (problem := text.text_problem(answer, text.EXTRA_ANSWER)) is not None:
            problems[f"extra.{extra.key}"] = problem
    password = form.password.get_secret_value()
    weak = password_problem(
        password,
        min_length=settings.min_password_length,
        # Only texts that can be kept are compared with the password (a megabyte is not).
        email=form.email if "email" not in problems else "",
        names=tuple(getattr(form, n) for n in ("first_name", "last_name") if n not in problems),
        district=settings.district_name,
    )
    if weak is not None:
        problems["password"] = weak
    elif password != form.password_confirm.get_secret_value():
        problems["password_confirm"] = Msg("The two passwords are not the same.")
    return problems


def email_on_record(uow: UnitOfWork, email: str) -> bool:
    """Whether ``email`` is a portal-enabled contact on an enrolled student's record (R5)."""
    return bool(
        uow.session.scalar(
            select(
                exists()
                .where(Contact.email == email, Contact.portal_access.is_(True))
                .where(Contact.student_id == Student.id, Student.active.is_(True))
            )
        )
    )


def _answers(kiosk: str) -> str:
    return f"email-answers:{kiosk}"


def _hold_kiosk(uow: UnitOfWork, kiosk: str) -> None:
    """Hold this kiosk's sign-up counts for the transaction; refuse past either limit."""
    limits = uow.settings.rate_limits
    window = timedelta(minutes=limits.window_minutes)
    # Both counts are of the one kind, so one ``reached`` holds them together.
    hit = ratelimit.reached(
        uow,
        AttemptKind.ACCOUNT_CREATED,
        [
            Limit(kiosk, limits.accounts_per_workstation, window),
            Limit(_answers(kiosk), limits.email_answers_per_workstation, window),
        ],
    )
    if hit is None:
        return
    if hit.subject == kiosk:
        record(uow, ANONYMOUS, AuditAction.RATE_LIMITED, limit="accounts_per_workstation")
        raise RateLimited()
    # Every sign-up waits now, not only those of known addresses: refusing just those would
    # answer the question the limit keeps from being asked.
    record(uow, ANONYMOUS, AuditAction.RATE_LIMITED, limit="email_answers_per_workstation")
    raise SignUpPaused()


def _tell_known(uow: UnitOfWork, kiosk: str, email: str, answer: str) -> None:
    """Count and audit an answer that says something of ``email`` (R5 requires them). The
    trail keeps a keyed digest of the address, enough to see one address asked about again
    and again, never the address."""
    ratelimit.note(uow, AttemptKind.ACCOUNT_CREATED, _answers(kiosk))
    address = ratelimit.typed_subject(uow, "signup-email", email)
    record(uow, ANONYMOUS, AuditAction.PARENT_REGISTER_EMAIL_KNOWN, answer=answer, address=address)


def create_parent_account(uow: UnitOfWork, form: AccountForm) -> ParentSession:
    """Make the account under the district's rules; the parent is signed in to it."""
    settings = uow.settings
    kiosk = f"workstation:{uow.workstation}"
    _hold_kiosk(uow, kiosk)
    problems = field_problems(form, settings)
    if problems:
        raise FieldErrors(problems)
    email = normalize_email(form.email)
    if uow.session.scalar(select(exists().where(ParentAccount.email == email))):
        _tell_known(uow, kiosk, email, "already_exists")
        raise EmailAlreadyRegistered()
    if settings.email_must_be_on_record and not email_on_record(uow, email):
        _tell_known(uow, kiosk, email, "not_on_record")
        raise EmailNotOnRecord()
    now = uow.now()
    parent = ParentAccount(
        email=email,
        first_name=form.first_name,
        last_name=form.last_name,
        name_key=search_key(form.first_name, form.last_name, email),
        phone=form.phone or None,
        address_street=form.address_street or None,
        address_city=form.address_city or None,
        address_state=form.address_state or None,
        address_postal_code=form.address_postal_code or None,
        relationship=form.relationship or None,
        extra_fields={
            f.key: form.extra[f.key].strip()
            for f in settings.extra_fields
            if form.extra.get(f.key, "").strip()
        },
        password_hash=uow.runtime.hasher.hash(form.password.get_secret_value()),
        status=(
            AccountStatus.ACTIVE if settings.links_bypass_verification else AccountStatus.PENDING
        ),
        language=form.language
        if form.language in settings.languages
        else (settings.default_language),
        email_notifications=False,
        created_at=now,
        created_workstation=uow.workstation,
        password_changed_at=now,
    )
    try:
        with uow.session.begin_nested():  # another kiosk may take the email meanwhile
            uow.session.add(parent)
    except IntegrityError:
        _tell_known(uow, kiosk, email, "already_exists")
        raise EmailAlreadyRegistered() from None
    ratelimit.note(uow, AttemptKind.ACCOUNT_CREATED, kiosk)
    # Guesses at this address before it had an account must not lock the new one.
    forget_failures(uow, parent_subject(uow, email))
    record(uow, Actor.parent(parent), AuditAction.PARENT_REGISTER, ("parent", parent.id))
    return replace(parent_session(parent), new_account=True)


def register_parent(database: Database, form: AccountForm, human: HumanAnswer) -> ParentSession:
    """The new-account form sent at the kiosk, in one unit of work: every problem with the
    fields (under the district's rules) and with the human check (R7) is told at once, beside
    its field; a form with none becomes the account (:func:`create_parent_account`)."""
    with database.write() as uow:
        problems = {**field_problems(form, uow.settings), **human.problems()}
        if problems:
            raise FieldErrors(problems)
        return create_parent_account(uow, form)
