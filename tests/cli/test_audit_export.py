"""``frontdesk audit export``: the desk's history as CSV, from the command line (A3)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from frontdesk.cli import build_parser, main
from frontdesk.db.engine import Runtime, open_database
from frontdesk.security import Keyring
from frontdesk.services.verification import approve_link
from tests.conftest import FakeClock
from tests.screens.desk_world import checked, desk_world


def test_audit_export_has_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args(["audit", "export", "--help"])
    assert exited.value.code == 0
    assert "--since DATE" in capsys.readouterr().out


def test_audit_export_writes_the_desk_history(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url, key = f"sqlite:///{tmp_path / 'district.db'}", tmp_path / "district.key"
    clock = FakeClock()
    database = open_database(
        url, Runtime(Keyring.from_file(key), workstation="desk-9", clock=clock)
    )
    world = desk_world(database, clock)
    checked(database, world.north, world.maria.parent_id)
    with database.write() as uow:
        approve_link(uow, world.north, world.links["jose"])
    database.dispose()
    out = tmp_path / "history.csv"
    common = ["--db", url, "--key-file", str(key)]
    assert main(["audit", "export", str(out), "--since", "2026-10-01", *common]) == 0
    assert f"exported 3 events to {out}" in capsys.readouterr().out
    with out.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [r["action"] for r in rows] == ["identity.check", "link.approve", "account.approve"]
    assert all(r["staff"] == "carmen" and r["workstation"] == "desk-9" for r in rows)
    assert rows[0]["at_utc"] == "2026-10-01T19:30:00+00:00"
    assert "K321" not in out.read_text(encoding="utf-8")  # the ID's last 4 stay in the database
    assert main(["audit", "export", str(out), "--until", "2026-09-30", *common]) == 0
    assert out.read_text(encoding="utf-8").count("\n") == 1  # the header alone
    assert main(["audit", "export", str(out), "--since", "yesterday", *common]) == 2
