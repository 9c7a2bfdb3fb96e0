"""Snapshots of the start screen, where a workstation starts: the district's logo and name, the
way into the staff desk and the parent kiosk, with and without the demo's notice of its
accounts (fixed district, SQLite)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from frontdesk.cli.demo import _demo_accounts
from screens.app import FrontdeskApp
from tests.screens.fixed_district import SIZE, fixed_database, still


@pytest.mark.parametrize("notice", ["", _demo_accounts()], ids=["plain", "demo-notice"])
def test_the_start_screen(
    snap_compare: Any, tmp_path: Path, sqlite_template: Path, notice: str
) -> None:
    app = FrontdeskApp(fixed_database(tmp_path, sqlite_template), notice=notice)
    assert snap_compare(app, terminal_size=SIZE, run_before=still)
