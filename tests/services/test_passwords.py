"""R15–R18: forgot password, the reset code and link, temporary passwords, changing passwords."""

from __future__ import annotations

import re

import pytest
from pydantic import SecretStr
from sqlalchemy import select

from frontdesk.db.engine import Database
from frontdesk.db.models import AuditEvent, OutboxMail, ParentAccount, PasswordReset
from frontdesk.district_settings import RateLimits
from frontdesk.errors import AccountLocked, FieldErrors, RateLimited, SessionEnded, SignInFailed
from frontdesk.services.password_reset import (
    LinkInvalid,
    ResetCodeWrong,
    ResetExpired,
    ResetSuperseded,
    ResetTooManyAttempts,
    ResetUsed,
    normalize_code,
    redeem_code,
    redeem_link,
    request_reset,
)
from frontdesk.services.passwords import (
    ALPHABET,
    PasswordChange,
    WrongCurrentPassword,
    change_password,
    temporary_password,
)
from frontdesk.services.sessions import ParentSession, current_parent
from frontdesk.services.signin import sign_in_parent
from tests.conftest import FakeClock
from tests.factories import PASSWORD, change_settings, delivered_text, register

EMAIL = "maria@example.org"
NEW_PASSWORD = "a garden of purple lanterns"


def ask(db: Database, email: str = EMAIL, language: str = "en") -> None:
    with db.write() as uow:
        request_reset(uow, email, language)


def outbox(db: Database) -> list[OutboxMail]:
    with db.read() as uow:
        return list(uow.session.scalars(select(OutboxMail).order_by(OutboxMail.id)))


def code_and_token(db: Database, mail: OutboxMail) -> tuple[str, str]:
    text = delivered_text(db, mail)
    code = re.search(r"([0-9A-Z]{4}-[0-9A-Z]{4})", text)
    token = re.search(r"token=(\S+)", text)
    assert code and token
    return code.group(1), token.group(1)


def redeem(db: Database, code: str, email: str = EMAIL) -> str:
    with db.write() as uow:
        return redeem_code(uow, email, code).password


