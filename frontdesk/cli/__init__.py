"""The ``frontdesk`` command: the composition root.

It reads the deployment settings, opens the district database with its key, and starts what
was asked for: the terminal app, a migration, a staff account, the demo district. One module
per command group; what they share (options, settings, opening the database) is
:mod:`frontdesk.cli.context`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from frontdesk import __version__
from frontdesk.cli import (
    app,
    audit,
    db,
    demo,
    import_roster,
    letters,
    mail,
    serve,
    settings_file,
    staff,
)
from frontdesk.cli.context import settings_from
from frontdesk.db.district import KeyMismatch
from frontdesk.db.engine import DatabaseError

# In the order ``frontdesk --help`` lists them.
_GROUPS = (demo, import_roster, letters, app, serve, db, mail, staff, settings_file, audit)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    parser = argparse.ArgumentParser(
        prog="frontdesk",
        description="Parent registration and in-person identity verification for a school "
        "district.",
    )
    parser.add_argument("--version", action="version", version=f"frontdesk {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for group in _GROUPS:
        group.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``frontdesk`` command line."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return int(args.func(args, settings_from(args)))
    except (DatabaseError, KeyMismatch) as error:
        print(f"frontdesk: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


__all__ = ["build_parser", "main"]
