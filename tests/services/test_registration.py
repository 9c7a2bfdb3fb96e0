"""R4, R5: making a parent account under the district's rules."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from frontdesk.db.engine import Database
from frontdesk.db.models import AccountStatus, AuditEvent, ParentAccount
from frontdesk.district_settings import AccountField, ExtraField
from frontdesk.errors import EmailAlreadyRegistered, EmailNotOnRecord, FieldErrors, RateLimited
from tests.factories import PASSWORD, account_form, change_settings, register, small_roster


def test_account_is_made_pending_with_a_hashed_password(database: Database) -> None:
    session = register(database, email="  Maria@Example.ORG ")
    with database.read() as uow:
        parent = uow.session.get_one(ParentAccount, session.parent_id)
        assert parent.email == "maria@example.org"
        assert parent.status is AccountStatus.PENDING
        assert parent.language == "es"
        assert parent.password_hash.startswith("$argon2id$")
        assert PASSWORD not in parent.password_hash
        assert uow.runtime.hasher.verify(parent.password_hash, PASSWORD)
        actions = uow.session.scalars(select(AuditEvent.action)).all()
        assert actions == ["parent.register"]


def test_duplicate_email_is_refused_whatever_its_case(database: Database) -> None:
    register(database)
    with pytest.raises(EmailAlreadyRegistered) as caught:
        register(database, email="MARIA@example.org")
    assert "email" in caught.value.fields


def test_every_bad_field_is_named(database: Database) -> None:
    with database.write() as uow, pytest.raises(FieldErrors) as caught:
        from frontdesk.services.registration import create_parent_account

        create_parent_account(
            uow,
            account_form(
                first_name="",
                email="not-an-email",
                phone="12",
                relationship="",
                password="short",
                password_confirm="short",
            ),
        )
    assert set(caught.value.fields) == {"first_name", "email", "phone", "relationship", "password"}
    assert str(caught.value.fields["password"]) == "Use at least 15 characters."


@pytest.mark.parametrize(
    ("password", "confirm", "field", "message"),
    [
        ("1qaz2wsx3edc4rfv", "1qaz2wsx3edc4rfv", "password", "too common"),
        ("QWERTY123456789 ", "QWERTY123456789 ", "password", "too common"),
        ("maria@example.org", "maria@example.org", "password", "email address"),
        (
            "blue heron kayak morning",
            "blue heron kayak morning x",
            "password_confirm",
            "not the same",
        ),
        ("MariaNguyen", "MariaNguyen", "password", "at least 15"),
    ],
)
def test_password_rules(
    database: Database, password: str, confirm: str, field: str, message: str
) -> None:
    with pytest.raises(FieldErrors) as caught:
        register(database, password=password, password_confirm=confirm)
    assert message in str(caught.value.fields[field])


def test_name_as_password_is_refused(database: Database) -> None:
    change_settings(database, min_password_length=8)
    with pytest.raises(FieldErrors) as caught:
        register(database, password="María-Nguyễn", password_confirm="María-Nguyễn")
    assert "your name" in str(caught.value.fields["password"])


def test_any_characters_are_allowed_in_a_password(database: Database) -> None:
    emoji = "🦉 owls hoot at 3 a.m. — ¡sí! 🦉"
    session = register(database, password=emoji, password_confirm=emoji)
    with database.read() as uow:
        parent = uow.session.get_one(ParentAccount, session.parent_id)
        assert uow.runtime.hasher.verify(parent.password_hash, emoji)


def test_required_fields_follow_the_district(database: Database) -> None:
    change_settings(
        database,
        required_account_fields={AccountField.ADDRESS},
        extra_fields=[ExtraField(key="employer", labels={"en": "Employer"}, required=True)],
    )
    with pytest.raises(FieldErrors) as caught:
        register(database, phone="", relationship="")
    assert set(caught.value.fields) == {
        "address_street",
        "address_city",
        "address_state",
        "address_postal_code",
        "extra.employer",
    }
    session = register(
        database,
        phone="",
        relationship="",
        address_street="1 Main St",
        address_city="Owlton",
        address_state="FL",
        address_postal_code="32000",
        extra={"employer": "Owl County"},
    )
    with database.read() as uow:
        parent = uow.session.get_one(ParentAccount, session.parent_id)
        assert parent.extra_fields == {"employer": "Owl County"}


def test_email_must_be_on_record_when_the_district_says_so(database: Database) -> None:
    small_roster(database)
    change_settings(database, email_must_be_on_record=True)
    # A contact without portal access, and one on an inactive student's record, do not count.
    for email in ("tom@example.org", "bjorn@example.org", "stranger@example.org"):
        with pytest.raises(EmailNotOnRecord):
            register(database, email=email)
    assert register(database, email="MARIA@example.org").parent_id


def test_bypass_makes_the_account_active(database: Database) -> None:
    change_settings(database, links_bypass_verification=True)
    session = register(database)
    with database.read() as uow:
        assert uow.session.get_one(ParentAccount, session.parent_id).status is AccountStatus.ACTIVE


def test_accounts_per_kiosk_are_limited_and_the_hit_is_audited(database: Database) -> None:
    from frontdesk.district_settings import RateLimits

    change_settings(database, rate_limits=RateLimits(accounts_per_workstation=2))
    register(database, email="a@example.org")
    register(database, email="b@example.org")
    with pytest.raises(RateLimited):
        register(database, email="c@example.org")
    with database.read() as uow:
        assert (
            uow.session.scalar(select(ParentAccount).where(ParentAccount.email == "c@example.org"))
            is None
        )
        assert "rate_limited" in uow.session.scalars(select(AuditEvent.action)).all()
