"""One rule for the district key file, for every command: the one given, else the ``.key``
beside a SQLite database when there is one, else frontdesk's default; and no command makes a
key file for a database that already has a district (a new key could never open it)."""

from __future__ import annotations

from pathlib import Path

import pytest

import frontdesk.cli.app
from frontdesk.cli import main
from frontdesk.db.engine import Database


@pytest.fixture
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("FRONTDESK_KEY_FILE", raising=False)
    monkeypatch.delenv("FRONTDESK_DATABASE_URL", raising=False)
    return tmp_path / "data" / "frontdesk"


@pytest.fixture
def launched(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The apps the commands would start (their screens are not run here)."""
    started: list[str] = []

    def launch(database: Database, settings: object, start: str, notice: str = "") -> int:
        started.append(start)
        database.dispose()
        return 0

    monkeypatch.setattr(frontdesk.cli.app, "launch", launch)
    return started


def test_a_demo_elsewhere_opens_in_the_kiosk_with_the_key_beside_it(
    tmp_path: Path, data_home: Path, launched: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'x' / 'd.db'}"
    assert main(["demo", "--no-open", "--students", "20", "--db", url]) == 0
    assert (tmp_path / "x" / "d.key").exists()
    for command in ("kiosk", "desk", "open"):
        assert main([command, "--db", url]) == 0, capsys.readouterr().err
    assert main(["staff", "list", "--db", url]) == 0
    assert launched == ["kiosk", "desk", "start"]
    assert not (data_home / "district.key").exists()  # no stray key left behind


def test_no_command_makes_a_key_for_a_database_that_has_a_district(
    tmp_path: Path, data_home: Path, launched: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'd.db'}"
    key = tmp_path / "made.key"
    assert main(["staff", "list", "--db", url, "--key-file", str(key)]) == 0
    capsys.readouterr()
    missing = tmp_path / "missing.key"
    for argv in (
        ["kiosk", "--db", url, "--key-file", str(missing)],
        ["staff", "list", "--db", url, "--key-file", str(missing)],
        ["demo", "--no-open", "--db", url],  # the demo's default key would be d.key, beside it
        ["staff", "list", "--db", url],  # and everyone else's, district.key
    ):
        assert main(argv) == 1, argv
        assert "this database already has a district" in capsys.readouterr().err
    assert not missing.exists()
    assert not (tmp_path / "d.key").exists()
    assert not (data_home / "district.key").exists()
    assert launched == []


def test_a_new_database_gets_the_default_key_and_a_given_key_wins(
    tmp_path: Path, data_home: Path, launched: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    assert main(["kiosk", "--db", url]) == 0
    assert (data_home / "district.key").exists()
    assert not (tmp_path / "new.key").exists()
    # A key beside a database is taken only when no key is named.
    other = f"sqlite:///{tmp_path / 'other.db'}"
    (tmp_path / "other.key").write_text("cd" * 32)
    monkeypatch.setenv("FRONTDESK_KEY_FILE", str(tmp_path / "named.key"))
    assert main(["kiosk", "--db", other]) == 0
    assert (tmp_path / "named.key").exists()
