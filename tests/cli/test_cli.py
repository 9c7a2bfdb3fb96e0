"""The frontdesk command: help for every command, migrations, staff accounts, the demo."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

from frontdesk.cli import build_parser, main
from frontdesk.db.engine import head_revision

COMMANDS = ["demo", "open", "desk", "kiosk", "db", "staff", "mail", "import-roster", "settings"]


def test_help_lists_every_command_with_a_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for command in COMMANDS:
        assert f"    {command}" in out


@pytest.mark.parametrize(
    "argv",
    [
        ["demo"],
        ["open"],
        ["desk"],
        ["kiosk"],
        ["db"],
        ["db", "upgrade"],
        ["db", "current"],
        ["staff"],
        ["staff", "add"],
        ["staff", "list"],
        ["staff", "disable"],
        ["import-roster"],
        ["settings", "export"],
        ["settings", "import"],
    ],
)
def test_each_command_has_help(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args([*argv, "--help"])
    assert exited.value.code == 0
    assert "usage: frontdesk" in capsys.readouterr().out


def test_db_upgrade_then_current(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'd.db'}"
    assert main(["db", "upgrade", "--db", url]) == 0
    assert main(["db", "current", "--db", url]) == 0
    assert f"database: {head_revision()}" in capsys.readouterr().out
    assert "students" in inspect(create_engine(url)).get_table_names()


def test_staff_add_makes_the_first_admin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'd.db'}"
    key = str(tmp_path / "d.key")
    monkeypatch.setattr(sys, "stdin", io.StringIO("the first admin's passphrase\n"))
    argv = ["staff", "add", "--db", url, "--key-file", key, "--role", "admin", "--password-stdin"]
    assert main([*argv, "--username", "Root"]) == 0
    assert "staff account 'root' (admin) created" in capsys.readouterr().out
    monkeypatch.setattr(sys, "stdin", io.StringIO("short\n"))
    assert main([*argv, "--username", "other"]) == 2
    assert "password: Use at least 15 characters." in capsys.readouterr().err


def test_a_wrong_key_file_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'd.db'}"
    assert main(["demo", "--no-open", "--students", "20", "--db", url]) == 0
    (tmp_path / "other.key").write_text("ab" * 32)
    assert main(["demo", "--no-open", "--db", url, "--key-file", str(tmp_path / "other.key")]) == 1
    assert "key file does not belong" in capsys.readouterr().err


def test_the_installed_command_builds_and_reopens_a_demo(tmp_path: Path) -> None:
    env = {"XDG_DATA_HOME": str(tmp_path), "PATH": str(Path(sys.executable).parent)}
    run = [sys.executable, "-m", "frontdesk", "demo", "--no-open", "--students", "50"]
    first = subprocess.run(run, env=env, capture_output=True, text=True, check=True)
    assert "made the demo district" in first.stdout and "copper-kettle-harbor-26" in first.stdout
    assert (tmp_path / "frontdesk" / "demo.db").exists()
    assert (tmp_path / "frontdesk" / "demo.key").stat().st_mode & 0o777 == 0o600
    again = subprocess.run(run, env=env, capture_output=True, text=True, check=True)
    assert "reopening the demo district" in again.stdout


def test_export_writes_the_roster(tmp_path: Path) -> None:
    assert main(["demo", "--export", str(tmp_path / "roster"), "--students", "30"]) == 0
    assert sorted(p.name for p in (tmp_path / "roster").glob("*.csv")) == [
        "contacts.csv",
        "schools.csv",
        "students.csv",
    ]
