"""R19 settings: validation, storage, audit of old and new values; the key check."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from sqlalchemy import select

from frontdesk.db.district import KeyMismatch
from frontdesk.db.engine import Database, Runtime, open_database
from frontdesk.db.models import AuditEvent
from frontdesk.district_settings import DistrictSettings, Identifier, TextKey
from frontdesk.security import Keyring
from frontdesk.services.audit import Actor
from frontdesk.services.district import save_settings, settings_version


def test_a_new_district_has_the_defaults(database: Database) -> None:
    with database.read() as uow:
        settings = uow.settings
    assert settings.languages == ["en", "es", "ht"]
    assert settings.min_password_length == 15
    assert "S C H O O L" in settings.logo
    assert settings.identifiers_asked() == list(Identifier)


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"default_language": "fr"}, "default language"),
        ({"languages": ["en", "en"]}, "listed twice"),
        (
            {"required_identifiers": {Identifier.SSN_LAST4}, "force_name_entry": True},
            "student ID or the birthdate",
        ),
        (
            {"required_identifiers": {Identifier.BIRTHDATE}, "force_name_entry": False},
            "at least two",
        ),
        ({"min_password_length": 7}, "greater than or equal to 8"),
        ({"kiosk_idle_seconds": 5}, "greater than or equal to 15"),
    ],
)
def test_incoherent_settings_are_refused(changes: dict, reason: str) -> None:
    with pytest.raises(ValidationError) as caught:
        DistrictSettings.model_validate({**DistrictSettings().model_dump(), **changes})
    assert reason in str(caught.value)


def test_district_texts_fall_back_to_the_default_language() -> None:
    settings = DistrictSettings(
        texts={
            "en": {TextKey.WELCOME_MESSAGE: "Welcome!"},
            "es": {TextKey.WELCOME_TITLE: "Bienvenidos"},
        }
    )
    assert settings.district_text(TextKey.WELCOME_TITLE, "es") == "Bienvenidos"
    assert settings.district_text(TextKey.WELCOME_MESSAGE, "es") == "Welcome!"
    assert settings.district_text(TextKey.ADD_CHILD_BUTTON, "es") is None


def test_a_change_is_stored_versioned_and_audited_with_old_and_new(database: Database) -> None:
    with database.read() as uow:
        before = settings_version(uow)
    with database.write() as uow:
        new = uow.settings.model_copy(update={"kiosk_idle_seconds": 90})
        changes = save_settings(uow, Actor.system("admin"), new)
    assert changes == {"kiosk_idle_seconds": {"old": 120, "new": 90}}
    with database.read() as uow:
        assert uow.settings.kiosk_idle_seconds == 90
        assert settings_version(uow) == before + 1
        event = uow.session.scalars(select(AuditEvent)).one()
        assert (event.action, event.details) == ("settings.change", {"changes": changes})


def test_a_key_file_from_another_district_is_refused(database_url: str, runtime: Runtime) -> None:
    open_database(database_url, runtime).dispose()
    stranger = Runtime(keyring=Keyring(b"z" * 32), workstation="x")
    with pytest.raises(KeyMismatch):
        open_database(database_url, stranger)


def test_the_key_file_is_made_private(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "keys" / "district.key"
    first = Keyring.from_file(path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert Keyring.from_file(path).fingerprint == first.fingerprint
