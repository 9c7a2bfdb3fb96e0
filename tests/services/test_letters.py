"""L1: letter codes, on both databases. A clerk issues a letter at the desk (its page is a real
PDF: the code is read back from it the way a parent reads it), a parent enters the code, and
each way a code can fail gets its own answer."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from frontdesk.db.engine import Database
from frontdesk.db.models import (
    AccountStatus,
    Attempt,
    AuditEvent,
    Contact,
    LetterCode,
    LinkStatus,
    ParentAccount,
    StaffRole,
    StudentLink,
)
from frontdesk.district_settings import RateLimits
from frontdesk.errors import (
    FieldErrors,
    LinkAlreadyExists,
    NotAllowed,
    RateLimited,
)
from frontdesk.security import HashParameters, PasswordHasher
from frontdesk.services.decisions import Approve, Deny, decide
from frontdesk.services.letter_codes import (
    CODE_ALPHABET,
    CODE_LENGTH,
    LetterState,
    format_code,
    new_code,
    normalize_code,
)
from frontdesk.services.letter_redemption import (
    LetterCodeExpired,
    LetterCodeReplaced,
    LetterCodeRevoked,
    LetterCodeUnknown,
    LetterCodeUsed,
    LetterLinkRefused,
    redeem_letter,
)
from frontdesk.services.letters import (
    LetterNotActive,
    NoPortalAccess,
    issue_letter,
    revoke_letter,
    student_letters,
)
from frontdesk.services.linking import ChildIdentifiers, request_link
from frontdesk.services.portal import Alert, open_portal
from frontdesk.services.ratelimit import AttemptKind
from frontdesk.services.review import read_request
from frontdesk.services.sessions import ParentSession
from tests.conftest import FakeClock
from tests.factories import AYSE, JOSE, change_settings, register, staff_member
from tests.letters import Desk, make_desk


@pytest.fixture(scope="session")
def hasher() -> PasswordHasher:
    """Cheap hashes: these tests make accounts and never measure a sign-in."""
    return PasswordHasher(HashParameters(memory_kib=64, iterations=1))


@pytest.fixture
def desk(database: Database, tmp_path: Path) -> Desk:
    return make_desk(database, tmp_path)


def links_of(database: Database, parent: ParentSession) -> dict[int, LinkStatus]:
    with database.read() as uow:
        rows = uow.session.scalars(
            select(StudentLink).where(StudentLink.parent_id == parent.parent_id)
        )
        return {link.student_id: link.status for link in rows}


def actions(database: Database) -> list[str]:
    with database.read() as uow:
        return list(uow.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


# --- the code itself ---------------------------------------------------------------------------


def test_a_code_has_at_least_60_bits_and_no_look_alikes() -> None:
    assert CODE_LENGTH * math.log2(len(CODE_ALPHABET)) >= 60
    assert not set("0O1IL") & set(CODE_ALPHABET)
    codes = {new_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(c) == CODE_LENGTH and set(c) <= set(CODE_ALPHABET) for c in codes)
    assert set("".join(codes)) == set(CODE_ALPHABET)  # every symbol is drawn
    assert re.fullmatch(r"\w{5}-\w{5}-\w{5}", format_code(new_code()))


@pytest.mark.parametrize(
    "typed",
    [
        "K7QM4-HXT2R-9WCPD",
        "k7qm4hxt2r9wcpd",
        " k7qm4 hxt2r 9wcpd ",
        "K7QM4–HXT2R—9WCPD",
        "k7qm4_hxt2r-9wcpd",
    ],
)
def test_case_dashes_and_spaces_do_not_matter(typed: str) -> None:
    assert normalize_code(typed) == "K7QM4HXT2R9WCPD"


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "K7QM4-HXT2R-9WCP",
        "K7QM4-HXT2R-9WCPDX",
        "K7QM4-HXT2R-9WCP0",
        "KIQM4-HXT2R-9WCPD",
        "K7QM4-HXT2R-9WCPD" * 5,
    ],
)
def test_what_cannot_be_a_code_is_said_beside_the_field_and_not_counted(
    database: Database, desk: Desk, typed: str
) -> None:
    assert normalize_code(typed) is None
    parent = register(database)
    with pytest.raises(FieldErrors) as refused:
        redeem_letter(database, parent, typed)
    assert "15 letters and digits" in str(refused.value.fields["code"])
    with database.read() as uow:
        failed = select(func.count()).where(Attempt.kind == AttemptKind.LINK_FAILED)
        assert uow.session.scalar(failed) == 0


# --- the desk --------------------------------------------------------------------------------


def test_the_desk_issues_a_letter_and_sees_when_by_whom_until_when_and_whether_used(
    database: Database, desk: Desk, clock: FakeClock
) -> None:
    code = desk.issue(database, desk.maria_jose)
    seen = student_letters(database, desk.clerk, desk.roster.students["jose"])
    assert [g.name for g in seen.guardians] == ["María Nguyễn"]  # Tom has no portal access
    letter = seen.guardians[0].current
    assert letter is not None
    assert (letter.issued_at, letter.issued_by, letter.in_bulk) == (clock.now, "Nora", False)
    assert (letter.expires_at - letter.issued_at).days == 30
    assert letter.used_at is None and letter.state is LetterState.ACTIVE
    assert actions(database)[-2:] == ["letter.issue", "letter.print"]
    # The code is nowhere but on the page: not in the letter's row, not in the trail.
    bare = normalize_code(code)
    assert bare is not None
    with database.read() as uow:
        rows = [str(e.details) for e in uow.session.scalars(select(AuditEvent))]
        stored = uow.session.scalars(select(LetterCode)).one()
    assert not any(bare in row or code in row for row in rows)
    assert bare not in stored.code_digest and len(stored.code_digest) == 64


def test_the_expiry_is_the_districts_setting(database: Database, desk: Desk) -> None:
    change_settings(database, letter_code_days=7)
    desk.issue(database, desk.maria_jose)
    letter = student_letters(database, desk.clerk, desk.roster.students["jose"]).guardians[0]
    assert letter.current is not None
    assert (letter.current.expires_at - letter.current.issued_at).days == 7


def test_no_letter_for_a_contact_without_portal_access(database: Database, desk: Desk) -> None:
    with pytest.raises(NoPortalAccess):
        desk.issue(database, desk.tom_jose)
    assert not (desk.folder / "letter.pdf").exists()


def test_a_clerk_of_another_school_can_neither_see_nor_issue(
    database: Database, desk: Desk
) -> None:
    south = staff_member(database, "sam", StaffRole.CLERK, ["0102"])
    with pytest.raises(NotAllowed):
        student_letters(database, south, desk.roster.students["jose"])
    with pytest.raises(NotAllowed):
        issue_letter(database, south, desk.maria_jose, desk.folder / "x.pdf")
    with database.read() as uow:
        assert uow.session.scalar(select(func.count()).select_from(LetterCode)) == 0


# --- a parent uses it ------------------------------------------------------------------------


def test_a_code_links_its_student_once_and_waits_for_a_clerk_with_the_letter_as_evidence(
    database: Database, desk: Desk
) -> None:
    code = desk.issue(database, desk.maria_jose)
    parent = register(database)
    linked = redeem_letter(database, parent, code.lower().replace("-", " "))
    assert (linked.first_name, linked.status) == ("José", LinkStatus.PENDING)
    assert links_of(database, parent) == {desk.roster.students["jose"]: LinkStatus.PENDING}
    letter = student_letters(database, desk.clerk, desk.roster.students["jose"]).guardians[0]
    assert letter.current is None
    used = letter.letters[0]
    assert used.state is LetterState.USED
    assert (used.used_by_parent_id, used.link_id) == (parent.parent_id, linked.link_id)
    assert "letter.use" in actions(database)
    # On the request the clerk opens: the letter, as evidence; approving needs no ID check.
    view = read_request(database, desk.clerk, parent.parent_id, disclose=True)
    (child,) = view.children
    assert child.matched_identifiers == ["letter_code"]
    assert child.letter is not None
    assert (child.letter.guardian_name, child.letter.issued_by) == ("María Nguyễn", "Nora")
    decide(database, desk.clerk, parent.parent_id, Approve(linked.link_id))
    assert links_of(database, parent) == {desk.roster.students["jose"]: LinkStatus.APPROVED}
    with database.read() as uow:
        assert uow.session.get_one(ParentAccount, parent.parent_id).status is AccountStatus.ACTIVE


def test_the_district_may_let_a_code_approve_at_once(database: Database, desk: Desk) -> None:
    change_settings(database, letter_codes_approve_links=True)
    code = desk.issue(database, desk.maria_jose)
    parent = register(database)
    assert redeem_letter(database, parent, code).status is LinkStatus.APPROVED
    portal = open_portal(database, parent)
    assert portal.account_status is AccountStatus.ACTIVE
    assert [s.first_name for s in portal.students] == ["José"]
    assert "account.approve" in actions(database)


def test_a_link_waiting_on_a_letter_asks_for_no_visit_with_a_photo_id(
    database: Database, desk: Desk
) -> None:
    code = desk.issue(database, desk.maria_jose)
    parent = register(database)
    assert Alert.VISIT_SCHOOL in open_portal(database, parent).alerts  # nothing asked yet
    redeem_letter(database, parent, code)
    alerts = open_portal(database, parent).alerts
    assert Alert.LETTER_WAITING in alerts and Alert.VISIT_SCHOOL not in alerts
    # A child asked for with identifiers still needs the visit: the portal says so again.
    with database.write() as uow:
        asked = {i.value for i in uow.settings.identifiers_asked()}
        request_link(uow, parent, ChildIdentifiers(**AYSE.model_dump(include=asked)))
    alerts = open_portal(database, parent).alerts
    assert Alert.VISIT_SCHOOL in alerts and Alert.LETTER_WAITING not in alerts


def test_a_code_used_once_is_refused_after(database: Database, desk: Desk) -> None:
    code = desk.issue(database, desk.maria_jose)
    first, second = register(database), register(database, email="other@example.org")
    redeem_letter(database, first, code)
    for parent in (first, second):
        with pytest.raises(LetterCodeUsed) as refused:
            redeem_letter(database, parent, code)
        assert "already been used" in str(refused.value.message)
    assert links_of(database, second) == {}
    with database.read() as uow:
        reasons = [
            e.details["reason"]
            for e in uow.session.scalars(
                select(AuditEvent).where(AuditEvent.action == "letter.refused")
            )
        ]
    assert reasons == ["used", "used"]


def test_an_expired_code_says_so(database: Database, desk: Desk, clock: FakeClock) -> None:
    code = desk.issue(database, desk.maria_jose)
    clock.advance(days=30, seconds=1)
    with pytest.raises(LetterCodeExpired) as refused:
        redeem_letter(database, register(database), code)
    assert "expired" in str(refused.value.message)
    state = student_letters(database, desk.clerk, desk.roster.students["jose"]).guardians[0]
    assert state.letters[0].state is LetterState.EXPIRED and state.current is None


def test_a_revoked_code_says_so(database: Database, desk: Desk) -> None:
    code = desk.issue(database, desk.maria_jose)
    letter = student_letters(database, desk.clerk, desk.roster.students["jose"]).guardians[0]
    assert letter.current is not None
    revoked = revoke_letter(database, desk.clerk, letter.current.id)
    assert (revoked.state, revoked.revoked_by) == (LetterState.REVOKED, "Nora")
    with pytest.raises(LetterNotActive):
        revoke_letter(database, desk.clerk, letter.current.id)
    with pytest.raises(LetterCodeRevoked) as refused:
        redeem_letter(database, register(database), code)
    assert "cancelled by the school" in str(refused.value.message)
    assert "letter.revoke" in actions(database)


def test_a_newer_letter_replaces_the_older(database: Database, desk: Desk) -> None:
    old = desk.issue(database, desk.maria_jose, "first")
    new = desk.issue(database, desk.maria_jose, "second")
    assert old != new
    letters = student_letters(database, desk.clerk, desk.roster.students["jose"]).guardians[0]
    assert [lt.state for lt in letters.letters] == [LetterState.ACTIVE, LetterState.REPLACED]
    assert letters.letters[1].replaced and letters.letters[1].revoked_by is None
    parent = register(database)
    with pytest.raises(LetterCodeReplaced) as refused:
        redeem_letter(database, parent, old)
    assert "newer letter" in str(refused.value.message)
    assert redeem_letter(database, parent, new).first_name == "José"


def test_the_code_links_only_the_student_it_names_to_any_account_the_guardian_makes(
    database: Database, desk: Desk
) -> None:
    # María's letter for José, used from an account with another name and address: it links
    # José, and nothing of his sister (whose record names María too).
    code = desk.issue(database, desk.maria_jose)
    other = register(database, email="someone@example.net", first_name="Rosa", last_name="Díaz")
    redeem_letter(database, other, code)
    assert links_of(database, other) == {desk.roster.students["jose"]: LinkStatus.PENDING}


def test_unknown_codes_are_counted_and_limited_like_failed_child_links(
    database: Database, desk: Desk
) -> None:
    change_settings(database, rate_limits=RateLimits(link_failures_per_parent=3))
    parent = register(database)
    for _ in range(3):
        with pytest.raises(LetterCodeUnknown):
            redeem_letter(database, parent, new_code())
    code = desk.issue(database, desk.maria_jose)
    with pytest.raises(RateLimited):
        redeem_letter(database, parent, code)  # even the right code waits out the window
    with database.read() as uow:
        subjects = set(
            uow.session.scalars(
                select(Attempt.subject).where(Attempt.kind == AttemptKind.LINK_FAILED)
            )
        )
    assert subjects == {f"parent:{parent.parent_id}", "workstation:kiosk-1"}
    # The child-link form shares the budget: no second one by switching forms.
    with database.write() as uow, pytest.raises(RateLimited):
        asked = {i.value for i in uow.settings.identifiers_asked()}
        request_link(uow, parent, ChildIdentifiers(**JOSE.model_dump(include=asked)))


def test_a_letter_for_a_student_already_on_the_account_is_not_used_up(
    database: Database, desk: Desk
) -> None:
    change_settings(database, links_bypass_verification=True)
    parent = register(database)
    with database.write() as uow:
        asked = {i.value for i in uow.settings.identifiers_asked()}
        request_link(uow, parent, ChildIdentifiers(**JOSE.model_dump(include=asked)))
    code = desk.issue(database, desk.maria_jose)
    with pytest.raises(LinkAlreadyExists):
        redeem_letter(database, parent, code)
    letter = student_letters(database, desk.clerk, desk.roster.students["jose"]).guardians[0]
    assert letter.current is not None  # still good for the guardian's other account


def test_a_letter_joins_the_request_already_waiting(database: Database, desk: Desk) -> None:
    parent = register(database)
    with database.write() as uow:
        asked = {i.value for i in uow.settings.identifiers_asked()}
        waiting = request_link(uow, parent, ChildIdentifiers(**JOSE.model_dump(include=asked)))
    code = desk.issue(database, desk.maria_jose)
    linked = redeem_letter(database, parent, code)
    assert linked.link_id == waiting.link_id and linked.status is LinkStatus.PENDING
    view = read_request(database, desk.clerk, parent.parent_id, disclose=False)
    assert view.children[0].letter is not None
    assert view.children[0].matched_identifiers[-1] == "letter_code"


def test_a_letter_does_not_undo_a_clerks_denial(database: Database, desk: Desk) -> None:
    parent = register(database)
    with database.write() as uow:
        asked = {i.value for i in uow.settings.identifiers_asked()}
        waiting = request_link(uow, parent, ChildIdentifiers(**JOSE.model_dump(include=asked)))
    decide(database, desk.clerk, parent.parent_id, Deny(waiting.link_id, "Not on the record."))
    code = desk.issue(database, desk.maria_jose)
    with pytest.raises(LetterLinkRefused):
        redeem_letter(database, parent, code)
    assert links_of(database, parent) == {desk.roster.students["jose"]: LinkStatus.DENIED}


def test_a_guardian_who_left_the_roster_has_no_working_letter(
    database: Database, desk: Desk
) -> None:
    code = desk.issue(database, desk.maria_jose)
    with database.write() as uow:  # as the roster import removes a contact
        uow.session.execute(delete(Contact).where(Contact.id == desk.maria_jose))
    with pytest.raises(LetterCodeRevoked):
        redeem_letter(database, register(database), code)
