"""``frontdesk audit``: the audit trail (export)."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from frontdesk.cli.context import Commands, add_command, add_group, open_district
from frontdesk.config import Settings


def cmd_audit_export(args: argparse.Namespace, settings: Settings) -> int:
    """Write the desk's history (checks, decisions, disclosures) to a CSV file."""
    from frontdesk.services.history import HistoryFilter, iter_history, write_history_csv

    try:
        since = date.fromisoformat(args.since) if args.since else None
        until = date.fromisoformat(args.until) if args.until else None
    except ValueError:
        print("Dates are written YYYY-MM-DD.", file=sys.stderr)
        return 2
    database = open_district(settings)
    with database.read() as uow, args.file.open("w", newline="", encoding="utf-8") as out:
        count = write_history_csv(iter_history(uow, HistoryFilter(since=since, until=until)), out)
    print(f"exported {count} events to {args.file}")
    return 0


def register(commands: Commands) -> None:
    """Add ``audit export``."""
    audit = add_group(
        commands,
        "audit",
        "The audit trail: export.",
        "Audit trail commands.",
        dest="audit_command",
    )
    export = add_command(
        audit,
        "export",
        cmd_audit_export,
        "Write the desk's history to a CSV file.",
        "Write every identity check, decision and disclosure of student data "
        "(who, when, which workstation) to a CSV file.",
    )
    export.add_argument("file", type=Path, metavar="FILE.csv", help="the file to write")
    export.add_argument("--since", metavar="DATE", help="from this day on (YYYY-MM-DD)")
    export.add_argument("--until", metavar="DATE", help="up to this day, inclusive (YYYY-MM-DD)")
