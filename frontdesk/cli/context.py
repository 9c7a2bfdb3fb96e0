"""What every command shares: the common options, the deployment settings they give, the
district key rule, opening the district database, and who a command acts as."""

from __future__ import annotations

import argparse
import getpass
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TypeAlias

from sqlalchemy import func as sql
from sqlalchemy import inspect, select
from sqlalchemy.engine import make_url

from frontdesk.config import Settings
from frontdesk.db.district import KeyMismatch
from frontdesk.db.engine import Database, Runtime, make_engine, open_database
from frontdesk.db.models import District
from frontdesk.security import Keyring
from frontdesk.services.audit import Actor

Command = Callable[[argparse.Namespace, Settings], int]
"""A command: its parsed arguments and the deployment settings in, the exit code out."""
Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
"""Where a command group adds its commands (what ``add_subparsers`` returns)."""


def _common_options() -> argparse.ArgumentParser:
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
    return common


COMMON_OPTIONS = _common_options()
"""The options every command takes: ``--db``, ``--key-file``, ``--workstation``."""


def add_command(
    commands: Commands, name: str, func: Command, summary: str, description: str | None = None
) -> argparse.ArgumentParser:
    """Add the command ``name`` (with the common options) that runs ``func``."""
    sub = commands.add_parser(
        name, parents=[COMMON_OPTIONS], help=summary, description=description or summary
    )
    sub.set_defaults(func=func)
    return sub


def add_group(commands: Commands, name: str, summary: str, description: str, dest: str) -> Commands:
    """Add the command group ``name`` (``frontdesk db …``); its commands are added to what this
    returns, and one of them must be given."""
    group = commands.add_parser(name, help=summary, description=description)
    return group.add_subparsers(dest=dest, metavar="COMMAND", required=True)


def settings_from(args: argparse.Namespace) -> Settings:
    """The deployment settings, with the common options winning over the environment."""
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


def open_district(settings: Settings) -> Database:
    """The district database of ``settings``, opened with its key."""
    settings = district_key(settings)
    runtime = Runtime(
        keyring=_keyring(settings),
        workstation=settings.workstation,
        portal_url=settings.portal_url,
    )
    return open_database(settings.database_url, runtime)


def operator() -> Actor:
    """Who a command acts as in the audit trail: the operator's login on this machine."""
    return Actor.system(f"cli:{getpass.getuser()}")


def log_to_file(settings: Settings) -> None:
    """Send warnings and errors to the log file: a screen belongs to its app, not to logs."""
    settings.log_file.parent.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(
        filename=settings.log_file,
        level=logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
