"""District settings as a TOML file: round trip, problems named by key and line, audit."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from frontdesk.db.engine import Database
from frontdesk.db.models import AuditEvent
from frontdesk.district_settings import TextKey
from frontdesk.services.audit import Actor
from frontdesk.services.district import load_settings
from frontdesk.services.settings_file import (
    SettingsFileInvalid,
    export_settings,
    import_settings,
    key_line,
)

ADMIN = Actor.system("test")


def test_an_exported_file_imports_back_unchanged(database: Database) -> None:
    with database.read() as uow:
        text = export_settings(uow)
    assert 'district_name = "Owl County School District"' in text
    with database.write() as uow:
        assert import_settings(uow, ADMIN, text) == {}


def test_an_edited_file_changes_the_settings_and_is_audited(database: Database) -> None:
    with database.read() as uow:
        text = export_settings(uow)
    text = text.replace("kiosk_idle_seconds = 120", "kiosk_idle_seconds = 300")
    text += '\n[texts.es]\nwelcome_title = "Bienvenidos"\n'
    with database.write() as uow:
        changes = import_settings(uow, ADMIN, text)
    assert changes["kiosk_idle_seconds"] == {"old": 120, "new": 300}
    with database.read() as uow:
        settings = load_settings(uow)
        assert settings.kiosk_idle_seconds == 300
        assert settings.district_text(TextKey.WELCOME_TITLE, "es") == "Bienvenidos"
        audit = uow.session.scalars(select(AuditEvent)).one()
        assert audit.action == "settings.change"
        assert audit.details["changes"]["kiosk_idle_seconds"] == {"old": 120, "new": 300}


def problems_of(database: Database, text: str) -> list[str]:
    with pytest.raises(SettingsFileInvalid) as raised, database.write() as uow:
        import_settings(uow, ADMIN, text)
    return [str(p) for p in raised.value.problems]


def test_bad_values_are_named_by_key_and_line(database: Database) -> None:
    with database.read() as uow:
        text = export_settings(uow)
    text = text.replace("kiosk_idle_seconds = 120", "kiosk_idle_seconds = 5")
    text = text.replace("window_minutes = 60", 'window_minutes = "often"')
    text = text.replace('default_language = "en"', 'default_language = "fr"')
    lines = text.splitlines()
    line_of = {key: lines.index(next(x for x in lines if x.startswith(key))) + 1 for key in (
        "kiosk_idle_seconds", "window_minutes", "default_language")}  # fmt: skip
    assert sorted(problems_of(database, text)) == sorted(
        [
            f"line {line_of['kiosk_idle_seconds']}: kiosk_idle_seconds: At least 15.",
            f"line {line_of['window_minutes']}: rate_limits.window_minutes: Enter a whole number.",
        ]
    )
    # The model-wide rules run once the fields themselves are right.
    text = text.replace("kiosk_idle_seconds = 5", "kiosk_idle_seconds = 60")
    text = text.replace('window_minutes = "often"', "window_minutes = 60")
    assert problems_of(database, text) == [
        f"line {line_of['default_language']}: default_language: "
        "The default language must be one of the languages offered."
    ]
    with database.read() as uow:
        assert load_settings(uow).kiosk_idle_seconds == 120


def test_broken_toml_and_unknown_keys_are_reported(database: Database) -> None:
    assert problems_of(database, 'district_name = "x"\nlogo = \n') == [
        "line 2: This is not valid TOML: Invalid value (at line 2, column 8)"
    ]
    assert problems_of(database, 'district_name = "x"\ncolour = "red"\n') == [
        "line 2: colour: There is no such setting."
    ]


def test_key_line_finds_tables_and_arrays_of_tables() -> None:
    text = (
        'a = 1\n[rate_limits]\nwindow_minutes = 3\n[[extra_fields]]\nkey = "x"\n'
        '[[extra_fields]]\nkey = "Y"\n[extra_fields.labels]\nen = "y"\n'
    )
    assert key_line(text, "rate_limits.window_minutes") == 3
    assert key_line(text, "extra_fields.1.key") == 7
    assert key_line(text, "extra_fields.0.key") == 5
    assert key_line(text, "missing") is None
