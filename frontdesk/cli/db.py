"""``frontdesk db``: the database schema (upgrade, current)."""

from __future__ import annotations

import argparse

from frontdesk.cli.context import Commands, add_command, add_group
from frontdesk.config import Settings
from frontdesk.db.engine import head_revision, make_engine, schema_revision, upgrade


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


def register(commands: Commands) -> None:
    """Add ``db upgrade`` and ``db current``."""
    db = add_group(
        commands,
        "db",
        "Database schema: upgrade, current.",
        "Database schema commands.",
        dest="db_command",
    )
    add_command(
        db, "upgrade", cmd_db_upgrade, "Apply the migrations the database does not have yet."
    )
    add_command(db, "current", cmd_db_current, "Print the database's schema revision.")
