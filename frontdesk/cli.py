"""The ``frontdesk`` command: the composition root.

It reads the deployment settings, opens the district database with its key, and starts what
was asked for: the terminal app, a migration, a staff account, the demo district.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from sqlalchemy import func as sql
from sqlalchemy import inspect, select
from sqlalchemy.engine import make_url

from frontdesk import __version__
from frontdesk.config import Settings, data_home, sqlite_url
from frontdesk.db.engine import (
    Database,
    DatabaseError,
    Runtime,
    head_revision,
    make_engine,
    open_database,
    schema_revision,
    upgrade,
)
from frontdesk.db.models import Base, District, StaffRole
from frontdesk.errors import FieldErrors
from frontdesk.security import Keyring
from frontdesk.services.audit import Actor
from frontdesk.services.district import KeyMismatch

Command = Callable[[argparse.Namespace, Settings], int]


def _settings(args: argparse.Namespace) -> Settings:
    overrides: dict[str, object] = {}
    if args.db:
        overrides["database_url"] = args.db
    if args.key_file:
        overrides["key_file"] = args.key_file
    if args.workstation:
        overrides["workstation"] = args.workstation
    return Settings(**overrides)  # type: ignore[arg-type]


def key_beside(url: str) -> Path | None:
    """Where a SQLite database keeps its key: beside it (``x/d.db``: ``x/d.key``)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database).with_suffix(".key")


def district_key(settings: Settings) -> Settings:
    """``settings`` with the district key every command uses: the one given (``--key-file``,
    ``FRONTDESK_KEY_FILE``), else the ``.key`` beside a SQLite database when there is one,
    else the default (``district.key`` in frontdesk's data folder)."""
    if "key_file" in settings.model_fields_set:
        return settings
    beside = key_beside(settings.database_url)
    if beside is not None and beside.exists():
        return settings.model_copy(update={"key_file": beside})
    return settings


