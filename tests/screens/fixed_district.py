"""A district on a SQLite file with a fixed clock and key, for snapshots of the admin and
support screens: the same data and the same moment on every run."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, TextArea

from frontdesk.db.engine import Database, Runtime, open_database
from frontdesk.security import Keyring, PasswordHasher
from tests.conftest import FakeClock

SIZE = (120, 40)


def fixed_database(tmp_path: Path, sqlite_template: Path) -> Database:
    """An empty district (default settings) at the tests' fixed moment."""
    path = tmp_path / "district.db"
    shutil.copy(sqlite_template, path)
    runtime = Runtime(Keyring(b"k" * 32), PasswordHasher(), "desk-1", FakeClock())
    return open_database(f"sqlite:///{path}", runtime)


async def still(pilot: Pilot[Any]) -> None:
    """Workers done, tables sized, no blinking cursor: the screen as it will stay."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False
    for area in pilot.app.screen.query(TextArea):
        area.cursor_blink = False
    # A DataTable sizes its columns when idle, after the frame that shows its new rows, and
    # keeps that frame's lines cached until its next resize: on a busy machine the snapshot
    # could catch a row drawn at the old widths. Drop the cached lines once widths are known.
    await pilot.pause()
    for table in pilot.app.screen.query(DataTable):
        table.notify_style_update()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()
    await pilot.pause()
