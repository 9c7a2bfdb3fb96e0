"""``frontdesk letters``: the PDF, the summary line, the exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from frontdesk.cli import main
from frontdesk.db.engine import Database
from frontdesk.security import Keyring
from tests.factories import small_roster
from tests.letters import codes_in


@pytest.fixture
def district(database: Database, database_url: str, keyring: Keyring, tmp_path: Path) -> list[str]:
    """The small roster on SQLite, and the options that open it with its key."""
    if not database_url.startswith("sqlite"):
        pytest.skip("the command's behaviour does not depend on the database")
    small_roster(database)
    key = tmp_path / "district.key"
    key.write_text((b"k" * 32).hex() + "\n")  # the key of the test keyring
    assert Keyring.from_file(key).fingerprint == keyring.fingerprint
    return ["--db", database_url, "--key-file", str(key), "--workstation", "office-1"]


def test_letters_for_a_school_to_one_pdf(
    district: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out" / "letters.pdf"
    code = main(["letters", *district, "--school", "0101", "--out", str(out)])
    assert code == 0
    assert capsys.readouterr().out == (
        f"Owl Creek Elementary: 2 letters issued and written to {out}; each replaces the "
        "guardian's letter before it\n"
    )
    assert len(codes_in(out)) == 2
    assert out.stat().st_mode & 0o077 == 0  # codes inside: readable by the operator alone


def test_an_unknown_school_or_grade(
    district: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "letters.pdf"
    assert main(["letters", *district, "--school", "9999", "--out", str(out)]) == 1
    assert "There is no school with the ID 9999." in capsys.readouterr().err
    assert main(["letters", *district, "--school", "0101", "--grade", "12", "--out", str(out)]) == 0
    assert "no guardian to write to" in capsys.readouterr().out
    assert not out.exists()
    assert main(["letters", *district, "--school", "0101", "--out", str(tmp_path)]) == 2
