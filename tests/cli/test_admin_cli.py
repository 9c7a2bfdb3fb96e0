"""``frontdesk settings export|import`` and ``frontdesk staff list|disable``."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from frontdesk.cli import main


@pytest.fixture
def where(tmp_path: Path) -> list[str]:
    return ["--db", f"sqlite:///{tmp_path / 'district.db'}", "--key-file", str(tmp_path / "k")]


def test_settings_export_then_import_an_edit(
    tmp_path: Path, where: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "settings.toml"
    assert main(["settings", "export", str(file), *where]) == 0
    text = file.read_text(encoding="utf-8")
    assert "kiosk_idle_seconds = 120" in text
    file.write_text(text.replace("kiosk_idle_seconds = 120", "kiosk_idle_seconds = 240"))
    assert main(["settings", "import", str(file), *where]) == 0
    assert "district settings changed: kiosk_idle_seconds" in capsys.readouterr().out
    assert main(["settings", "export", str(tmp_path / "again.toml"), *where]) == 0
    assert "kiosk_idle_seconds = 240" in (tmp_path / "again.toml").read_text(encoding="utf-8")


def test_a_bad_settings_file_names_the_key_and_line(
    tmp_path: Path, where: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "settings.toml"
    main(["settings", "export", str(file), *where])
    lines = file.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines, 1) if line.startswith("min_password_length"))
    lines[number - 1] = "min_password_length = 6"
    file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["settings", "import", str(file), *where]) == 2
    err = capsys.readouterr().err
    assert f"settings.toml: line {number}: min_password_length: At least 8." in err
    assert "nothing was changed" in err


def test_staff_list_and_disable(
    where: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("ada", "bob"):
        monkeypatch.setattr("sys.stdin", io.StringIO("an admin desk password 2026\n"))
        assert (
            main(
                ["staff", "add", "--role", "admin", "--username", name, "--password-stdin", *where]
            )
            == 0
        )
    capsys.readouterr()
    assert main(["staff", "disable", "bob", *where]) == 0
    assert main(["staff", "list", *where]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-2].startswith("ada") and "active" in out[-2]
    assert out[-1].startswith("bob") and "disabled" in out[-1]
    assert main(["staff", "disable", "ada", *where]) == 2
    assert "last active administrator" in capsys.readouterr().err
    assert main(["staff", "disable", "nobody", *where]) == 2
