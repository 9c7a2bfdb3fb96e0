"""``frontdesk import-roster``: the report on stderr, the summary line, the exit code."""

from __future__ import annotations

from pathlib import Path

import pytest

from frontdesk.cli import main
from tests.services.test_roster_import import bad_roster, write_roster


def run(folder: Path, tmp_path: Path, *flags: str) -> int:
    db = f"sqlite:///{tmp_path / 'district.db'}"
    return main(
        ["import-roster", str(folder), "--db", db, "--key-file", str(tmp_path / "k"), *flags]
    )


def test_a_clean_import_exits_0_with_the_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(write_roster(tmp_path / "r"), tmp_path) == 0
    out = capsys.readouterr().out
    assert out == (
        "students: 3 added, 0 updated, 0 inactivated; contacts: 4 added, 0 updated, "
        "0 removed; rejected rows: 0\n"
    )


def test_rejected_rows_are_listed_and_exit_non_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(bad_roster(tmp_path / "r"), tmp_path, "--strict") == 1
    captured = capsys.readouterr()
    assert "students.csv:5: birthdate: not a date in the form YYYY-MM-DD" in captured.err
    assert "--strict: nothing was imported" in captured.err
    assert captured.out.endswith("rejected rows: 5\n")


def test_a_dry_run_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(write_roster(tmp_path / "r"), tmp_path, "--dry-run") == 0
    assert "dry run: nothing was written" in capsys.readouterr().err
    assert run(write_roster(tmp_path / "r"), tmp_path) == 0
    assert "3 added" in capsys.readouterr().out