def has_district(url: str) -> bool:
    """Whether the database at ``url`` already holds a district (made with some key)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and (
        parsed.database in (None, "", ":memory:") or not Path(str(parsed.database)).exists()
    ):
        return False  # no file yet (or one in memory): nothing there
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            if District.__tablename__ not in inspect(connection).get_table_names():
                return False
            return connection.scalar(select(sql.count()).select_from(District)) != 0
    finally:
        engine.dispose()


def _keyring(settings: Settings) -> Keyring:
    key = settings.key_file
    # A new key would never open a district made with another: say so, and leave no stray
    # key file behind.
    if not key.exists() and has_district(settings.database_url):
        raise KeyMismatch(
            f"There is no key file at {key}, and this database already has a district; "
            "give the key file made with it (--key-file or FRONTDESK_KEY_FILE)."
        )
    return Keyring.from_file(key)


def _runtime(settings: Settings) -> Runtime:
    return Runtime(
        keyring=_keyring(settings),
        workstation=settings.workstation,
        portal_url=settings.portal_url,
    )


def _open(settings: Settings) -> Database:
    settings = district_key(settings)
    return open_database(settings.database_url, _runtime(settings))


def _launch(database: Database, settings: Settings, start: str, notice: str = "") -> int:
    # The screen belongs to the app: log to a file, not to the terminal.
    settings.log_file.parent.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(
        filename=settings.log_file,
        level=logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # The composition root is the one place in frontdesk that knows the screens exist.
    from screens.run import run_app

    return run_app(database, start=start, notice=notice, mail=settings.mail)


# --- commands ----------------------------------------------------------------------------------


def cmd_open(args: argparse.Namespace, settings: Settings) -> int:
    """Open the start screen on the district database."""
    return _launch(_open(settings), settings, "start")


def cmd_desk(args: argparse.Namespace, settings: Settings) -> int:
    """Open the staff desk (sign-in first)."""
    return _launch(_open(settings), settings, "desk")


def cmd_kiosk(args: argparse.Namespace, settings: Settings) -> int:
    """Open the parent kiosk, locked down until a staff PIN ends it."""
    return _launch(_open(settings), settings, "kiosk")


def cmd_db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    """Apply the migrations the database does not have yet."""
    engine = make_engine(settings.database_url)
    with engine.connect() as connection:
        before = schema_revision(connection)
    upgrade(engine)
    print(f"database schema: {before or 'empty'} -> {head_revision()}")
    engine.dispose()
    return 0


def cmd_db_current(args: argparse.Namespace, settings: Settings) -> int:
    """Print the schema revision of the database and the newest one shipped."""
    engine = make_engine(settings.database_url)
    with engine.connect() as connection:
        print(f"database: {schema_revision(connection) or 'empty'}; newest: {head_revision()}")
    engine.dispose()
    return 0


def cmd_staff_add(args: argparse.Namespace, settings: Settings) -> int:
    """Create a staff account; the password is asked for twice (or read from stdin)."""
    from frontdesk.services.staff import create_staff

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != password:
            print("The two passwords are not the same.", file=sys.stderr)
            return 2
    pin = getpass.getpass("Kiosk PIN (empty for none): ") if args.pin else None
    database = _open(settings)
    try:
        with database.write() as uow:
            staff = create_staff(
                uow,
                Actor.system(f"cli:{getpass.getuser()}"),
                username=args.username,
                display_name=args.name or args.username,
                role=StaffRole(args.role),
                password=password,
                school_codes=args.school or (),
                pin=pin or None,
            )
            print(f"staff account {staff.username!r} ({staff.role.value}) created")
    except FieldErrors as error:
        for name, message in error.fields.items():
            print(f"{name}: {message}", file=sys.stderr)
        return 2
    return 0


def cmd_mail_status(args: argparse.Namespace, settings: Settings) -> int:
    """Print the outbox: mails by state, what is due, the oldest queued, the latest errors."""
    from frontdesk.mail.delivery import outbox_status

    with _open(settings).read() as uow:
        status = outbox_status(uow)
    print(", ".join(f"{state}: {count}" for state, count in status.counts.items()))
    print(f"due now: {status.due_now}")
    oldest = status.oldest_queued.isoformat(timespec="seconds") if status.oldest_queued else "-"
    print(f"oldest queued: {oldest}")
    for failure in status.failures:
        print(
            f"mail {failure.id} {failure.message_id} ({failure.kind}), {failure.attempts} "
            f"attempts, next {failure.next_attempt_at.isoformat(timespec='seconds')}: "
            f"{failure.last_error}"
        )
    return 0


def cmd_mail_retry(args: argparse.Namespace, settings: Settings) -> int:
    """Deliver the queued mails that are due now (all of them with --all)."""
    from frontdesk.mail.delivery import Deliverer

    deliverer = Deliverer(_open(settings), settings.mail)
    sent = failed = 0
    while True:  # a pass takes one batch; go on until a pass finds nothing more to do
        result = deliverer.deliver_due(everything=args.all)
        sent, failed = sent + result.sent, failed + result.failed
        if result.sent == 0 or (result.sent + result.failed) < deliverer.batch:
            break
    print(f"sent {sent}, failed {failed}")
    return 0 if failed == 0 else 1


def cmd_import_roster(args: argparse.Namespace, settings: Settings) -> int:
    """Import the roster files in DIR; exits 0 only when every row was imported."""
    from frontdesk.roster.importer import run_import

    folder = Path(args.folder)
    if not folder.is_dir():
        print(f"frontdesk: {folder} is not a folder", file=sys.stderr)
        return 2
    database = _open(settings)
    progress = _ProgressBar() if sys.stderr.isatty() else None
    report = run_import(
        database,
        Actor.system(f"cli:{getpass.getuser()}"),
        folder,
        strict=args.strict,
        dry_run=args.dry_run,
        progress=progress,
    )
    if progress is not None:
        progress.finish()
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


class _ProgressBar:
    """A one-line progress bar on standard error, redrawn at most ten times a second."""

    WIDTH = 40

    def __init__(self) -> None:
        self._drawn = 0.0

    def __call__(self, file: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self._drawn < 0.1 and done < total:
            return
        self._drawn = now
        filled = self.WIDTH * done // max(total, 1)
        percent = 100 * done // max(total, 1)
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        print(f"\r{file:<13} [{bar}] {percent:3d}%", end="", file=sys.stderr, flush=True)

    def finish(self) -> None:
        print(file=sys.stderr)


def cmd_staff_list(args: argparse.Namespace, settings: Settings) -> int:
    """Print every staff account: user name, role, schools, state."""
    from frontdesk.services.staff import list_staff

    with _open(settings).read() as uow:
        accounts = list_staff(uow)
    for a in accounts:
        state = "active" if a.active else "disabled"
        if a.locked:
            state += ", locked"
        if a.must_change_password:
            state += ", must change password"
        schools = ",".join(a.school_codes) or "-"
        print(f"{a.username:<20} {a.role.value:<8} {schools:<20} {state}  {a.display_name}")
    return 0


def cmd_staff_disable(args: argparse.Namespace, settings: Settings) -> int:
    """Disable a staff account: it can no longer sign in and its sessions end."""
    from frontdesk.errors import DomainError
    from frontdesk.services.staff import set_staff_active, staff_by_username

    try:
        with _open(settings).write() as uow:
            staff = staff_by_username(uow, args.username)
            set_staff_active(uow, Actor.system(f"cli:{getpass.getuser()}"), staff.id, False)
    except DomainError as error:
        print(f"frontdesk: {error.message}", file=sys.stderr)
        return 2
    print(f"staff account {staff.username!r} disabled")
    return 0


def cmd_settings_export(args: argparse.Namespace, settings: Settings) -> int:
    """Write the district settings to a TOML file."""
    from frontdesk.services.settings_file import export_settings

    with _open(settings).read() as uow:
        text = export_settings(uow)
    Path(args.file).write_text(text, encoding="utf-8")
    print(f"district settings written to {args.file}")
    return 0


def cmd_settings_import(args: argparse.Namespace, settings: Settings) -> int:
    """Check a TOML settings file and, when it is right, make it the district's settings."""
    from frontdesk.services.settings_file import SettingsFileInvalid, import_settings

    try:
        text = Path(args.file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        print(f"frontdesk: cannot read {args.file}: {error}", file=sys.stderr)
        return 2
    try:
        with _open(settings).write() as uow:
            changes = import_settings(uow, Actor.system(f"cli:{getpass.getuser()}"), text)
    except SettingsFileInvalid as error:
        for problem in error.problems:
            print(f"{args.file}: {problem}", file=sys.stderr)
        print(f"frontdesk: {error.message}", file=sys.stderr)
        return 2
    if changes:
        print(f"district settings changed: {', '.join(sorted(changes))}")
    else:
        print("district settings unchanged")
    return 0


def _demo_settings(args: argparse.Namespace, settings: Settings) -> Settings:
    """The demo district keeps its own database and key, away from a real district's."""
    fields = settings.model_fields_set
    url = (
        settings.database_url
        if args.db or "database_url" in fields
        else (sqlite_url(data_home() / "demo.db"))
    )
    key = settings.key_file
    if not args.key_file and "key_file" not in fields:
        # The one rule (``district_key``), and a new demo's key is made beside it.
        key = key_beside(url) or data_home() / "demo.key"
    return settings.model_copy(update={"database_url": url, "key_file": key})


def _drop_demo(settings: Settings) -> None:
    parsed = make_url(settings.database_url)
    if parsed.get_backend_name() == "sqlite" and parsed.database:
        for suffix in ("", "-wal", "-shm"):
            Path(parsed.database + suffix).unlink(missing_ok=True)
        settings.key_file.unlink(missing_ok=True)
        return
    engine = make_engine(settings.database_url)
    with engine.begin() as connection:
        Base.metadata.drop_all(connection)
        connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    engine.dispose()
    settings.key_file.unlink(missing_ok=True)


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    """Make (or reopen) the demo district and open it."""
    from frontdesk import demo

    options = demo.DemoOptions(
        students=args.students, seed=args.seed, pending=args.pending, photos=args.photos
    )
    if args.export:
        summary = demo.export_roster(Path(args.export), options)
        print(
            f"wrote {summary.schools} schools, {summary.students} students and "
            f"{summary.contacts} contacts to {args.export}"
        )
        return 0
    settings = _demo_settings(args, settings)
    if args.fresh:
        _drop_demo(settings)
    database = _open(settings)
    if demo.is_built(database):
        print(f"reopening the demo district in {_where(settings)} (--fresh makes a new one)")
    else:
        started = time.perf_counter()
        summary = demo.build(database, options)
        print(
            f"made the demo district in {_where(settings)}: {summary.schools} schools, "
            f"{summary.students} students, {summary.contacts} contacts, "
            f"{summary.parents} parent accounts, {summary.pending_links} links waiting "
            f"({time.perf_counter() - started:.1f} s)"
        )
    print(_demo_accounts())
    if args.no_open:
        return 0
    return _launch(database, settings, "start", notice=_demo_accounts())


def _where(settings: Settings) -> str:
    return make_url(settings.database_url).render_as_string(hide_password=True)


def _demo_accounts() -> str:
    from frontdesk import demo

    lines = ["Demo staff accounts (user name / password / kiosk PIN):"]
    for member in demo.DEMO_STAFF:
        lines.append(
            f"  {member.role.value:<8} {member.username:<8} {member.password}  {member.pin}"
        )
    lines.append(f"Demo parents sign in with their email and {demo.DEMO_PARENT_PASSWORD}")
    return "\n".join(lines)


def cmd_audit_export(args: argparse.Namespace, settings: Settings) -> int:
    """Write the desk's history (checks, decisions, disclosures) to a CSV file."""
    from datetime import date

    from frontdesk.services.history import HistoryFilter, iter_history, write_history_csv

    try:
        since = date.fromisoformat(args.since) if args.since else None
        until = date.fromisoformat(args.until) if args.until else None
    except ValueError:
        print("Dates are written YYYY-MM-DD.", file=sys.stderr)
        return 2
    database = _open(settings)
    with database.read() as uow, args.file.open("w", newline="", encoding="utf-8") as out:
        count = write_history_csv(iter_history(uow, HistoryFilter(since=since, until=until)), out)
    print(f"exported {count} events to {args.file}")
    return 0


# --- the parser ------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    parser = argparse.ArgumentParser(
        prog="frontdesk",
        description="Parent registration and in-person identity verification for a school "
        "district.",
    )
    parser.add_argument("--version", action="version", version=f"frontdesk {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        metavar="URL",
        help="database URL (default: FRONTDESK_DATABASE_URL, else a "
        "SQLite file in ~/.local/share/frontdesk)",
    )
    common.add_argument(
        "--key-file", type=Path, help="the district key file (default: FRONTDESK_KEY_FILE)"
    )
    common.add_argument("--workstation", help="this workstation's name in audit rows")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, func: Command, summary: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, parents=[common], help=summary, description=summary)
        sub.set_defaults(func=func)
        return sub

    demo = add("demo", cmd_demo, "Make (or reopen) a demo district and open the start screen.")
    demo.add_argument("--students", type=int, default=300, help="students to make (300)")
    demo.add_argument("--seed", type=int, default=1, help="random seed (1)")
    demo.add_argument(
        "--pending",
        type=int,
        help="child links waiting for verification (default: one per eight students)",
    )
    demo.add_argument(
        "--photos",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="give students photos (default: up to 5,000 students)",
    )
    demo.add_argument("--export", metavar="DIR", help="write the roster files to DIR and exit")
    demo.add_argument("--no-open", action="store_true", help="build the database, then exit")
    demo.add_argument("--fresh", action="store_true", help="throw away an existing demo first")
    roster = add(
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
    add("open", cmd_open, "Open the start screen on the district database.")
    add("desk", cmd_desk, "Open the staff desk: sign in, then the work of your role.")
    add("kiosk", cmd_kiosk, "Open the parent kiosk (full screen; staff leave it with their PIN).")

    db = commands.add_parser(
        "db", help="Database schema: upgrade, current.", description="Database schema commands."
    )
    db_commands = db.add_subparsers(dest="db_command", metavar="COMMAND", required=True)
    for name, func, summary in (
        ("upgrade", cmd_db_upgrade, "Apply the migrations the database does not have yet."),
        ("current", cmd_db_current, "Print the database's schema revision."),
    ):
        sub = db_commands.add_parser(name, parents=[common], help=summary, description=summary)
        sub.set_defaults(func=func)

    mail = commands.add_parser(
        "mail", help="The outbox: status, retry.", description="Outgoing mail commands."
    )
    mail_commands = mail.add_subparsers(dest="mail_command", metavar="COMMAND", required=True)
    for name, func, summary in (
        ("status", cmd_mail_status, "Show the outbox: counts, oldest queued mail, last errors."),
        ("retry", cmd_mail_retry, "Deliver the queued mails that are due now."),
    ):
        sub = mail_commands.add_parser(name, parents=[common], help=summary, description=summary)
        sub.set_defaults(func=func)
        if name == "retry":
            sub.add_argument(
                "--all", action="store_true", help="also the mails still waiting out a back-off"
            )

    staff = commands.add_parser(
        "staff", help="Staff accounts: add, list, disable.", description="Staff account commands."
    )
    staff_commands = staff.add_subparsers(dest="staff_command", metavar="COMMAND", required=True)
    add_staff = staff_commands.add_parser(
        "add",
        parents=[common],
        help="Create a staff account.",
        description="Create a staff account (the first admin is made this way).",
    )
    add_staff.set_defaults(func=cmd_staff_add)
    add_staff.add_argument("--role", choices=[r.value for r in StaffRole], required=True)
    add_staff.add_argument("--username", required=True)
    add_staff.add_argument("--name", help="display name")
    add_staff.add_argument(
        "--school",
        action="append",
        metavar="CODE",
        help="a school the account serves (repeat for more)",
    )
    add_staff.add_argument("--pin", action="store_true", help="also ask for a kiosk-exit PIN")
    add_staff.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input",
    )
    for name, func, summary in (
        ("list", cmd_staff_list, "List the staff accounts."),
        ("disable", cmd_staff_disable, "Disable a staff account."),
    ):
        sub = staff_commands.add_parser(name, parents=[common], help=summary, description=summary)
        sub.set_defaults(func=func)
        if name == "disable":
            sub.add_argument("username", metavar="USERNAME")

    district = commands.add_parser(
        "settings",
        help="District settings as a TOML file: export, import.",
        description="District settings (Parent Registration, R19) as a TOML file.",
    )
    settings_commands = district.add_subparsers(
        dest="settings_command", metavar="COMMAND", required=True
    )
    for name, func, summary in (
        ("export", cmd_settings_export, "Write the district settings to FILE.toml."),
        ("import", cmd_settings_import, "Check FILE.toml and make it the district settings."),
    ):
        sub = settings_commands.add_parser(
            name, parents=[common], help=summary, description=summary
        )
        sub.set_defaults(func=func)
        sub.add_argument("file", metavar="FILE.toml")
    audit = commands.add_parser(
        "audit", help="The audit trail: export.", description="Audit trail commands."
    )
    audit_commands = audit.add_subparsers(dest="audit_command", metavar="COMMAND", required=True)
    export = audit_commands.add_parser(
        "export",
        parents=[common],
        help="Write the desk's history to a CSV file.",
        description="Write every identity check, decision and disclosure of student data "
        "(who, when, which workstation) to a CSV file.",
    )
    export.set_defaults(func=cmd_audit_export)
    export.add_argument("file", type=Path, metavar="FILE.csv", help="the file to write")
    export.add_argument("--since", metavar="DATE", help="from this day on (YYYY-MM-DD)")
    export.add_argument("--until", metavar="DATE", help="up to this day, inclusive (YYYY-MM-DD)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``frontdesk`` command line."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return int(args.func(args, _settings(args)))
    except (DatabaseError, KeyMismatch) as error:
        print(f"frontdesk: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


__all__ = ["build_parser", "main"]
