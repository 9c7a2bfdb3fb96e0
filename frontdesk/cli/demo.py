"""``frontdesk demo``: make (or reopen) the demo district, or write its roster files."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from sqlalchemy.engine import make_url

from frontdesk.cli import app
from frontdesk.cli.context import Commands, add_command, key_beside, open_district
from frontdesk.config import Settings, data_home, sqlite_url
from frontdesk.db.engine import make_engine
from frontdesk.db.models import Base


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
    database = open_district(settings)
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
    return app.launch(database, settings, "start", notice=_demo_accounts())


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


def register(commands: Commands) -> None:
    """Add ``demo``."""
    demo = add_command(
        commands, "demo", cmd_demo, "Make (or reopen) a demo district and open the start screen."
    )
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
