"""R19, as the settings screen calls it: the typed draft, built from the district's settings
and validated into them, and its save (one unit of work, audited) on both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from frontdesk.db.engine import Database
from frontdesk.db.models import AuditEvent, StaffRole
from frontdesk.district_settings import (
    AccountField,
    DistrictSettings,
    ExtraField,
    Identifier,
    TextKey,
)
from frontdesk.errors import FieldErrors, NotAllowed
from frontdesk.services.district import settings_version
from frontdesk.services.settings_form import (
    ExtraFieldDraft,
    SettingsDraft,
    read_settings,
    save_settings_draft,
)
from tests.factories import staff_member

RICH = DistrictSettings(
    district_name="Heron County Schools",
    logo="== HERON ==",
    languages=["es", "en"],
    default_language="es",
    texts={"es": {TextKey.WELCOME_TITLE: "Bienvenidos"}, "en": {TextKey.WELCOME_TITLE: "Hi"}},
    required_account_fields={AccountField.ADDRESS},
    extra_fields=[ExtraField(key="bus_route", labels={"en": "Bus route"}, required=True)],
    required_identifiers={Identifier.STUDENT_ID, Identifier.SSN_LAST4},
    kiosk_idle_seconds=300,
)


@pytest.mark.parametrize("settings", [DistrictSettings(), RICH], ids=["defaults", "rich"])
def test_a_draft_stands_for_the_settings_it_was_made_of(settings: DistrictSettings) -> None:
    draft = SettingsDraft.of(settings)
    assert draft.kiosk_idle_seconds == str(settings.kiosk_idle_seconds)
    assert draft.validated() == settings
    assert draft.settings_or_none() == settings


def test_what_the_form_writes_is_kept_as_typed_and_tidied() -> None:
    draft = SettingsDraft.of(DistrictSettings())
    draft.offer_language("es", False)
    draft.offer_language("es", True)  # offered again: last in the bar
    draft.write_text("es", TextKey.WELCOME_TITLE, "  Bienvenidos ")
    draft.write_text("ht", TextKey.WELCOME_TITLE, "Byenveni")
    draft.write_text("ht", TextKey.WELCOME_TITLE, "   ")  # emptied: no text, no language
    draft.require_account_field(AccountField.PHONE, False)
    draft.require_identifier(Identifier.FIRST_NAME, True)
    draft.set_switch("links_bypass_verification", True)
    draft.set_number("kiosk_idle_seconds", " 300 ")
    draft.set_rate_limit("window_minutes", " 30")
    extra = ExtraFieldDraft()
    extra.set_key(" bus_route ")
    extra.write_label("en", " Bus route ")
    extra.write_label("es", "  ")
    draft.extra_fields.append(extra)
    settings = draft.validated()
    assert settings.languages == ["en", "ht", "es"]
    assert settings.texts == {"es": {TextKey.WELCOME_TITLE: "Bienvenidos"}}
    assert settings.required_account_fields == {AccountField.RELATIONSHIP}
    assert Identifier.FIRST_NAME in settings.required_identifiers
    assert settings.links_bypass_verification and draft.switch("links_bypass_verification")
    assert (settings.kiosk_idle_seconds, settings.rate_limits.window_minutes) == (300, 30)
    assert settings.extra_fields == [ExtraField(key="bus_route", labels={"en": "Bus route"})]


def test_a_language_moves_along_the_bar_within_its_ends() -> None:
    draft = SettingsDraft.of(DistrictSettings(languages=["en", "es", "ht"]))
    draft.offer_language("vi", True)
    draft.offer_language("pt_BR", True)
    assert draft.move_language("pt_BR", -1) and draft.move_language("pt_BR", -2)
    assert draft.languages == ["en", "pt_BR", "es", "ht", "vi"]
    assert not draft.move_language("en", -1)  # already first
    assert not draft.move_language("vi", 1)  # already last
    assert not draft.move_language("fr", 1)  # not offered
    assert draft.validated().languages == ["en", "pt_BR", "es", "ht", "vi"]


def test_a_draft_that_is_not_valid_is_refused_by_field_in_our_words() -> None:
    draft = SettingsDraft.of(DistrictSettings())
    draft.set_number("kiosk_idle_seconds", "5")
    draft.set_rate_limit("window_minutes", "often")
    draft.district_name = ""
    draft.extra_fields.append(ExtraFieldDraft(key="Bus Route"))
    assert draft.settings_or_none() is None
    with pytest.raises(FieldErrors) as caught:
        draft.validated()
    assert {path: str(message) for path, message in caught.value.fields.items()} == {
        "kiosk_idle_seconds": "At least 15.",
        "rate_limits.window_minutes": "Enter a whole number.",
        "district_name": "This must not be empty.",
        "extra_fields.0.key": "Use lower-case letters, digits and _, starting with a letter.",
    }
    # The limits stand alone: the warning needs only them to be numbers.
    assert draft.link_guess_years() is None
    draft.set_rate_limit("window_minutes", "60")
    assert draft.link_guess_years() == pytest.approx(
        DistrictSettings().rate_limits.link_guess_years()
    )


def test_a_weak_password_minimum_is_noticed() -> None:
    draft = SettingsDraft.of(DistrictSettings())
    assert not draft.weak_password_minimum()
    draft.set_number("min_password_length", "12")
    assert draft.weak_password_minimum()
    draft.set_number("min_password_length", "twelve")
    assert not draft.weak_password_minimum()  # its field says what is wrong instead


def test_an_admin_saves_a_draft_audited_with_old_and_new(database: Database) -> None:
    ada = staff_member(database, "ada", StaffRole.ADMIN, [])
    stored = read_settings(database)
    with database.read() as uow:
        version = settings_version(uow)
    draft = SettingsDraft.of(stored)
    unchanged = save_settings_draft(database, ada, draft)
    assert unchanged.changes == {} and unchanged.settings == stored

    draft.set_number("kiosk_idle_seconds", "300")
    saved = save_settings_draft(database, ada, draft)
    assert saved.changes == {"kiosk_idle_seconds": {"old": 120, "new": 300}}
    assert read_settings(database) == saved.settings
    with database.read() as uow:
        assert settings_version(uow) == version + 1
        [event] = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "settings.change")
        ).all()
    assert event.actor_name == "ada" and event.details == {"changes": saved.changes}


def test_nothing_is_stored_for_a_bad_draft_or_another_role(database: Database) -> None:
    ada = staff_member(database, "ada", StaffRole.ADMIN, [])
    sam = staff_member(database, "sam", StaffRole.SUPPORT, [])
    draft = SettingsDraft.of(read_settings(database))
    draft.set_number("kiosk_idle_seconds", "5")
    with pytest.raises(FieldErrors):
        save_settings_draft(database, ada, draft)
    draft.set_number("kiosk_idle_seconds", "300")
    with pytest.raises(NotAllowed):
        save_settings_draft(database, sam, draft)
    assert read_settings(database).kiosk_idle_seconds == 120
    with database.read() as uow:
        assert not uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "settings.change")
        ).all()
