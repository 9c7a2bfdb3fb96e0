"""Bounded, clean input (issue 10 §2): whatever is typed into a form or written in a roster
file, a service answers with a domain error (a message beside the field) or does its work;
never a database error, never a traceback, never a 10 MB name in the database.

The property tests feed hostile text (controls, NUL, lone surrogates, bidi overrides,
emoji, right-to-left and combining marks, SQL and CSV metacharacters, strings up to 1 MB)
into every service a form calls, and into the roster import, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Final

import pytest
import tomli_w
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pydantic import SecretStr, ValidationError
from sqlalchemy import func, select

from frontdesk.db.engine import Database
from frontdesk.db.models import (
    Attempt,
    EnrollmentApplication,
    IdType,
    ParentAccount,
    StaffRole,
    Student,
    StudentLink,
)
from frontdesk.db.uow import UnitOfWork
from frontdesk.district_settings import DistrictSettings, ExtraField, RateLimits, settings_problems
from frontdesk.errors import DomainError, FieldErrors
from frontdesk.i18n import set_language
from frontdesk.roster.importer import run_import
from frontdesk.security import HashParameters, PasswordHasher
from frontdesk.services.audit import Actor
from frontdesk.services.district import save_settings
from frontdesk.services.enrollment import EnrollmentForm, apply_for_enrollment
from frontdesk.services.history import HistoryFilter, desk_history, iter_history
from frontdesk.services.identity_checks import IdentityCheckForm, record_identity_check
from frontdesk.services.kiosk import verify_staff_pin
from frontdesk.services.linking import ChildIdentifiers, request_link
from frontdesk.services.password_reset import redeem_code, redeem_link, request_reset
from frontdesk.services.passwords import PasswordChange, change_password
from frontdesk.services.preferences import NotificationPreferences, save_notification_preferences
from frontdesk.services.queue import waiting_requests
from frontdesk.services.registration import AccountForm, create_parent_account
from frontdesk.services.settings_file import import_settings
from frontdesk.services.signin import sign_in_parent, sign_in_staff
from frontdesk.services.staff import (
    create_staff,
    set_staff_pin,
    staff_by_username,
    update_staff,
)
from frontdesk.services.support import (
    StaffReason,
    find_parents,
    issue_temporary_password,
    resend_reset_mail,
    unlock_parent,
)
from frontdesk.services.verification import deny_account, deny_link, revoke_link
from frontdesk.text import MAX_LENGTH
from tests.factories import (
    JOSE,
    LUKASZ,
    STAFF_PASSWORD,
    account_form,
    change_settings,
    register,
    small_roster,
    staff_member,
)

ADMIN = Actor.system("test")

# --- hostile text ------------------------------------------------------------------------------

NASTY: Final = (
    # controls, NUL, lone surrogates, bidi overrides and other invisible characters
    "\x00", "a\x00b", "\x07", "\x1b[2J\x1b[31m", "\x7f", "\x85", "\t", "\r\n", "\n", "\x0b",
    "\ud800", "\udfff", "\u202e", "\u2066", "\u200f", "\u200d", "\ufeff", "\u2028", "\u00ad",
    # SQL, LIKE and CSV metacharacters, spreadsheet formulas
    "'", '"', ";", "--", "/*", "%", "_", "\\", ",", "=", "@", "+", "*",
    "'; DROP TABLE students; --", "' OR '1'='1", '=HYPERLINK("http://x")', '"a,b"\n',
    "\\x00", "$1", "{n}", "{0}", "%s",
    # names, emoji, right-to-left, combining marks, odd digits
    "José", "O'Brien-Nguyễn", "Ayşe", "👨‍👩‍👧‍👦", "🏳️‍🌈", "💩", "שלום", "مرحبا",
    "Z\u0335\u0321a\u0336l\u0337g\u0338o", "e" + "\u0301" * 50, "ﷺ", "ß", "İ", "Ⅻ",
    "١٢٣٤", "²", "０１２３",
    # plausible values, so some calls get past the first check
    "maria@example.org", "x@example.org", "1000001", "1234", "2468", "3",
)  # fmt: skip
LENGTHS: Final = (5, 21, 41, 101, 121, 201, 255, 1001, 2001, 4001, 131_073, 1_000_000)


def _repeat(piece: str, length: int) -> str:
    return (piece * (length // max(len(piece), 1) + 1))[:length]


_piece = st.one_of(
    st.sampled_from(NASTY),
    st.text(max_size=8),
    st.characters(exclude_categories=()).map(str),  # surrogates and controls too
)
hostile_text = st.one_of(
    st.lists(_piece, max_size=6).map("".join),
    st.builds(_repeat, st.sampled_from(NASTY), st.sampled_from(LENGTHS)),
    st.builds(lambda a, b, n: a + _repeat("x", n) + b, _piece, _piece, st.sampled_from(LENGTHS)),
)
"""Text a hostile or careless person might type or paste, or a broken file hold."""


def _decoded(text: str) -> str:
    # pydantic refuses lone surrogates when a form is made; a terminal cannot send them
    # anyway (Textual decodes its input as strict UTF-8): forms get what UTF-8 can carry.
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


typed_text = hostile_text.map(_decoded)
"""Hostile text as a form can hold it."""


def one_or_all_hostile(
    valid: dict[str, str], text: st.SearchStrategy[str] = typed_text
) -> st.SearchStrategy[dict[str, str]]:
    """A form's valid values with one of them hostile (the others let the service go on to
    the database), or all of them."""
    return st.one_of(
        st.builds(lambda name, value: {**valid, name: value}, st.sampled_from(list(valid)), text),
        st.fixed_dictionaries({name: text for name in valid}),
    )


_serial = itertools.count()


def fresh(valid: str, given: str, make: Callable[[int], str]) -> str:
    """``given``, or, where it is the valid value, one never used before (a new email…)."""
    return make(next(_serial)) if given == valid else given


FUZZ = settings(
    max_examples=30,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


def survives(database: Database, call: Callable[[UnitOfWork], object]) -> None:
    """Run ``call`` in a unit of work: a domain error is an answer, anything else a failure."""
    try:
        with database.write() as uow:
            call(uow)
    except DomainError:
        pass


# --- one district to throw things at --------------------------------------------------------------


@pytest.fixture(scope="module")
def hasher() -> PasswordHasher:
    # Cheap hashes: the property is about the answers, not about argon2's cost.
    return PasswordHasher(HashParameters(memory_kib=8, iterations=1))


@dataclass
class World:
    db: Database
    parent: Any
    changer: Any
    helped_id: int
    denied_id: int
    clerk: Any
    support: Any
    target_staff_id: int
    link_id: int
    approved_link_id: int


@pytest.fixture
def world(database: Database) -> Iterator[World]:
    small_roster(database)
    change_settings(
        database,
        extra_fields=[ExtraField(key="badge", labels={"en": "Badge number"})],
        # No limit in the way: every example should reach the service's own checks.
        rate_limits=RateLimits(
            **{
                k: min([10**6, *(m.le for m in field.metadata if hasattr(m, "le"))])
                for k, field in RateLimits.model_fields.items()
                if k.endswith(("account", "attempts")) or "_per_" in k
            }
        ),
    )
    parent = register(database)
    changer = register(database, email="changer@example.org", first_name="Chang")
    helped = register(database, email="helped@example.org", first_name="Help")
    denied = register(database, email="denied@example.org", first_name="Dee")
    clerk = staff_member(database, "clerk", StaffRole.ADMIN, [])
    support = staff_member(database, "support", StaffRole.SUPPORT, [])
    target = staff_member(database, "target", StaffRole.CLERK, ["0101"])
    with database.write() as uow:
        link_id = request_link(uow, parent, JOSE).link_id
        approved = request_link(uow, parent, LUKASZ).link_id
    with database.write() as uow:
        record_identity_check(
            uow,
            clerk,
            parent.parent_id,
            IdentityCheckForm(
                id_type=IdType.PASSPORT,
                id_last4="1234",
                id_expires=date(2030, 1, 1),
                name_matches=True,
            ),
        )
    from frontdesk.services.verification import approve_link

    with database.write() as uow:
        approve_link(uow, clerk, approved)
    yield World(
        database,
        parent,
        changer,
        helped.parent_id,
        denied.parent_id,
        clerk,
        support,
        target.staff_id,
        link_id,
        approved,
    )


# --- the property: every service a form calls ------------------------------------------------

ACCOUNT: Final = {
    "first_name": "Ana",
    "last_name": "Li",
    "email": "new@example.org",
    "phone": "305 555 0101",
    "address_street": "1 Main St",
    "address_city": "Owl",
    "address_state": "FL",
    "address_postal_code": "33000",
    "relationship": "Mother",
    "password": "correct horse battery staple",
    "badge": "B-12",
    "language": "es",
}


@FUZZ
@given(texts=one_or_all_hostile(ACCOUNT))
@example(texts={**ACCOUNT, "first_name": "A" * 101})
@example(texts={**ACCOUNT, "address_city": "Owl\x00"})
def test_registration_answers_any_text(world: World, texts: dict[str, str]) -> None:
    texts = dict(texts)  # an @example's dict is shared by every run
    password = texts.pop("password")
    badge = texts.pop("badge")
    texts["email"] = fresh(ACCOUNT["email"], texts["email"], "new{}@example.org".format)
    form = account_form(
        **texts, password=password, password_confirm=password, extra={"badge": badge}
    )
    survives(world.db, lambda uow: create_parent_account(uow, form))


@FUZZ
@given(email=hostile_text, username=hostile_text, password=hostile_text)
@example(email="maria\x00@example.org", username="clerk\x00", password="\ud800")
def test_sign_in_answers_any_text(world: World, email: str, username: str, password: str) -> None:
    survives(world.db, lambda uow: sign_in_parent(uow, email, password))
    survives(world.db, lambda uow: sign_in_parent(uow, "maria@example.org", password))
    survives(world.db, lambda uow: sign_in_staff(uow, username, password))
    survives(world.db, lambda uow: verify_staff_pin(uow, password))


@FUZZ
@given(email=hostile_text, code=hostile_text, token=hostile_text, language=hostile_text)
@example(email="x\x00@example.org", code="\x00", token="\x00", language="es")
def test_forgot_password_answers_any_text(
    world: World, email: str, code: str, token: str, language: str
) -> None:
    survives(world.db, lambda uow: request_reset(uow, email, language))
    survives(world.db, lambda uow: request_reset(uow, "helped@example.org", language))
    survives(world.db, lambda uow: redeem_code(uow, email, code))
    survives(world.db, lambda uow: redeem_code(uow, "helped@example.org", code))
    survives(world.db, lambda uow: redeem_link(uow, token))


@FUZZ
@given(current=typed_text, new=typed_text)
def test_change_password_answers_any_text(world: World, current: str, new: str) -> None:
    form = PasswordChange(current=SecretStr(current), new=SecretStr(new), confirm=SecretStr(new))
    survives(world.db, lambda uow: change_password(uow, world.changer, form))


CHILD: Final = {
    "first_name": "José",
    "last_name": "O'Brien-Nguyễn",
    "student_id": "1000001",
    "ssn_last4": "9999",  # a wrong try: counted
}


@FUZZ
@given(
    texts=one_or_all_hostile(CHILD),
    birthdate=st.sampled_from([date(2016, 4, 2), None, date(1900, 1, 1)]),
)
@example(texts={**CHILD, "student_id": "1" * 120}, birthdate=date(2016, 4, 2))
def test_adding_a_child_answers_any_text(
    world: World, texts: dict[str, str], birthdate: date | None
) -> None:
    given_ids = ChildIdentifiers(**texts, birthdate=birthdate)
    survives(world.db, lambda uow: request_link(uow, world.parent, given_ids))


ENROLLMENT: Final = {"child_first_name": "Ana", "child_last_name": "Li", "grade": "K", "notes": ""}


@FUZZ
@given(texts=one_or_all_hostile(ENROLLMENT), email=typed_text)
@example(texts={**ENROLLMENT, "notes": "\x00"}, email="x\x00@example.org")
def test_enrollment_and_preferences_answer_any_text(
    world: World, texts: dict[str, str], email: str
) -> None:
    form = EnrollmentForm(school_id=1, child_birthdate=date(2019, 5, 5), **texts)
    survives(world.db, lambda uow: apply_for_enrollment(uow, world.parent, form))
    prefs = NotificationPreferences(email_notifications=True, notification_email=email)
    survives(world.db, lambda uow: save_notification_preferences(uow, world.parent, prefs))


@FUZZ
@given(texts=one_or_all_hostile({"id_last4": "1234", "notes": "Passport."}), reason=hostile_text)
@example(texts={"id_last4": "1234", "notes": "\x00"}, reason="\x00")
def test_the_desk_answers_any_text(world: World, texts: dict[str, str], reason: str) -> None:
    check = IdentityCheckForm(
        id_type=IdType.STATE_ID, id_expires=date(2030, 1, 1), name_matches=True, **texts
    )
    survives(world.db, lambda uow: record_identity_check(uow, world.clerk, 1, check))
    survives(world.db, lambda uow: deny_link(uow, world.clerk, world.link_id, reason))
    survives(world.db, lambda uow: revoke_link(uow, world.clerk, world.approved_link_id, reason))
    survives(world.db, lambda uow: deny_account(uow, world.clerk, world.denied_id, reason))


@FUZZ
@given(
    filter_text=hostile_text,
    texts=one_or_all_hostile({"parent": "Maria", "student": "1000001", "staff": "clerk"}),
)
@example(filter_text="\x00" * 2, texts={"parent": "", "student": "", "staff": "\x00"})
def test_searches_answer_any_text(world: World, filter_text: str, texts: dict[str, str]) -> None:
    survives(world.db, lambda uow: waiting_requests(uow, None, filter_text))
    wanted = HistoryFilter(**texts)
    survives(world.db, lambda uow: desk_history(uow, wanted))
    survives(world.db, lambda uow: list(iter_history(uow, wanted)))
    survives(world.db, lambda uow: find_parents(uow, world.support, filter_text))


@FUZZ
@given(reason=typed_text)
@example(reason="\x00")
def test_the_support_desk_answers_any_text(world: World, reason: str) -> None:
    why = StaffReason(reason=reason)
    helped = world.helped_id
    survives(world.db, lambda uow: unlock_parent(uow, world.support, helped, why))
    survives(world.db, lambda uow: issue_temporary_password(uow, world.support, helped, why))
    survives(world.db, lambda uow: resend_reset_mail(uow, world.support, helped, why))


STAFF: Final = {
    "username": "newclerk",
    "name": "New Clerk",
    "password": "front office desk pass 2026",
    "pin": "13579",
    "school": "0101",
}


@FUZZ
@given(texts=one_or_all_hostile(STAFF, hostile_text))
@example(texts={**STAFF, "name": "N" * 201})
@example(texts={**STAFF, "school": "\x00"})
def test_staff_accounts_answer_any_text(world: World, texts: dict[str, str]) -> None:
    username = fresh(STAFF["username"], texts["username"], "clerk{}".format)
    name, password, pin, school = texts["name"], texts["password"], texts["pin"], texts["school"]
    survives(
        world.db,
        lambda uow: create_staff(
            uow,
            ADMIN,
            username=username,
            display_name=name,
            role=StaffRole.CLERK,
            password=password,
            school_codes=[school],
            pin=pin,
        ),
    )
    target = world.target_staff_id
    survives(
        world.db,
        lambda uow: update_staff(
            uow, ADMIN, target, display_name=name, role=StaffRole.CLERK, school_codes=[school]
        ),
    )
    survives(world.db, lambda uow: set_staff_pin(uow, ADMIN, target, pin))
    survives(world.db, lambda uow: staff_by_username(uow, username))


@FUZZ
@given(text=hostile_text, language=hostile_text, label=hostile_text)
def test_district_settings_answer_any_text(
    world: World, text: str, language: str, label: str
) -> None:
    draft = DistrictSettings().model_dump(mode="json")
    draft["district_name"] = text
    draft["texts"] = {"en": {"welcome_message": text}, language: {"welcome_title": label}}
    draft["extra_fields"] = [{"key": "badge", "labels": {"en": label, language: text}}]
    draft["languages"] = ["en", "es", language]
    try:
        new = DistrictSettings.model_validate(draft)
    except ValidationError as error:  # the settings screen shows these beside the fields
        assert settings_problems(error)
    else:
        survives(world.db, lambda uow: save_settings(uow, ADMIN, new))
    as_file = tomli_w.dumps({"district_name": text, "texts": {language: {"welcome_title": label}}})
    for file_text in (as_file, text, f'district_name = "{text}"\n'):
        survives(world.db, lambda uow: import_settings(uow, ADMIN, file_text))  # noqa: B023


# --- the roster import ---------------------------------------------------------------------------


STUDENT_ROW: Final = {
    "student_id": "2000001",
    "school_id": "0101",
    "first_name": "Ana",
    "last_name": "Li",
    "birthdate": "2016-02-03",
    "grade": "3",
    "status": "active",
    "ssn_last4": "1234",
    "photo": "",
}
CONTACT_ROW: Final = {
    "student_id": "2000001",
    "first_name": "Mei",
    "last_name": "Li",
    "relationship": "Mother",
    "email": "mei@example.org",
    "phone": "555-0100",
    "portal_access": "yes",
}


def write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    # A lone surrogate goes to the file as bytes that are not UTF-8.
    path.write_bytes(out.getvalue().encode("utf-8", errors="surrogatepass"))


def write_roster(folder: Path, student: dict[str, str], contact: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    write_csv(folder / "schools.csv", [{"school_id": "0101", "name": "Owl Creek Elementary"}])
    write_csv(folder / "students.csv", [dict(STUDENT_ROW, student_id="2000002"), student])
    write_csv(folder / "contacts.csv", [contact])
    return folder


@settings(FUZZ, max_examples=20)
@given(
    student_column=st.sampled_from(list(STUDENT_ROW)),
    contact_column=st.sampled_from(list(CONTACT_ROW)),
    value=hostile_text,
)
def test_the_roster_import_answers_any_text(
    world: World, tmp_path_factory: pytest.TempPathFactory, student_column: str,
    contact_column: str, value: str,
) -> None:  # fmt: skip
    folder = write_roster(
        tmp_path_factory.mktemp("roster"),
        dict(STUDENT_ROW, **{student_column: value}),
        dict(CONTACT_ROW, **{contact_column: value}),
    )
    for _ in range(2):  # the second run compares with what the first one stored
        report = run_import(world.db, ADMIN, folder)
        assert report.problems or report.complete


# --- plain cases ---------------------------------------------------------------------------------


def parents(database: Database) -> int:
    with database.read() as uow:
        return uow.session.scalar(select(func.count()).select_from(ParentAccount)) or 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("first_name", "A" * 101, "Use at most 100 characters."),
        ("last_name", "Nguy\x00n", "This contains characters that cannot be used here"),
        ("email", "maria\x00@example.org", "This contains characters that cannot be used here"),
        ("address_city", "x" * 10_000_000, "Use at most 100 characters."),
    ],
    ids=["101 characters", "NUL", "NUL in the email", "10 MB"],
)
def test_a_long_or_controlled_account_field_is_refused_beside_it(
    database: Database, field: str, value: str, message: str
) -> None:
    with pytest.raises(FieldErrors) as refused, database.write() as uow:
        create_parent_account(uow, account_form(**{field: value}))
    assert list(refused.value.fields) == [field]
    assert str(refused.value.fields[field]).startswith(message)
    assert parents(database) == 0


def test_the_message_is_in_the_parents_language(database: Database) -> None:
    with pytest.raises(FieldErrors) as refused, database.write() as uow:
        create_parent_account(uow, account_form(first_name="A" * 101))
    set_language("es")
    assert str(refused.value.fields["first_name"]) == "Use como máximo 100 caracteres."
    set_language("ht")
    assert "100" in str(refused.value.fields["first_name"])
    assert str(refused.value.fields["first_name"]) != "Use at most 100 characters."


def failed_links(database: Database) -> list[str]:
    with database.read() as uow:
        return list(
            uow.session.scalars(select(Attempt.subject).where(Attempt.kind == "link_failed"))
        )


def test_a_long_student_id_is_refused_and_a_later_wrong_try_still_counts(
    database: Database,
) -> None:
    small_roster(database)
    parent = register(database)
    long_id = JOSE.model_copy(update={"student_id": "1" * 120})
    with pytest.raises(FieldErrors) as refused, database.write() as uow:
        request_link(uow, parent, long_id)
    assert str(refused.value.fields["student_id"]) == "Use at most 20 characters."
    assert failed_links(database) == []
    wrong = JOSE.model_copy(update={"ssn_last4": "9999"})
    with pytest.raises(DomainError), database.write() as uow:
        request_link(uow, parent, wrong)
    assert f"parent:{parent.parent_id}" in failed_links(database)
    with database.read() as uow:
        assert uow.session.scalar(select(func.count()).select_from(StudentLink)) == 0


def test_a_nul_in_enrollment_notes_is_refused_but_lines_are_kept(database: Database) -> None:
    small_roster(database)
    parent = register(database)
    form = EnrollmentForm(
        school_id=1,
        child_first_name="Ana",
        child_last_name="Li",
        child_birthdate=date(2019, 5, 5),
        grade="K",
        notes="Allergic to nuts\x00",
    )
    with pytest.raises(FieldErrors) as refused, database.write() as uow:
        apply_for_enrollment(uow, parent, form)
    assert list(refused.value.fields) == ["notes"]
    with database.write() as uow:
        apply_for_enrollment(uow, parent, form.model_copy(update={"notes": "Nuts.\nAnd eggs."}))
    with database.read() as uow:
        notes = uow.session.scalars(select(EnrollmentApplication.notes)).all()
    assert notes == ["Nuts.\nAnd eggs."]


def test_a_deny_reason_with_a_bidi_override_is_refused(database: Database) -> None:
    small_roster(database)
    parent = register(database)
    clerk = staff_member(database, "clerk", StaffRole.CLERK, ["0101"])
    with database.write() as uow:
        link_id = request_link(uow, parent, JOSE).link_id
    with pytest.raises(FieldErrors) as refused, database.write() as uow:
        deny_link(uow, clerk, link_id, "Custody \u202eredro truoc")
    assert list(refused.value.fields) == ["reason"]
    with pytest.raises(FieldErrors), database.write() as uow:
        deny_link(uow, clerk, link_id, "x" * (MAX_LENGTH["reason"] + 1))


def test_a_staff_name_over_its_column_is_refused_beside_it(database: Database) -> None:
    with pytest.raises(FieldErrors) as refused, database.write() as uow:
        create_staff(
            uow,
            ADMIN,
            username="clerk",
            display_name="C" * 201,
            role=StaffRole.SUPPORT,
            password=STAFF_PASSWORD,
        )
    assert list(refused.value.fields) == ["display_name"]


def test_a_district_text_with_a_nul_is_refused_beside_its_field() -> None:
    draft = DistrictSettings().model_dump(mode="json")
    draft["texts"] = {"es": {"welcome_title": "Bienvenidos\x00"}}
    draft["extra_fields"] = [{"key": "badge", "labels": {"en": "B" * 201}}]
    with pytest.raises(ValidationError) as refused:
        DistrictSettings.model_validate(draft)
    problems = {path: str(message) for path, message in settings_problems(refused.value).items()}
    assert problems == {
        "texts.es.welcome_title": (
            "This contains characters that cannot be used here, such as control characters. "
            "Please type it again."
        ),
        "extra_fields.0.labels.en": "At most 200 characters.",
    }


def students(database: Database) -> dict[str, str]:
    with database.read() as uow:
        return dict(uow.session.execute(select(Student.student_number, Student.first_name)).all())


def test_a_roster_field_over_the_csv_limit_is_a_row_error(
    database: Database, tmp_path: Path
) -> None:
    huge = dict(STUDENT_ROW, student_id="2000003", first_name="A" * 200_000)
    folder = write_roster(tmp_path, huge, dict(CONTACT_ROW, student_id="2000002"))
    with (folder / "students.csv").open("a", encoding="utf-8", newline="") as f:
        f.write('2000004,0101,Bo,Li,2016-02-03,3,active,,\r\n2000005,0101,"Cy\r\n')
        f.write(
            "C" * 200_000
            + '",Li,2016-02-03,3,active,,\r\n2000006,0101,Di,Li,2016-02-03,3,active,,\r\n'
        )
    report = run_import(database, ADMIN, folder)
    reason = "too long to read (more than 131072 characters)"
    assert [str(p) for p in report.problems] == [
        f"students.csv:3: first_name: {reason}",
        f"students.csv:6: {reason}",  # a value over several lines: its column is not known
    ]
    assert students(database) == {"2000002": "Ana", "2000004": "Bo", "2000006": "Di"}


def test_roster_values_with_controls_are_row_errors(database: Database, tmp_path: Path) -> None:
    bad = dict(STUDENT_ROW, student_id="2000003", first_name="Ana\x00", last_name="Li\u202e")
    folder = write_roster(tmp_path, bad, dict(CONTACT_ROW, phone="555\x1b[2J"))
    report = run_import(database, ADMIN, folder)
    reason = "characters that are not allowed here (control characters)"
    assert [str(p) for p in report.problems] == [
        f"students.csv:3: first_name: {reason}",
        f"students.csv:3: last_name: {reason}",
        f"contacts.csv:2: phone: {reason}",
    ]
    assert students(database) == {"2000002": "Ana"}


def test_every_kiosk_text_field_has_one_limit_for_the_service_and_the_screen() -> None:
    from screens.kiosk.base import MAX_LENGTH as KIOSK_MAX_LENGTH

    forms = (AccountForm, ChildIdentifiers, EnrollmentForm, NotificationPreferences)
    typed = {
        name
        for form in forms
        for name, info in form.model_fields.items()
        if info.annotation is str and name != "language"
    }
    assert typed <= MAX_LENGTH.keys()
    assert all(KIOSK_MAX_LENGTH[name] == MAX_LENGTH[name] for name in typed)
