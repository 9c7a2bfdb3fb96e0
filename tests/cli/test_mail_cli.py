"""``frontdesk mail status`` and ``frontdesk mail retry`` show and push the outbox (E1)."""

from __future__ import annotations

import mailbox
from pathlib import Path

import pytest

from frontdesk.cli import build_parser, main
from frontdesk.db.engine import Runtime, open_database
from frontdesk.security import Keyring
from frontdesk.services.password_reset import request_reset
from tests.factories import register


@pytest.mark.parametrize("argv", [["mail"], ["mail", "status"], ["mail", "retry"]])
def test_mail_commands_have_help(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args([*argv, "--help"])
    assert exited.value.code == 0
    assert "usage: frontdesk" in capsys.readouterr().out


def test_status_then_retry_into_the_maildir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'd.db'}"
    key = tmp_path / "d.key"
    database = open_database(url, Runtime(keyring=Keyring.from_file(key)))
    register(database)
    with database.write() as uow:
        request_reset(uow, "maria@example.org", "en")
    database.dispose()
    monkeypatch.setenv("FRONTDESK_MAIL__MAILDIR", str(tmp_path / "mail"))
    options = ["--db", url, "--key-file", str(key)]

    assert main(["mail", "status", *options]) == 0
    out = capsys.readouterr().out
    assert "queued: 1, sent: 0" in out and "due now: 1" in out
    assert main(["mail", "retry", *options]) == 0
    assert "sent 1, failed 0" in capsys.readouterr().out
    assert len(mailbox.Maildir(tmp_path / "mail", create=False)) == 1
    assert main(["mail", "status", *options]) == 0
    out = capsys.readouterr().out
    assert "queued: 0, sent: 1" in out and "oldest queued: -" in out