def audit(db: Database, action: str) -> list[AuditEvent]:
    with db.read() as uow:
        return list(uow.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_temporary_passwords_are_long_random_and_easy_to_type() -> None:
    made = {temporary_password() for _ in range(200)}
    assert len(made) == 200
    for password in made:
        groups = password.split("-")
        assert [len(g) for g in groups] == [4, 4, 4, 4]  # 16 × 5 bits = 80 bits
        assert set("".join(groups)) <= set(ALPHABET)
    assert len(ALPHABET) == 32 and not set("ilou") & set(ALPHABET)
    assert normalize_code(" AB1O-lI2z ") == "ab10112z"


def test_the_reset_mail_holds_a_code_and_a_link_that_work_once(database: Database) -> None:
    register(database)  # the parent chose Spanish
    ask(database, language="en")
    [mail] = outbox(database)
    assert mail.kind == "password_reset" and mail.to_address == EMAIL
    assert mail.language == "es"
    assert "Owl County School District" in mail.subject
    code, token = code_and_token(database, mail)
    assert "http://localhost:8000/reset?token=" in mail.body_html
    with database.read() as uow:
        reset = uow.session.scalars(select(PasswordReset)).one()
        assert code.lower().replace("-", "") not in reset.code_digest
        assert token not in reset.token_digest
    temporary = redeem(database, code.lower())
    with database.write() as uow, pytest.raises(ResetUsed):
        redeem_code(uow, EMAIL, code)
    with database.write() as uow, pytest.raises(ResetUsed):
        redeem_link(uow, token)
    with database.write() as uow:
        session = sign_in_parent(uow, EMAIL, temporary)
    assert session.must_change_password
    events = audit(database, "password.reset") + audit(database, "password.reset_request")
    assert len(events) == 2
    dumped = str([e.details for e in events])
    assert temporary not in dumped and code not in dumped and token not in dumped


def test_the_link_gives_a_temporary_password_too(database: Database) -> None:
    register(database)
    ask(database)
    _code, token = code_and_token(database, outbox(database)[0])
    with database.write() as uow:
        credentials = redeem_link(uow, token)
    assert credentials.email == EMAIL
    with database.write() as uow, pytest.raises(LinkInvalid):
        redeem_link(uow, token + "x")


def test_an_unknown_email_gets_the_same_answer_and_no_mail(database: Database) -> None:
    register(database)
    ask(database, "nobody@example.org")
    assert outbox(database) == []
    with database.read() as uow:
        assert uow.session.scalars(select(PasswordReset)).all() == []
    [event] = audit(database, "password.reset_request")
    assert event.subject_id is None and "nobody" not in str(event.details)
    # Guessing codes for it answers like a wrong code for a real account.
    with database.write() as uow, pytest.raises(ResetCodeWrong):
        redeem_code(uow, "nobody@example.org", "abcd-efgh")


def test_an_expired_code_is_refused(database: Database, clock: FakeClock) -> None:
    register(database)
    ask(database)
    code, _token = code_and_token(database, outbox(database)[0])
    clock.advance(minutes=31)
    with database.write() as uow, pytest.raises(ResetExpired):
        redeem_code(uow, EMAIL, code)


def test_the_district_sets_how_long_a_code_lives(database: Database, clock: FakeClock) -> None:
    register(database)
    change_settings(database, reset_link_minutes=90)
    ask(database)
    [mail] = outbox(database)
    assert "vencen en 90 minutos" in mail.body_text
    clock.advance(minutes=60)
    assert redeem(database, code_and_token(database, mail)[0])


def test_a_code_from_an_older_request_is_refused(database: Database) -> None:
    register(database)
    ask(database)
    ask(database)
    first, second = outbox(database)
    with database.write() as uow, pytest.raises(ResetSuperseded):
        redeem_code(uow, EMAIL, code_and_token(database, first)[0])
    with database.write() as uow, pytest.raises(ResetSuperseded):
        redeem_link(uow, code_and_token(database, first)[1])
    assert redeem(database, code_and_token(database, second)[0])


def test_too_many_wrong_codes_kill_the_reset(database: Database) -> None:
    register(database)
    ask(database)
    code, _token = code_and_token(database, outbox(database)[0])
    for _ in range(4):
        with database.write() as uow, pytest.raises(ResetCodeWrong):
            redeem_code(uow, EMAIL, "0000-0000")
    with database.write() as uow, pytest.raises(ResetTooManyAttempts):
        redeem_code(uow, EMAIL, "0000-0000")
    with database.write() as uow, pytest.raises(ResetTooManyAttempts):
        redeem_code(uow, EMAIL, code)  # even the right one: the reset is dead
    with database.read() as uow:
        reset = uow.session.scalars(select(PasswordReset)).one()
        assert reset.failed_attempts == 5 and reset.revoked_at is not None
    assert len(audit(database, "password.reset_failed")) == 5
    ask(database)  # a new mail gives new tries
    assert redeem(database, code_and_token(database, outbox(database)[1])[0])


def test_requests_are_limited_per_address_known_or_not(database: Database) -> None:
    register(database)
    for email in (EMAIL, "nobody@example.org"):
        for _ in range(3):
            ask(database, email)
        with database.write() as uow, pytest.raises(RateLimited):
            request_reset(uow, email, "en")
    assert len(outbox(database)) == 3


def test_requests_are_limited_per_workstation(database: Database) -> None:
    change_settings(database, rate_limits=RateLimits(reset_requests_per_workstation=2))
    ask(database, "a@example.org")
    ask(database, "b@example.org")
    with database.write() as uow, pytest.raises(RateLimited):
        request_reset(uow, "c@example.org", "en")


def test_not_an_email_is_told_beside_the_field(database: Database) -> None:
    with database.write() as uow, pytest.raises(FieldErrors) as caught:
        request_reset(uow, "maria at example", "en")
    assert set(caught.value.fields) == {"email"}


def temporary_session(database: Database) -> tuple[ParentSession, str]:
    register(database)
    ask(database)
    temporary = redeem(database, code_and_token(database, outbox(database)[0])[0])
    with database.write() as uow:
        return sign_in_parent(uow, EMAIL, temporary), temporary


def change(
    database: Database, session: ParentSession, current: str, new: str, again: str = ""
) -> ParentSession:
    form = PasswordChange(
        current=SecretStr(current), new=SecretStr(new), confirm=SecretStr(again or new)
    )
    with database.write() as uow:
        return change_password(uow, session, form)


def test_the_forced_change_takes_the_temporary_password_and_the_new_one_twice(
    database: Database,
) -> None:
    session, temporary = temporary_session(database)
    with pytest.raises(FieldErrors) as caught:
        change(database, session, temporary, NEW_PASSWORD, "a garden of purple lantern")
    assert set(caught.value.fields) == {"confirm"}
    with pytest.raises(FieldErrors) as caught:
        change(database, session, temporary, temporary)
    assert "new" in caught.value.fields
    renewed = change(database, session, temporary, NEW_PASSWORD)
    assert not renewed.must_change_password
    with database.read() as uow:
        assert current_parent(uow, renewed).must_change_password is False
        with pytest.raises(SessionEnded):
            current_parent(uow, session)  # the session under the temporary password ended
    with database.write() as uow, pytest.raises(SignInFailed):
        sign_in_parent(uow, EMAIL, temporary)
    with database.write() as uow:
        sign_in_parent(uow, EMAIL, NEW_PASSWORD)
    mails = [m.kind for m in outbox(database)]
    # The owner is told of the reset and of the change that followed it.
    assert mails == ["password_reset", "password_changed", "password_changed"]
    [event] = audit(database, "password.change")
    assert event.details == {"forced": True}


def test_a_breached_password_is_refused_in_the_parents_language(database: Database) -> None:
    session = register(database)
    with pytest.raises(FieldErrors) as caught:
        change(database, session, PASSWORD, "123456789987654321")
    message = caught.value.fields["new"]
    assert "leaked" in message.translate("en")
    assert "filtrad" in message.translate("es")


def test_a_wrong_old_password_is_refused_and_counted(database: Database) -> None:
    session = register(database)
    for _ in range(4):
        with pytest.raises(WrongCurrentPassword):
            change(database, session, "not my password at all", NEW_PASSWORD)
    with pytest.raises(AccountLocked):
        change(database, session, "not my password at all", NEW_PASSWORD)
    with database.write() as uow, pytest.raises(AccountLocked):
        sign_in_parent(uow, EMAIL, PASSWORD)


def test_changing_the_password_ends_other_sessions_and_open_resets(database: Database) -> None:
    kiosk = register(database)
    with database.write() as uow:
        browser = sign_in_parent(uow, EMAIL, PASSWORD)
    ask(database)
    code, _token = code_and_token(database, outbox(database)[0])
    kept = change(database, kiosk, PASSWORD, NEW_PASSWORD)
    with database.read() as uow:
        current_parent(uow, kept)
        with pytest.raises(SessionEnded):
            current_parent(uow, browser)
    with database.write() as uow, pytest.raises(ResetSuperseded):
        redeem_code(uow, EMAIL, code)


def test_a_reset_unlocks_a_locked_account(database: Database) -> None:
    register(database)
    for _ in range(5):
        with database.write() as uow, pytest.raises((SignInFailed, AccountLocked)):
            sign_in_parent(uow, EMAIL, "wrong password guess")
    ask(database)
    temporary = redeem(database, code_and_token(database, outbox(database)[0])[0])
    with database.write() as uow:
        sign_in_parent(uow, EMAIL, temporary)
    with database.read() as uow:
        assert uow.session.scalars(select(ParentAccount)).one().locked_at is None
