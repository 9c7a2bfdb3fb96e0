"""``frontdesk open``, ``desk`` and ``kiosk``: start the terminal app on the district database.

The one module in frontdesk that knows the screens exist.
"""

from __future__ import annotations

import argparse
import os

from frontdesk.cli.context import COMMON_OPTIONS, Commands, add_command, log_to_file, open_district
from frontdesk.config import Settings
from frontdesk.db.engine import Database

WEB_SESSION = "web-session"
"""The command ``frontdesk serve`` runs for each browser session."""


def launch(database: Database, settings: Settings, start: str, notice: str = "") -> int:
    """Run the app on ``database`` from the ``start`` screen until it is closed."""
    log_to_file(settings)
    from screens.run import run_app

    return run_app(database, start=start, notice=notice, mail=settings.mail)


def cmd_web_session(args: argparse.Namespace, settings: Settings) -> int:
    """One browser session of ``frontdesk serve``: the parent screens over textual-serve's pipe.

    Started by the server with this session's settings in the environment; not for people.
    """
    database = open_district(settings)
    log_to_file(settings)
    from screens.run import run_web

    return run_web(
        database,
        start=os.environ.get("FRONTDESK_WEB_START", ""),
        # Taken out of the environment: nothing this process starts inherits the code.
        letter_code=os.environ.pop("FRONTDESK_WEB_LETTER_CODE", ""),
    )


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
    # Started by ``frontdesk serve`` for each browser session; hidden from --help.
    session = commands.add_parser(WEB_SESSION, parents=[COMMON_OPTIONS], add_help=False)
    session.set_defaults(func=cmd_web_session)
