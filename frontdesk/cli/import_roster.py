"""``frontdesk import-roster``: import the roster files the SIS exported."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from frontdesk.cli.context import Commands, add_command, open_district, operator
from frontdesk.config import Settings


def cmd_import_roster(args: argparse.Namespace, settings: Settings) -> int:
    """Import the roster files in DIR; exits 0 only when every row was imported."""
    from frontdesk.roster.importer import run_import

    folder = Path(args.folder)
    if not folder.is_dir():
        print(f"frontdesk: {folder} is not a folder", file=sys.stderr)
        return 2
    database = open_district(settings)
    with _reading_progress() as progress:
        report = run_import(
            database,
            operator(),
            folder,
            strict=args.strict,
            dry_run=args.dry_run,
            progress=progress,
        )
    for problem in report.problems:
        print(problem, file=sys.stderr)
    hidden = report.rejected_rows - len({(p.file, p.line) for p in report.problems})
    if hidden > 0:
        print(f"... and {hidden} more rejected rows", file=sys.stderr)
    if report.file_error:
        print("nothing was imported: fix the file and run the import again", file=sys.stderr)
    elif args.dry_run:
        print("dry run: nothing was written", file=sys.stderr)
    elif not report.written:
        print("--strict: nothing was imported because some rows were rejected", file=sys.stderr)
    print(report.summary())
    return 0 if report.complete else 1


@contextmanager
def _reading_progress() -> Iterator[Callable[[str, int, int], None] | None]:
    """A bar on standard error for each roster file, filled as its bytes are read; none when
    standard error is not a terminal (a log file or a pipe has no use for redrawn lines)."""
    if not sys.stderr.isatty():
        yield None
        return
    # rich comes with Textual; imported here, so only an import in a terminal pays for it.
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskID, TaskProgressColumn, TextColumn

    bars = Progress(
        TextColumn("{task.description:<13}"),
        BarColumn(bar_width=40),
        TaskProgressColumn(),
        console=Console(stderr=True),
    )
    tasks: dict[str, TaskID] = {}

    def read(file: str, done: int, total: int) -> None:
        if file not in tasks:
            tasks[file] = bars.add_task(file, total=total)
        bars.update(tasks[file], completed=done, total=total)

    with bars:
        yield read


def register(commands: Commands) -> None:
    """Add ``import-roster``."""
    roster = add_command(
        commands,
        "import-roster",
        cmd_import_roster,
        "Import the roster files (schools.csv, students.csv, contacts.csv, photos) in DIR.",
    )
    roster.add_argument("folder", metavar="DIR", help="the folder holding the roster files")
    roster.add_argument(
        "--strict", action="store_true", help="import nothing if any row is rejected"
    )
    roster.add_argument(
        "--dry-run", action="store_true", help="report what would change without writing"
    )
