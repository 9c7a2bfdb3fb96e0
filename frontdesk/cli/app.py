"""``frontdesk open``, ``desk`` and ``kiosk``: start the terminal app on the district database.

The one module in frontdesk that knows the screens exist.
"""

from __future__ import annotations

import argparse
import logging

from frontdesk.cli.context import Commands, add_command, open_district
from frontdesk.config import Settings
from frontdesk.db.engine import Database


def launch(database: Database, settings: Settings, start: str, notice: str = "") -> int:
    """Run the app on ``database`` from the ``start`` screen until it is closed."""
    # The screen belongs to the app: log to a file, not to the terminal.
    settings.log_file.parent.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(
        filename=settings.log_file,
        level=logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    from screens.run import run_app

    return run_app(database, start=start, notice=notice, mail=settings.mail)


def cmd_open(args: argparse.Namespace, settings: Settings) -> int:
    """Open the start screen on the district database."""
    return launch(open_district(settings), settings, "start")


def cmd_desk(args: argparse.Namespace, settings: Settings) -> int:
    """Open the staff desk (sign-in first)."""
    return launch(open_district(settings), settings, "desk")


def cmd_kiosk(args: argparse.Namespace, settings: Settings) -> int:
    """Open the parent kiosk, locked down until a staff PIN ends it."""
    return launch(open_district(settings), settings, "kiosk")


def register(commands: Commands) -> None:
    """Add ``open``, ``desk`` and ``kiosk``."""
    add_command(commands, "open", cmd_open, "Open the start screen on the district database.")
    add_command(
        commands, "desk", cmd_desk, "Open the staff desk: sign in, then the work of your role."
    )
    add_command(
        commands,
        "kiosk",
        cmd_kiosk,
        "Open the parent kiosk (full screen; staff leave it with their PIN).",
    )
